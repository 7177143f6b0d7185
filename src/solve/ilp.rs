//! The integer-programming backend: good_lp with microlp (pure Rust branch and bound), or CBC / HiGHS by feature.
//!
//! Each clause `l1 or ... or lk` becomes the row `sum l_i >= 1` with a
//! negative literal written `1 - x`. good_lp models are not incremental, so
//! every call rebuilds the program from all clauses; a proved lower bound
//! from earlier calls is added as a row (`cost >= bound`), which is valid
//! because clauses only accumulate. Where it is still slow: programs with
//! thousands of long cut rows, where the LP relaxation is weak.
use super::{cost_of, Lit, MinCostSolver, Minimum, Outcome, SolveError};
use good_lp::{
    constraint, variable, Expression, ProblemVariables, ResolutionError, Solution, SolverModel,
};

/// The clauses so far, turned into an integer program at each call.
pub struct IlpSolver {
    weights: Vec<u64>,
    clauses: Vec<Vec<Lit>>,
    lower: u64,
    infeasible: bool,
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
        if self.infeasible {
            return Ok(Outcome::Infeasible);
        }
        if stop() {
            return Ok(Outcome::Stopped {
                lower_bound: self.lower,
            });
        }
        // microlp cannot be interrupted: solve on a thread and poll `stop`;
        // an abandoned solve finishes in the background (or with the process).
        let (weights, clauses, lower) = (self.weights.clone(), self.clauses.clone(), self.lower);
        let work = move || solve_program(&weights, &clauses, lower);
        let Some(joined) = crate::background::run_unless_stopped(work, stop) else {
            return Ok(Outcome::Stopped {
                lower_bound: self.lower,
            });
        };
        let answer = joined.map_err(|_| SolveError::IlpPanicked)?;
        let Some(chosen) = answer? else {
            self.infeasible = true;
            return Ok(Outcome::Infeasible);
        };
        let cost = cost_of(&self.weights, &chosen);
        self.lower = cost;
        Ok(Outcome::Optimal(Minimum { chosen, cost }))
    }
}

/// The integer-programming engine: microlp unless a feature selects another.
#[cfg(feature = "cbc")]
const ILP_ENGINE: fn(
    good_lp::variable::UnsolvedProblem,
) -> good_lp::solvers::coin_cbc::CoinCbcProblem = good_lp::coin_cbc;
#[cfg(all(feature = "highs", not(feature = "cbc")))]
const ILP_ENGINE: fn(good_lp::variable::UnsolvedProblem) -> good_lp::solvers::highs::HighsProblem =
    good_lp::highs;
#[cfg(not(any(feature = "cbc", feature = "highs")))]
const ILP_ENGINE: fn(
    good_lp::variable::UnsolvedProblem,
) -> good_lp::solvers::microlp::MicroLpProblem = good_lp::microlp;

/// Solves the integer program: the chosen variables, or `None` when infeasible.
fn solve_program(
    weights: &[u64],
    clauses: &[Vec<Lit>],
    lower: u64,
) -> Result<Option<Vec<bool>>, SolveError> {
    let mut problem = ProblemVariables::new();
    let x: Vec<_> = (0..weights.len())
        .map(|_| problem.add(variable().binary()))
        .collect();
    let cost: Expression = x.iter().zip(weights).map(|(&v, &w)| w as f64 * v).sum();
    let mut model = problem.minimise(cost.clone()).using(ILP_ENGINE);
    for clause in clauses {
        let mut row = Expression::from(0.0);
        for l in clause {
            let v = x[l.var as usize];
            if l.positive {
                row += v;
            } else {
                row += 1.0 - v;
            }
        }
        model = model.with(constraint!(row >= 1.0));
    }
    if lower > 0 {
        model = model.with(constraint!(cost >= lower as f64));
    }
    let solution = match model.solve() {
        Ok(s) => s,
        Err(ResolutionError::Infeasible) => return Ok(None),
        Err(e) => return Err(SolveError::Ilp(e)),
    };
    Ok(Some(x.iter().map(|&v| solution.value(v) > 0.5).collect()))
}
