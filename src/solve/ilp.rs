//! The integer-programming backend: microlp's branch and bound in short slices on the caller's thread (CBC or HiGHS through good_lp, by feature).
//!
//! Each clause `l1 or ... or lk` becomes the row `sum l_i >= 1` with a
//! negative literal written `1 - x`. The program is rebuilt from all clauses
//! at each call; a proved lower bound from earlier calls is added as a row
//! (`cost >= bound`), which is valid because clauses only accumulate, and
//! [`MinCostSolver::minimize_below`]'s cap as the row `cost <= cap - 1`, so
//! that the branch and bound prunes on the incumbent's cost from its first
//! node and answers "nothing below the cap" by proving the program
//! infeasible (on nine programs of an S4 3-tensor search: 2.9 s in all with
//! the cap row, 4.3 s without).
//!
//! Stopping (pure-Rust default): microlp runs under a time limit of 20 ms and
//! is resumed (`SolveOutcome::resume_with`, which keeps the
//! open tree) until it proves an optimum or infeasibility; `stop` is polled
//! between slices, so a stopped call returns with nothing left running (the
//! slices cost nothing measurable against one unlimited call). microlp solves a node's interrupted LP again from the node's stored basis,
//! so a slice that solved no node doubles the next one (a node LP longer than
//! a slice would otherwise never finish) and one that did halves it, down to
//! 20 ms; the time between `stop` turning true and the return is at most
//! about twice the longest LP solve of the search (the root's or a node's).
//!
//! Re-solving after adding rows (`Solution::add_constraint`) is not used: for
//! an integer program microlp drops the open tree on an edit and searches
//! anew from the root, keeping only the incumbent as a hint if it survives,
//! and every cut of the refutation loop excludes the incumbent it refutes.
//!
//! With the `cbc` or `highs` feature the program goes to that solver through
//! good_lp on a worker thread, and a stopped call abandons the solve (it
//! finishes in the background, or ends with the process).
//!
//! Soundness: an optimum counts only when the solver reports it proved (no
//! MIP gap: it is 0); its binaries are rounded and every clause, the bounds
//! and the cost are checked in integer arithmetic, and an assignment that
//! fails is an error, never an answer. Stopped outcomes carry only bounds
//! proved before (earlier optima, [`MinCostSolver::raise_lower_bound`], an
//! infeasible cap), never the solver's floating-point bound.
use super::{cost_of, Lit, MinCostSolver, Minimum, Outcome, SolveError};
use std::time::Duration;

/// The clauses so far, turned into an integer program at each call.
pub struct IlpSolver {
    weights: Vec<u64>,
    clauses: Vec<Vec<Lit>>,
    lower: u64,
    infeasible: bool,
}

/// What one solve of the program ended with.
enum Answer {
    /// The proved cheapest assignment meeting every row (not yet checked).
    Cheapest(Vec<bool>),
    /// No assignment meets every row.
    Infeasible,
    /// `stop` turned true first.
    Stopped,
}

impl IlpSolver {
    /// A solver over `weights.len()` variables, all weights positive.
    pub fn new(weights: Vec<u64>) -> IlpSolver {
        IlpSolver {
            weights,
            clauses: Vec::new(),
            lower: 0,
            infeasible: false,
        }
    }

    /// The least cost below `cap` (`None`: no cap), as an [`Outcome`]; an
    /// infeasible capped program is [`Outcome::NoneBelow`].
    fn minimize_capped(
        &mut self,
        cap: Option<u64>,
        stop: &dyn Fn() -> bool,
    ) -> Result<Outcome, SolveError> {
        if self.infeasible {
            return Ok(Outcome::Infeasible);
        }
        if let Some(cap) = cap {
            if cap <= self.lower {
                // Every answer costs at least `lower`: none is below the cap.
                return Ok(Outcome::NoneBelow {
                    lower_bound: self.lower,
                });
            }
        }
        if stop() {
            return Ok(Outcome::Stopped {
                lower_bound: self.lower,
            });
        }
        check_weights(&self.weights)?;
        let program = Program {
            weights: &self.weights,
            clauses: &self.clauses,
            lower: self.lower,
            // `cap > lower >= 0` here, so `cap - 1` does not underflow.
            most: cap.map(|cap| cap - 1),
        };
        let chosen = match solve(&program, stop, FIRST_SLICE)? {
            Answer::Stopped => {
                return Ok(Outcome::Stopped {
                    lower_bound: self.lower,
                })
            }
            Answer::Infeasible => {
                return Ok(match cap {
                    // Nothing meets the clauses below the cap: a bound for
                    // every later call too, as clauses only accumulate.
                    Some(cap) => {
                        self.lower = cap;
                        Outcome::NoneBelow { lower_bound: cap }
                    }
                    None => {
                        self.infeasible = true;
                        Outcome::Infeasible
                    }
                });
            }
            Answer::Cheapest(chosen) => chosen,
        };
        let cost = program.check(&chosen)?;
        self.lower = cost;
        Ok(Outcome::Optimal(Minimum { chosen, cost }))
    }
}

impl MinCostSolver for IlpSolver {
    fn variables(&self) -> usize {
        self.weights.len()
    }

    fn add_clause(&mut self, lits: &[Lit]) {
        if lits.is_empty() {
            self.infeasible = true;
        }
        self.clauses.push(lits.to_vec());
    }

    fn raise_lower_bound(&mut self, bound: u64) -> Result<(), SolveError> {
        // The `cost >= lower` row of every program enforces it.
        self.lower = self.lower.max(bound);
        Ok(())
    }

    fn minimize(&mut self, stop: &dyn Fn() -> bool) -> Result<Outcome, SolveError> {
        self.minimize_capped(None, stop)
    }

    fn minimize_below(&mut self, cap: u64, stop: &dyn Fn() -> bool) -> Result<Outcome, SolveError> {
        self.minimize_capped(Some(cap), stop)
    }
}

/// The first slice's time limit, and the one after a slice that solved a
/// node: short enough that a stop is seen at once, long enough that resuming
/// (microseconds) costs nothing.
const FIRST_SLICE: Duration = Duration::from_millis(20);

/// The largest total weight whose every partial sum is exact in `f64` (2^53).
const EXACT_IN_F64: u64 = 1 << 53;

/// Refuses weights whose sums `f64` cannot hold exactly (the solvers'
/// arithmetic), so that no cost row is rounded.
fn check_weights(weights: &[u64]) -> Result<(), SolveError> {
    let mut total: u64 = 0;
    for &w in weights {
        total = total.saturating_add(w);
        if total > EXACT_IN_F64 {
            return Err(SolveError::WeightTooLarge(w));
        }
    }
    Ok(())
}

/// One call's integer program: minimise the weighted sum of the chosen
/// variables subject to the clauses and `lower <= cost <= most`.
struct Program<'a> {
    weights: &'a [u64],
    clauses: &'a [Vec<Lit>],
    lower: u64,
    most: Option<u64>,
}

/// A clause as a row: its literals' variables with coefficient +1 (positive)
/// or -1 (negative), and the right-hand side `1 - negatives`. `None` for a
/// clause that holds always (it has a variable both ways).
fn clause_row(clause: &[Lit]) -> Option<(Vec<(usize, f64)>, f64)> {
    let mut lits = clause.to_vec();
    lits.sort_unstable();
    lits.dedup();
    if lits.windows(2).any(|w| w[0].var == w[1].var) {
        return None;
    }
    let negatives = lits.iter().filter(|l| !l.positive).count();
    let terms = lits
        .iter()
        .map(|l| (l.var as usize, if l.positive { 1.0 } else { -1.0 }))
        .collect();
    Some((terms, 1.0 - negatives as f64))
}

impl Program<'_> {
    /// The cost of `chosen` after checking, in integer arithmetic, that it
    /// meets every clause and the cost rows: a solver answer that does not is
    /// an error, never an answer.
    fn check(&self, chosen: &[bool]) -> Result<u64, SolveError> {
        if chosen.len() != self.weights.len() {
            return Err(SolveError::IlpInvalidAnswer(format!(
                "{} values for {} variables",
                chosen.len(),
                self.weights.len()
            )));
        }
        if let Some(at) = self
            .clauses
            .iter()
            .position(|c| !c.iter().any(|l| chosen[l.var as usize] == l.positive))
        {
            return Err(SolveError::IlpInvalidAnswer(format!(
                "the assignment violates clause {at}"
            )));
        }
        let cost = cost_of(self.weights, chosen);
        if cost < self.lower || self.most.is_some_and(|most| cost > most) {
            return Err(SolveError::IlpInvalidAnswer(format!(
                "the assignment costs {cost}, outside [{}, {}]",
                self.lower,
                self.most.map_or("none".into(), |m| m.to_string())
            )));
        }
        Ok(cost)
    }
}

#[cfg(not(any(feature = "cbc", feature = "highs")))]
use sliced::solve;

/// microlp, run in slices on the caller's thread.
#[cfg(not(any(feature = "cbc", feature = "highs")))]
mod sliced {
    use super::{clause_row, Answer, Program};
    use crate::solve::SolveError;
    use microlp::{
        ComparisonOp, OptimizationDirection, Problem, ResumeOptions, SolutionStatus, SolveOptions,
        TerminationReason,
    };
    use std::time::Duration;

    /// Solves `program` with microlp, polling `stop` between slices of
    /// `first_slice` (doubled after a slice that solved no node).
    pub(super) fn solve(
        program: &Program,
        stop: &dyn Fn() -> bool,
        first_slice: Duration,
    ) -> Result<Answer, SolveError> {
        let Program {
            weights,
            clauses,
            lower,
            most,
        } = *program;
        if weights.is_empty() {
            // No variables: the empty assignment, costing 0, if the rows allow it.
            let fits = lower == 0;
            return Ok(if fits {
                Answer::Cheapest(Vec::new())
            } else {
                Answer::Infeasible
            });
        }
        let mut problem = Problem::new(OptimizationDirection::Minimize);
        let x: Vec<_> = weights
            .iter()
            .map(|&w| problem.add_binary_var(w as f64))
            .collect();
        for clause in clauses {
            if let Some((terms, rhs)) = clause_row(clause) {
                let terms = terms.into_iter().map(|(v, c)| (x[v], c));
                problem.add_constraint(terms, ComparisonOp::Ge, rhs);
            }
        }
        let cost = || x.iter().zip(weights).map(|(&v, &w)| (v, w as f64));
        if lower > 0 {
            problem.add_constraint(cost(), ComparisonOp::Ge, lower as f64);
        }
        if let Some(most) = most {
            problem.add_constraint(cost(), ComparisonOp::Le, most as f64);
        }
        let mut options = SolveOptions::default();
        // Never zero: a slice that solves no node doubles the next one.
        let first_slice = first_slice.max(Duration::from_micros(1));
        options.time_limit = Some(first_slice);
        // Exact optimality: the default, said here because soundness rests on it.
        options.mip_gap = 0.0;
        let mut slice = first_slice;
        let mut outcome = problem.solve_with(options);
        loop {
            let nodes_before = match &outcome {
                Ok(o) if o.termination_reason() == TerminationReason::ProvenOptimal => break,
                Ok(o) if is_limit(o.termination_reason()) => o.stats().nodes_solved,
                Ok(o) => {
                    return Err(SolveError::IlpInvalidAnswer(format!(
                        "microlp ended with {:?}, asked for exact optimality",
                        o.termination_reason()
                    )))
                }
                Err(microlp::Error::Infeasible) => return Ok(Answer::Infeasible),
                Err(e) => return Err(SolveError::MicroLp(e.clone())),
            };
            if stop() {
                return Ok(Answer::Stopped);
            }
            let mut resume = ResumeOptions::default();
            resume.time_limit = Some(slice);
            let previous = outcome.expect("an error returned above");
            outcome = previous.resume_with(resume);
            if let Ok(o) = &outcome {
                // A slice that solved no node may be one node LP cut short
                // again and again: give the next one twice the time (and
                // halve it again, to the first slice's, once nodes get solved).
                slice = if o.stats().nodes_solved > nodes_before {
                    (slice / 2).max(first_slice)
                } else {
                    slice.saturating_mul(2)
                };
            }
        }
        let solution = outcome
            .expect("only an Ok outcome leaves the loop")
            .into_solution()
            .map_err(|_| {
                SolveError::IlpInvalidAnswer("a proved optimum without a solution".into())
            })?;
        if solution.status() != SolutionStatus::Optimal {
            return Err(SolveError::IlpInvalidAnswer(format!(
                "microlp reported {:?} with status {:?}",
                solution.termination_reason(),
                solution.status()
            )));
        }
        // Binaries are reported within microlp's integrality tolerance of 0 or 1.
        let chosen = x.iter().map(|&v| solution.var_value(v) > 0.5).collect();
        Ok(Answer::Cheapest(chosen))
    }

    /// Whether the search stopped at a time or node budget (and can be resumed).
    fn is_limit(reason: TerminationReason) -> bool {
        matches!(
            reason,
            TerminationReason::TimeLimit | TerminationReason::NodeLimit
        )
    }
}

#[cfg(any(feature = "cbc", feature = "highs"))]
use external::solve;

/// CBC or HiGHS through good_lp, on a worker thread that a stop abandons.
#[cfg(any(feature = "cbc", feature = "highs"))]
mod external {
    use super::{clause_row, Answer, Program};
    use crate::solve::{Lit, SolveError};
    use good_lp::{
        constraint, variable, Expression, ProblemVariables, ResolutionError, Solution, SolverModel,
    };
    use std::time::Duration;

    /// The integer-programming engine the feature selects.
    #[cfg(feature = "cbc")]
    const ILP_ENGINE: fn(
        good_lp::variable::UnsolvedProblem,
    ) -> good_lp::solvers::coin_cbc::CoinCbcProblem = good_lp::coin_cbc;
    #[cfg(all(feature = "highs", not(feature = "cbc")))]
    const ILP_ENGINE: fn(
        good_lp::variable::UnsolvedProblem,
    ) -> good_lp::solvers::highs::HighsProblem = good_lp::highs;

    /// Solves `program` on a worker thread, polling `stop`; a stop abandons
    /// the solve (these solvers cannot be interrupted from here).
    pub(super) fn solve(
        program: &Program,
        stop: &dyn Fn() -> bool,
        _first_slice: Duration,
    ) -> Result<Answer, SolveError> {
        let weights = program.weights.to_vec();
        let clauses = program.clauses.to_vec();
        let (lower, most) = (program.lower, program.most);
        let work = move || solve_program(&weights, &clauses, lower, most);
        let Some(joined) = crate::background::run_unless_stopped(work, stop) else {
            return Ok(Answer::Stopped);
        };
        joined.map_err(|_| SolveError::IlpPanicked)?
    }

    /// Solves the integer program to its proved optimum.
    fn solve_program(
        weights: &[u64],
        clauses: &[Vec<Lit>],
        lower: u64,
        most: Option<u64>,
    ) -> Result<Answer, SolveError> {
        let mut problem = ProblemVariables::new();
        let x: Vec<_> = (0..weights.len())
            .map(|_| problem.add(variable().binary()))
            .collect();
        let cost: Expression = x.iter().zip(weights).map(|(&v, &w)| w as f64 * v).sum();
        let mut model = problem.minimise(cost.clone()).using(ILP_ENGINE);
        for clause in clauses {
            if let Some((terms, rhs)) = clause_row(clause) {
                let row: Expression = terms.into_iter().map(|(v, c)| c * x[v]).sum();
                model = model.with(constraint!(row >= rhs));
            }
        }
        if lower > 0 {
            model = model.with(constraint!(cost.clone() >= lower as f64));
        }
        if let Some(most) = most {
            model = model.with(constraint!(cost <= most as f64));
        }
        let solution = match model.solve() {
            Ok(s) => s,
            Err(ResolutionError::Infeasible) => return Ok(Answer::Infeasible),
            Err(e) => return Err(SolveError::Ilp(e)),
        };
        if !matches!(solution.status(), good_lp::SolutionStatus::Optimal) {
            return Err(SolveError::IlpInvalidAnswer(
                "the solver ended without proving an optimum".into(),
            ));
        }
        Ok(Answer::Cheapest(
            x.iter().map(|&v| solution.value(v) > 0.5).collect(),
        ))
    }
}

#[cfg(test)]
mod tests;
