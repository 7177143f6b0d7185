//! The counterexample-guided loop both searches run: a solver proposes a cheapest assignment under the cuts so far, a checker accepts it or refutes it, and each refutation becomes cuts.
//!
//! The optimal design ([`super::optimal`]: variables are edge orbits, the
//! checker is the automorphism verifier, a cut says "some chosen orbit is
//! moved by this witness") and the sparse design ([`super::sparse`]:
//! variables are inverse classes of G, the checker is a subgroup test, a
//! cut says "some chosen element lies outside the subgroup generated so
//! far") are the same loop over a different [`Refutable`] problem. What is
//! shared, and written only here:
//!
//! - **propose**: [`MinCostSolver::minimize`] under every clause so far;
//!   its minimum, when its clauses are implied by acceptance, is a proved
//!   lower bound (the problem says whether they are: over a pool of
//!   candidates rather than all of G they are not);
//! - **check** and **cut**: [`Refutable::check`] and [`Refutable::cuts`];
//!   every refutation must cut off the proposal it refutes, or the loop
//!   could propose it again forever (checked: an error, never a hang);
//! - **the incumbent**: the best accepted assignment known, from the
//!   caller's heuristics before the loop and [`Refutable::incumbent_after`]
//!   during it; it is what a stopped search returns;
//! - **the stop condition**: polled before every proposal, inside the
//!   solver and by the checker; a stop returns the incumbent;
//! - **the certificate**: a lower bound with its proof ([`Certificate`]);
//!   `optimal` is derived from it in one place ([`Certificate::optimal`]),
//!   true iff the bound reaches the cost.
//!
//! The loop ends in one of three ways: the incumbent's cost reaches the
//! proved bound (optimal, no further proposal needed), the checker accepts
//! a proposal (optimal when the solver's minimum is a proof: nothing
//! cheaper satisfies the cuts, each implied by acceptance), or a stop.
//! An accepted assignment cheaper than the proved bound is an error (the
//! bound would be false), never a result.
use crate::solve::{new_solver, Lit, MinCostSolver, Outcome, SolveError};
use std::fmt::Display;

use super::oracle::OracleError;
use super::subsumption::SubsumptionFilter;
use super::Objective;
use crate::solve::SolverKind;

/// A snapshot of a running search, for progress display.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchProgress {
    /// Proposals checked so far.
    pub iterations: u64,
    /// Cut clauses added so far (images included).
    pub cuts: u64,
    /// Cost of the best accepted assignment known (the dense design, or
    /// the instance's generators, at first).
    pub best: u64,
    /// A proved lower bound on the optimum.
    pub bound: u64,
}

/// How a search runs.
pub struct SearchSettings<'a> {
    pub objective: Objective,
    pub solver: SolverKind,
    /// Polled between solver and checker calls and inside them; true ends the search early.
    pub stop: &'a dyn Fn() -> bool,
    /// Called after every round.
    pub progress: &'a mut dyn FnMut(&SearchProgress),
    /// Whether `bytes` more fit in the memory budget, asked before the
    /// search's large allocations (the solver's model, the incumbent's
    /// frontier). `false` must also make `stop` true: the search then ends
    /// with its incumbent, as after any stop. `None`: no budget.
    pub room: Option<&'a dyn Fn(u128) -> bool>,
}

/// Bytes per variable the SAT backend's model takes once clauses and the
/// cost encoding are loaded (varisat, measured: about 290 on the 2.1
/// million orbit variables of D4 on a 64 x 64 image), with some slack.
pub const SOLVER_BYTES_PER_VARIABLE: u128 = 320;

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Solve(#[from] SolveError),
    #[error(transparent)]
    Oracle(#[from] OracleError),
    /// The checker contradicted itself (a witness fixing every orbit, the
    /// dense design rejected, a refutation that does not cut off its
    /// proposal, an accepted assignment below a proved bound).
    #[error("internal error in the search: {0}")]
    Inconsistent(String),
}

/// What a search proved about its result: its cost and a lower bound on
/// every acceptable assignment, with the proof of that bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate<P> {
    /// The result's cost (edges or parameters for the optimal design, |H| for the sparse one).
    pub cost: u64,
    pub lower_bound: u64,
    pub proof: P,
}

impl<P> Certificate<P> {
    /// True iff nothing cheaper is acceptable: the proved bound reaches the
    /// cost. The one place `optimal` is decided (FORMATS.md's rule for
    /// `optimal` and `lower_bound`).
    pub fn optimal(&self) -> bool {
        self.lower_bound >= self.cost
    }

    /// The same certificate with its proof mapped (to text, for a layer).
    pub fn map_proof<Q>(self, f: impl FnOnce(P) -> Q) -> Certificate<Q> {
        Certificate {
            cost: self.cost,
            lower_bound: self.lower_bound,
            proof: f(self.proof),
        }
    }
}

/// The checker's answer about one proposal.
pub enum Verdict<R> {
    /// The proposal is acceptable (exact pattern, generating set).
    Accepted,
    /// It is not, and `R` says why (witnesses, the subgroup generated).
    Refuted(R),
    /// The check was abandoned because the stop condition turned true.
    Stopped,
}

/// A problem the loop solves: how to check a proposal and what a refutation cuts.
pub trait Refutable {
    /// Why a proposal was refuted.
    type Refutation;

    /// Checks the assignment `chosen` (one flag per solver variable).
    fn check(&mut self, chosen: &[bool]) -> Result<Verdict<Self::Refutation>, SearchError>;

    /// The clauses `refutation` proves every acceptable assignment
    /// satisfies; at least one must be false under `chosen` (the loop
    /// checks), unless the stop condition turned true while they were
    /// computed: then any valid prefix may be returned, and the loop stops.
    fn cuts(
        &mut self,
        chosen: &[bool],
        refutation: &Self::Refutation,
    ) -> Result<Vec<Vec<Lit>>, SearchError>;

    /// After a refutation: an accepted assignment and its cost found some
    /// other way (a heuristic; the loop keeps it if it beats the
    /// incumbent). `progress` is the state after this round's check.
    fn incumbent_after(
        &mut self,
        _chosen: &[bool],
        _refutation: &Self::Refutation,
        _progress: &SearchProgress,
    ) -> Result<Option<(Vec<bool>, u64)>, SearchError> {
        Ok(None)
    }

    /// The error for a solver that finds no assignment at all although the
    /// problem guarantees one is acceptable (the dense design, G's generators).
    fn infeasible(&self) -> SearchError;
}

/// How a loop ended: the best accepted assignment, and the proved lower bound with its proof.
pub struct Ending<P> {
    /// The best accepted assignment and its cost; `None` only when stopped
    /// before any assignment was accepted.
    pub best: Option<(Vec<bool>, u64)>,
    /// A proved lower bound on every acceptable assignment's cost (at most `best`'s cost).
    pub lower_bound: u64,
    pub proof: P,
    pub progress: SearchProgress,
}

impl<P: Clone> Ending<P> {
    /// The certificate of a result costing `cost` (`best`'s, or the
    /// caller's fallback after a stop with no incumbent).
    pub fn certificate(&self, cost: u64) -> Certificate<P> {
        debug_assert!(self.lower_bound <= cost, "a bound above an accepted cost");
        Certificate {
            cost,
            lower_bound: self.lower_bound,
            proof: self.proof.clone(),
        }
    }
}

/// Builds the proof of a bound the solver proved, from the progress at that moment.
pub type SolverProof<'a, P> = Box<dyn Fn(&SearchProgress) -> P + 'a>;

/// The loop's state: the solver with its clauses, the incumbent, the proved bound.
pub struct RefutationLoop<'a, P> {
    solver: Box<dyn MinCostSolver>,
    filter: SubsumptionFilter,
    progress: SearchProgress,
    proof: P,
    /// `None` when the solver's minimum is no proof.
    solver_proof: Option<SolverProof<'a, P>>,
    incumbent: Option<(Vec<bool>, u64)>,
    stop: &'a dyn Fn() -> bool,
    report: &'a mut dyn FnMut(&SearchProgress),
    room: Option<&'a dyn Fn(u128) -> bool>,
    /// Whether the solver's model was found to fit (asked once, before the first solve).
    model_fits: bool,
}

impl<'a, P: Clone + Display> RefutationLoop<'a, P> {
    /// A loop over variables with these `weights` on `settings.solver`, with
    /// no clause, no incumbent and the bound `progress.bound` proved by
    /// `proof`. `solver_proof` names the proof of a bound the solver
    /// proves, or is `None` when the clauses are not all implied by
    /// acceptance (then the solver's minimum bounds nothing).
    pub fn new(
        weights: Vec<u64>,
        settings: SearchSettings<'a>,
        progress: SearchProgress,
        proof: P,
        solver_proof: Option<SolverProof<'a, P>>,
    ) -> Result<RefutationLoop<'a, P>, SearchError> {
        let filter = SubsumptionFilter::new(weights.len());
        let mut solver = new_solver(settings.solver, weights)?;
        if progress.bound > 0 {
            solver.raise_lower_bound(progress.bound)?;
        }
        Ok(RefutationLoop {
            solver,
            filter,
            progress,
            proof,
            solver_proof,
            incumbent: None,
            stop: settings.stop,
            report: settings.progress,
            room: settings.room,
            model_fits: false,
        })
    }

    /// Tells the solver which groups of variables the clauses will often
    /// contain whole ([`MinCostSolver::group_variables`]); changes no answer.
    pub fn group_variables(&mut self, groups: &[Vec<u32>]) {
        self.solver.group_variables(groups);
    }

    /// Adds a clause every acceptable assignment satisfies (not counted as a cut).
    pub fn add_clause(&mut self, clause: &[Lit]) {
        if self.filter.is_new(clause) {
            self.solver.add_clause(clause);
        }
    }

    /// Adds a cut: a clause implied by a refutation, counted in the progress
    /// unless it repeats or contains a clause already added (then it
    /// constrains nothing and is not passed on).
    pub fn add_cut(&mut self, clause: &[Lit]) {
        if self.filter.is_new(clause) {
            self.solver.add_clause(clause);
            self.progress.cuts += 1;
        }
    }

    /// Records a lower bound proved outside the clauses (a theorem), with
    /// its proof; it replaces the current bound only if higher.
    pub fn raise_bound(&mut self, bound: u64, proof: P) -> Result<(), SearchError> {
        if bound > self.progress.bound {
            self.solver.raise_lower_bound(bound)?;
            self.progress.bound = bound;
            self.proof = proof;
        }
        Ok(())
    }

    /// Offers an accepted assignment of cost `cost`; kept if cheaper than the incumbent.
    pub fn offer_incumbent(&mut self, chosen: Vec<bool>, cost: u64) {
        if self.incumbent.as_ref().is_none_or(|(_, c)| cost < *c) {
            self.incumbent = Some((chosen, cost));
            self.progress.best = cost;
        }
    }

    /// One solve before any proposal is checked: the solver's minimum under
    /// the clauses so far becomes the proved bound (when the solver's
    /// minimum is a proof), so that the work done before the loop (an
    /// incumbent's local search) can stop as soon as it meets it. A stop
    /// keeps the bound the solver reached.
    pub fn presolve(&mut self) -> Result<(), SearchError> {
        match self.minimize()? {
            Outcome::Optimal(m) => self.solver_bound(m.cost),
            Outcome::Stopped { lower_bound } | Outcome::NoneBelow { lower_bound } => {
                self.solver_bound(lower_bound)
            }
            Outcome::Infeasible => {
                return Err(SearchError::Inconsistent(
                    "the clauses exclude every assignment before the first proposal".into(),
                ))
            }
        }
        Ok(())
    }

    /// The solver's cheapest assignment under the clauses, or, with an
    /// incumbent, only whether something is cheaper than it
    /// ([`Outcome::NoneBelow`] when not: the incumbent is then proved optimal).
    fn minimize(&mut self) -> Result<Outcome, SolveError> {
        // The model is built by the first solve: check the budget before
        // it, not after (D4 on a 64 x 64 image: 2.1 million variables,
        // about 600 MB). No room makes the stop condition true.
        if !self.model_fits {
            let bytes = self.solver.variables() as u128 * SOLVER_BYTES_PER_VARIABLE;
            if self.room.is_some_and(|room| !room(bytes)) {
                return Ok(Outcome::Stopped {
                    lower_bound: self.progress.bound,
                });
            }
            self.model_fits = true;
        }
        match &self.incumbent {
            Some((_, cost)) => self.solver.minimize_below(*cost, self.stop),
            None => self.solver.minimize(self.stop),
        }
    }

    /// The search so far.
    pub fn progress(&self) -> &SearchProgress {
        &self.progress
    }

    /// A bound the solver proved (its minimum over the clauses): it
    /// supersedes the current one only if higher, and only if the solver's
    /// clauses make it a proof.
    fn solver_bound(&mut self, bound: u64) {
        if let Some(proof_of) = &self.solver_proof {
            if bound > self.progress.bound {
                self.progress.bound = bound;
                self.proof = proof_of(&self.progress);
            }
        }
    }

    /// Ends the loop with `best`, certified by `lower_bound`.
    fn end(self, best: Option<(Vec<bool>, u64)>, lower_bound: u64) -> Ending<P> {
        Ending {
            best,
            lower_bound,
            proof: self.proof,
            progress: self.progress,
        }
    }

    /// Ends the loop after a stop: the incumbent, with the bound proved so
    /// far (never above the incumbent's cost).
    fn stopped(self) -> Ending<P> {
        let incumbent = self.incumbent.clone();
        let bound = match &incumbent {
            Some((_, cost)) => self.progress.bound.min(*cost),
            None => self.progress.bound,
        };
        self.end(incumbent, bound)
    }

    /// The error for an accepted cost below a bound claimed to be proved.
    fn false_bound(&self, cost: u64) -> SearchError {
        SearchError::Inconsistent(format!(
            "an accepted assignment costs {cost}, below the lower bound {} ({}): that bound is \
             false; please report this instance",
            self.progress.bound, self.proof
        ))
    }

    /// Runs the loop on `problem` until an assignment is proved cheapest,
    /// is accepted, or the stop condition turns true.
    pub fn run<R: Refutable>(mut self, problem: &mut R) -> Result<Ending<P>, SearchError> {
        loop {
            if let Some((_, cost)) = &self.incumbent {
                let cost = *cost;
                if cost < self.progress.bound {
                    // An accepted assignment below a proved bound: the bound
                    // is false. Never print it as a proof (this guard caught
                    // the output-numbering bug of the connectivity bound).
                    return Err(self.false_bound(cost));
                }
                if cost <= self.progress.bound {
                    // Every acceptable assignment satisfies the cuts and the
                    // proved bound, and nothing cheaper than the incumbent does.
                    self.progress.best = cost;
                    (self.report)(&self.progress);
                    let incumbent = self.incumbent.take();
                    return Ok(self.end(incumbent, cost));
                }
            }
            if (self.stop)() {
                return Ok(self.stopped());
            }
            let proposal = match self.minimize()? {
                Outcome::Optimal(m) => m,
                Outcome::Stopped { lower_bound } => {
                    self.solver_bound(lower_bound);
                    return Ok(self.stopped());
                }
                Outcome::NoneBelow { lower_bound } => {
                    // Nothing cheaper than the incumbent satisfies the
                    // clauses: with a proof, the loop head returns it as
                    // optimal. Without one (a pool of candidates), nothing
                    // more can be learnt: end as a stop would.
                    self.solver_bound(lower_bound);
                    if self.solver_proof.is_some() {
                        continue;
                    }
                    return Ok(self.stopped());
                }
                Outcome::Infeasible => return Err(problem.infeasible()),
            };
            self.solver_bound(proposal.cost);
            if self
                .incumbent
                .as_ref()
                .is_some_and(|(_, c)| *c <= self.progress.bound)
            {
                continue; // the loop head returns the incumbent as proved
            }
            self.progress.iterations += 1;
            let refutation = match problem.check(&proposal.chosen)? {
                Verdict::Stopped => return Ok(self.stopped()),
                Verdict::Accepted => {
                    if proposal.cost < self.progress.bound {
                        return Err(self.false_bound(proposal.cost));
                    }
                    self.progress.best = proposal.cost;
                    (self.report)(&self.progress);
                    // When the solver's minimum is a proof, `solver_bound`
                    // above recorded it (= this cost): optimal.
                    let bound = self.progress.bound;
                    return Ok(self.end(Some((proposal.chosen, proposal.cost)), bound));
                }
                Verdict::Refuted(refutation) => refutation,
            };
            if let Some((chosen, cost)) =
                problem.incumbent_after(&proposal.chosen, &refutation, &self.progress)?
            {
                self.offer_incumbent(chosen, cost);
            }
            let cuts = problem.cuts(&proposal.chosen, &refutation)?;
            if (self.stop)() {
                return Ok(self.stopped());
            }
            let falsified = |clause: &Vec<Lit>| {
                clause
                    .iter()
                    .all(|l| proposal.chosen[l.var as usize] != l.positive)
            };
            if !cuts.iter().any(falsified) {
                return Err(SearchError::Inconsistent(
                    "a refutation whose cuts all hold for the proposal it refutes: the solver \
                     could propose it again"
                        .into(),
                ));
            }
            // Shortest first, so that a cut containing another of the same
            // round is recognised and skipped.
            let mut cuts = cuts;
            cuts.sort_by_key(|c| c.len());
            for clause in &cuts {
                self.add_cut(clause);
            }
            (self.report)(&self.progress);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Planted: accept exactly the assignments choosing variable `want`;
    /// each refutation cuts "some variable the proposal left out".
    struct Planted {
        want: usize,
        checks: usize,
    }

    impl Refutable for Planted {
        type Refutation = ();

        fn check(&mut self, chosen: &[bool]) -> Result<Verdict<()>, SearchError> {
            self.checks += 1;
            Ok(if chosen[self.want] {
                Verdict::Accepted
            } else {
                Verdict::Refuted(())
            })
        }

        fn cuts(&mut self, chosen: &[bool], _: &()) -> Result<Vec<Vec<Lit>>, SearchError> {
            Ok(vec![(0..chosen.len())
                .filter(|&v| !chosen[v])
                .map(Lit::pos)
                .collect()])
        }

        fn infeasible(&self) -> SearchError {
            SearchError::Inconsistent("planted: nothing is acceptable".into())
        }
    }

    fn settings<'a>(
        solver: SolverKind,
        stop: &'a dyn Fn() -> bool,
        report: &'a mut dyn FnMut(&SearchProgress),
    ) -> SearchSettings<'a> {
        SearchSettings {
            objective: Objective::Edges,
            solver,
            stop,
            progress: report,
            room: None,
        }
    }

    fn planted_loop<'a>(
        solver: SolverKind,
        stop: &'a dyn Fn() -> bool,
        report: &'a mut dyn FnMut(&SearchProgress),
    ) -> RefutationLoop<'a, String> {
        let mut search = RefutationLoop::new(
            vec![1, 2, 4, 8],
            settings(solver, stop, report),
            SearchProgress::default(),
            "trivial".to_string(),
            Some(Box::new(|p: &SearchProgress| {
                format!("solver, {} cuts", p.cuts)
            })),
        )
        .unwrap();
        search.add_clause(&(0..4).map(Lit::pos).collect::<Vec<_>>());
        search
    }

    #[test]
    fn finds_the_planted_minimum_with_a_solver_proof_on_both_backends() {
        for solver in [SolverKind::Sat, SolverKind::Ilp] {
            let mut ignore = |_: &SearchProgress| {};
            let search = planted_loop(solver, &|| false, &mut ignore);
            let mut problem = Planted { want: 2, checks: 0 };
            let ending = search.run(&mut problem).unwrap();
            let (chosen, cost) = ending.best.clone().unwrap();
            let certificate = ending.certificate(cost);
            // {0}, {1} and {0, 1} are refuted (costs 1, 2, 3, no ties), then
            // {2} (cost 4) is the cheapest left.
            assert_eq!(chosen, vec![false, false, true, false], "{solver}");
            assert_eq!((certificate.cost, certificate.lower_bound), (4, 4));
            assert!(certificate.optimal());
            assert_eq!(certificate.proof, "solver, 3 cuts");
            assert_eq!((ending.progress.iterations, problem.checks), (4, 4));
        }
    }

    #[test]
    fn an_incumbent_at_the_bound_ends_the_loop_without_a_proposal() {
        let mut ignore = |_: &SearchProgress| {};
        let mut search = planted_loop(SolverKind::Sat, &|| false, &mut ignore);
        search.raise_bound(3, "theorem".into()).unwrap();
        search.offer_incumbent(vec![true, true, false, false], 3);
        let mut problem = Planted { want: 0, checks: 0 };
        let ending = search.run(&mut problem).unwrap();
        assert_eq!(problem.checks, 0);
        let certificate = ending.certificate(ending.best.as_ref().unwrap().1);
        assert!(certificate.optimal());
        assert_eq!(certificate.proof, "theorem");
    }

    #[test]
    fn an_incumbent_below_a_proved_bound_is_an_error() {
        let mut ignore = |_: &SearchProgress| {};
        let mut search = planted_loop(SolverKind::Sat, &|| false, &mut ignore);
        search.raise_bound(4, "a false theorem".into()).unwrap();
        search.offer_incumbent(vec![true, true, false, false], 3);
        let error = search.run(&mut Planted { want: 0, checks: 0 });
        assert!(matches!(error, Err(SearchError::Inconsistent(m)) if m.contains("false")));
    }

    #[test]
    fn a_stop_returns_the_incumbent_unproved_and_a_solver_bound_without_proof_is_ignored() {
        let mut ignore = |_: &SearchProgress| {};
        let mut search = planted_loop(SolverKind::Sat, &|| true, &mut ignore);
        search.offer_incumbent(vec![false, false, false, true], 8);
        let ending = search.run(&mut Planted { want: 3, checks: 0 }).unwrap();
        let (chosen, cost) = ending.best.clone().unwrap();
        let certificate = ending.certificate(cost);
        assert_eq!(chosen, vec![false, false, false, true]);
        assert!(!certificate.optimal());
        assert_eq!(certificate.lower_bound, 0);

        // Without a solver proof, the accepted minimum is not certified.
        let mut ignore = |_: &SearchProgress| {};
        let search = RefutationLoop::new(
            vec![1, 2, 4, 8],
            settings(SolverKind::Sat, &|| false, &mut ignore),
            SearchProgress::default(),
            "trivial".to_string(),
            None,
        )
        .unwrap();
        let ending = search.run(&mut Planted { want: 1, checks: 0 }).unwrap();
        let certificate = ending.certificate(ending.best.as_ref().unwrap().1);
        assert_eq!((certificate.cost, certificate.lower_bound), (2, 0));
        assert!(!certificate.optimal());
    }

    /// A stop that turns true while the cuts are computed ends the loop
    /// there, with the incumbent, even when the cuts returned are empty.
    #[test]
    fn a_stop_during_the_cuts_ends_the_loop_with_the_incumbent() {
        struct StopsItself<'f>(&'f std::cell::Cell<bool>);
        impl Refutable for StopsItself<'_> {
            type Refutation = ();
            fn check(&mut self, _: &[bool]) -> Result<Verdict<()>, SearchError> {
                Ok(Verdict::Refuted(()))
            }
            fn cuts(&mut self, _: &[bool], _: &()) -> Result<Vec<Vec<Lit>>, SearchError> {
                self.0.set(true);
                Ok(Vec::new())
            }
            fn infeasible(&self) -> SearchError {
                SearchError::Inconsistent("none".into())
            }
        }
        let flag = std::cell::Cell::new(false);
        let stop = || flag.get();
        let mut ignore = |_: &SearchProgress| {};
        let mut search = planted_loop(SolverKind::Sat, &stop, &mut ignore);
        search.offer_incumbent(vec![false, false, false, true], 8);
        let ending = search.run(&mut StopsItself(&flag)).unwrap();
        assert_eq!(ending.best, Some((vec![false, false, false, true], 8)));
        assert_eq!(ending.progress.iterations, 1);
        assert!(!ending.certificate(8).optimal());
    }

    /// A refutation that does not cut off its proposal would loop forever: an error instead.
    #[test]
    fn a_cut_that_keeps_the_proposal_is_an_error() {
        struct Useless;
        impl Refutable for Useless {
            type Refutation = ();
            fn check(&mut self, _: &[bool]) -> Result<Verdict<()>, SearchError> {
                Ok(Verdict::Refuted(()))
            }
            fn cuts(&mut self, chosen: &[bool], _: &()) -> Result<Vec<Vec<Lit>>, SearchError> {
                Ok(vec![(0..chosen.len()).map(Lit::pos).collect()])
            }
            fn infeasible(&self) -> SearchError {
                SearchError::Inconsistent("none".into())
            }
        }
        let mut ignore = |_: &SearchProgress| {};
        let search = planted_loop(SolverKind::Ilp, &|| false, &mut ignore);
        let error = search.run(&mut Useless);
        assert!(matches!(error, Err(SearchError::Inconsistent(m)) if m.contains("again")));
    }
}
