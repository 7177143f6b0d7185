//! Minimum-cost 0-1 programs over clauses, solved by SAT (varisat) or integer programming (microlp).
//!
//! Both searches (the sparsest exact structure and the smallest generating
//! set) reduce to the same question, asked again and again as constraints
//! arrive: *which choice of 0-1 variables satisfies every clause so far and
//! has the least weighted sum?* [`MinCostSolver`] is that question; the
//! backends answer it exactly, so they must agree on the optimum (tests
//! check that they do).
mod ilp;
mod sat;

pub use ilp::IlpSolver;
pub use sat::SatSolver;

use std::fmt;

/// A literal over the program's 0-1 variables: `var` is true, or false.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lit {
    pub var: u32,
    pub positive: bool,
}

impl Lit {
    /// The literal "`var` is chosen".
    pub fn pos(var: usize) -> Lit {
        Lit {
            var: var as u32,
            positive: true,
        }
    }

    /// The literal "`var` is not chosen".
    pub fn neg(var: usize) -> Lit {
        Lit {
            var: var as u32,
            positive: false,
        }
    }
}

/// Which backend answers the 0-1 programs (a clap `ValueEnum` with the `cli` feature).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum SolverKind {
    /// varisat with an incremental totalizer (rustsat) for the cost bound.
    #[default]
    Sat,
    /// An integer program, solved by microlp's pure-Rust branch and bound.
    Ilp,
}

impl SolverKind {
    /// The name used on the command line and in layer files.
    pub fn name(self) -> &'static str {
        match self {
            SolverKind::Sat => "sat",
            SolverKind::Ilp => "ilp",
        }
    }
}

impl fmt::Display for SolverKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A cheapest assignment: which variables are chosen, and the weighted sum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minimum {
    pub chosen: Vec<bool>,
    pub cost: u64,
}

/// What a minimisation ended with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The least-cost assignment satisfying every clause (proved least).
    Optimal(Minimum),
    /// No assignment satisfies the clauses.
    Infeasible,
    /// Asked to stop before the optimum was proved; `lower_bound` is a
    /// proved bound on the optimum's cost.
    Stopped { lower_bound: u64 },
    /// From [`MinCostSolver::minimize_below`]: no assignment satisfying the
    /// clauses costs less than the cap; `lower_bound` (at least the cap) is
    /// a proved bound on every one's cost.
    NoneBelow { lower_bound: u64 },
}

/// Why a backend failed (not infeasibility, which is an [`Outcome`]).
#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("the SAT solver failed: {0}")]
    Sat(#[source] varisat::solver::SolverError),
    /// The cardinality or pseudo-Boolean encoding of the cost bound failed.
    #[error("the cost encoding failed: {0}")]
    Encoding(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The solver's thread ended or was abandoned while it was still needed.
    #[error("the solver thread ended")]
    SolverGone,
    #[error("the integer program solver failed: {0}")]
    Ilp(#[source] good_lp::ResolutionError),
    /// microlp, the pure-Rust integer program solver, failed.
    #[error("the integer program solver (microlp) failed: {0}")]
    MicroLp(#[source] microlp::Error),
    /// The integer program solver's answer is not one: an assignment that
    /// breaks a clause or a cost row, or an optimum it did not prove.
    #[error("the integer program solver gave a wrong answer ({0}); please report this instance")]
    IlpInvalidAnswer(String),
    /// The integer program solver panicked on its thread.
    #[error("the integer program solver panicked")]
    IlpPanicked,
    #[error("a weight of {0} is too large for the cost encoding")]
    WeightTooLarge(u64),
}

/// Minimise a fixed positive-weight linear cost over 0-1 variables subject
/// to clauses that only accumulate (incremental use: add clauses, minimise,
/// add more, minimise again).
pub trait MinCostSolver {
    /// The number of program variables (`0..variables()`).
    fn variables(&self) -> usize;
    /// Adds the clause "at least one of `lits` holds" (empty: infeasible).
    fn add_clause(&mut self, lits: &[Lit]);
    /// Records a lower bound on the cost of every answer the caller will
    /// accept, proved outside the clauses (a theorem such as
    /// [`crate::design::connectivity`]'s). Stopped outcomes report at least
    /// it. The ILP backend adds it as a row; the SAT backend only starts its
    /// bound search there, so its answers may still cost less (the caller's
    /// oracle refutes those, as every such answer is wrong by the theorem).
    fn raise_lower_bound(&mut self, bound: u64) -> Result<(), SolveError>;
    /// The least cost over assignments satisfying every clause added so far.
    /// `stop` is polled between solver calls; when it returns true the
    /// search ends with [`Outcome::Stopped`].
    fn minimize(&mut self, stop: &dyn Fn() -> bool) -> Result<Outcome, SolveError>;
    /// [`Self::minimize`] for a caller that already holds an answer costing
    /// `cap` and wants only cheaper ones: [`Outcome::NoneBelow`] when
    /// nothing costs less than `cap`. The default minimises and compares;
    /// a backend whose proved bounds can pass the cap before the minimum is
    /// found overrides it (the SAT backend: its packing bound, or its first
    /// probe, reaching the cap answers without a further solve).
    fn minimize_below(&mut self, cap: u64, stop: &dyn Fn() -> bool) -> Result<Outcome, SolveError> {
        Ok(match self.minimize(stop)? {
            Outcome::Optimal(m) if m.cost >= cap => Outcome::NoneBelow {
                lower_bound: m.cost,
            },
            other => other,
        })
    }
    /// Declares disjoint groups of variables that many later clauses
    /// contain whole (positively). A backend may give each group an
    /// auxiliary variable defined as the group's disjunction and write each
    /// such clause with it in place of the group's literals: the program's
    /// answers (variables, costs, infeasibility) do not change. Groups that
    /// overlap an earlier one, or have fewer than two members, are ignored.
    /// The default ignores them all.
    fn group_variables(&mut self, _groups: &[Vec<u32>]) {}
}

/// A fresh solver of `kind` over variables with the given positive weights.
pub fn new_solver(
    kind: SolverKind,
    weights: Vec<u64>,
) -> Result<Box<dyn MinCostSolver>, SolveError> {
    Ok(match kind {
        SolverKind::Sat => Box::new(SatSolver::new(weights)?),
        SolverKind::Ilp => Box::new(IlpSolver::new(weights)),
    })
}

/// The weighted sum of the chosen variables.
pub fn cost_of(weights: &[u64], chosen: &[bool]) -> u64 {
    weights
        .iter()
        .zip(chosen)
        .filter(|(_, &c)| c)
        .map(|(w, _)| w)
        .sum()
}

#[cfg(test)]
mod tests;
