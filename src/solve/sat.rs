//! The SAT backend: varisat, with the cost bound as an incremental totalizer from rustsat.
//!
//! Minimisation is a bound search over assumptions: the encoding (Bailleux
//! and Boufkhad's totalizer for equal weights, Joshi, Martins and Manquinho's
//! generalized totalizer for unequal ones, both from the rustsat crate) is
//! extended lazily to each bound that is asked, and "cost <= b" is enforced
//! by assumption literals, so clauses learnt in one call stay valid in the
//! next. The lower bound proved by an unsatisfiable probe stays valid after
//! more clauses arrive, and the first probe of every call is that bound, so
//! a counterexample-guided loop whose optimum rarely moves costs one SAT
//! call per round. Where it is still slow: many distinct weights make the
//! generalized totalizer large (it has a node value per reachable sum).
//!
//! **Grouped clauses** ([`MinCostSolver::group_variables`]). A group g of
//! program variables gets an auxiliary variable t_g with the clauses
//! t_g -> OR_{v in g} x_v and x_v -> t_g (v in g), so every assignment of
//! the program variables extends in exactly one way, t_g = OR_{v in g} x_v.
//! A clause containing every x_v of g positively is then handed to varisat
//! with t_g in their place: under the definition the two clauses are
//! equivalent, so the satisfying assignments of the program variables, and
//! with them every minimum and every infeasibility, are those of the clauses
//! as given. The cost counts program variables only. What it bought: the
//! optimal design's cuts on S5 acting on 3-index tensors (in and out) hold
//! 118 literals on average, about 67 of them in whole groups of edge orbits
//! between one input orbit and one output orbit; varisat spent most of that
//! search moving watches along those clauses.
use super::{cost_of, Lit, MinCostSolver, Minimum, Outcome, SolveError};
use num_integer::Integer;
use rustsat::encodings::card::{BoundUpper as _, BoundUpperIncremental as _, Totalizer};
use rustsat::encodings::pb::{BoundUpper as _, BoundUpperIncremental as _, GeneralizedTotalizer};
use rustsat::encodings::CollectClauses;
use rustsat::instances::{BasicVarManager, ManageVars as _};
use rustsat::types::{Clause, Var};
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use varisat::ExtendFormula;

/// How often a running solve checks the stop condition.
const POLL: std::time::Duration = std::time::Duration::from_millis(5);

/// A solve abandoned because the caller asked to stop.
struct Stop;

/// The cost encoding: plain cardinality when all weights are equal.
enum CostEncoding {
    Equal(Totalizer),
    Weighted(GeneralizedTotalizer),
}

/// Collects the clauses rustsat produces, in varisat's literals.
#[derive(Default)]
struct VarisatSink {
    clauses: Vec<Vec<varisat::Lit>>,
}

fn to_varisat(l: rustsat::types::Lit) -> varisat::Lit {
    varisat::Lit::from_index(l.vidx(), l.is_pos())
}

impl CollectClauses for VarisatSink {
    fn n_clauses(&self) -> usize {
        self.clauses.len()
    }

    fn extend_clauses<T>(&mut self, cl_iter: T) -> Result<(), rustsat::OutOfMemory>
    where
        T: IntoIterator<Item = Clause>,
    {
        for clause in cl_iter {
            self.clauses
                .push(clause.iter().map(|&l| to_varisat(l)).collect());
        }
        Ok(())
    }
}

/// A request to the solver thread.
enum Command {
    Clauses(Vec<Vec<varisat::Lit>>),
    /// Solve under these assumptions; answer with the values of the first
    /// `usize` variables, or `None` when unsatisfiable.
    Solve(Vec<varisat::Lit>, usize),
}

type Answer = Result<Option<Vec<bool>>, varisat::solver::SolverError>;

/// The varisat solver, owned by its own thread (it is not `Send`).
struct Worker {
    commands: mpsc::Sender<Command>,
    answers: mpsc::Receiver<Answer>,
    /// Set when the caller stops waiting: the running solve ends at its
    /// next proof write (see [`AbandonSignal`]).
    abandon: Arc<AtomicBool>,
    /// The thread, for tests that watch an abandoned solve end.
    thread: Option<std::thread::JoinHandle<()>>,
}

/// varisat's proof output, used as its interrupt: varisat has no
/// interrupt, but a solve whose proof writer fails ends with
/// `SolverError::ProofIoError` at the next buffer flush (varisat buffers
/// 8 KiB of proof steps, a few learnt clauses' worth). Nothing is kept:
/// the bytes are dropped, and once `abandon` is set every write fails.
/// Without it an abandoned solve kept its core until it finished, which
/// in a batch could be minutes taken from the next rows.
struct AbandonSignal {
    abandon: Arc<AtomicBool>,
}

impl AbandonSignal {
    fn check(&self) -> io::Result<()> {
        if self.abandon.load(Ordering::Relaxed) {
            Err(io::Error::other("the solve was abandoned"))
        } else {
            Ok(())
        }
    }
}

impl io::Write for AbandonSignal {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.check().map(|()| buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.check()
    }
}

impl Worker {
    fn start() -> Worker {
        let (commands, inbox) = mpsc::channel::<Command>();
        let (outbox, answers) = mpsc::channel::<Answer>();
        let abandon = Arc::new(AtomicBool::new(false));
        let signal = AbandonSignal {
            abandon: Arc::clone(&abandon),
        };
        let thread = std::thread::spawn(move || {
            let mut solver = varisat::Solver::new();
            // Before any clause, as varisat requires; the native format is
            // the one that allows assumptions and incremental clauses.
            solver.write_proof(signal, varisat::ProofFormat::Varisat);
            for command in inbox {
                match command {
                    Command::Clauses(clauses) => {
                        for c in &clauses {
                            solver.add_clause(c);
                        }
                    }
                    Command::Solve(assumptions, n) => {
                        solver.assume(&assumptions);
                        let answer = match solver.solve() {
                            Err(e) => Err(e),
                            Ok(false) => Ok(None),
                            Ok(true) => {
                                let mut chosen = vec![false; n];
                                // A satisfiable answer has a model; variables absent from
                                // every clause are missing from it and stay false.
                                for l in solver.model().unwrap_or_default() {
                                    if l.index() < n && l.is_positive() {
                                        chosen[l.index()] = true;
                                    }
                                }
                                Ok(Some(chosen))
                            }
                        };
                        // After an error the solver is unusable; after an
                        // abandoned solve nobody reads the answer.
                        let failed = answer.is_err();
                        if outbox.send(answer).is_err() || failed {
                            return;
                        }
                    }
                }
            }
        });
        Worker {
            commands,
            answers,
            abandon,
            thread: Some(thread),
        }
    }

    /// Ends the running solve (at its next proof write) and returns the
    /// thread, which ends soon after.
    fn abandon(mut self) -> Option<std::thread::JoinHandle<()>> {
        self.abandon.store(true, Ordering::Relaxed);
        self.thread.take()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Harmless when idle (the closed channel ends the thread); ends a
        // running solve that nobody will read.
        self.abandon.store(true, Ordering::Relaxed);
    }
}

/// varisat plus a lazily built cost encoding.
///
/// varisat is not `Send`, so it lives on a worker thread and the caller
/// polls `stop` while it solves; when asked to stop, the caller returns at
/// once, the running solve is ended through its proof writer
/// (`AbandonSignal`) and the thread with it, and this object answers
/// [`Outcome::Stopped`] from then on.
pub struct SatSolver {
    weights: Vec<u64>,
    /// All weights are multiples of `scale`; the encoding counts in units of it.
    scale: u64,
    /// `None` once a solve was abandoned because of `stop`.
    solver: Option<Worker>,
    encoding: CostEncoding,
    vars: BasicVarManager,
    /// A proved lower bound on the optimum, in units of `scale`.
    lower: u64,
    infeasible: bool,
    /// The clauses with only positive literals, for the packing bound.
    positive: Vec<Vec<u32>>,
    /// How many of `positive` the last packing bound saw.
    packed: usize,
    /// The declared groups of program variables, each with the varisat
    /// literal of its auxiliary variable (the group's disjunction).
    groups: Vec<(Vec<u32>, varisat::Lit)>,
    /// `group_of[v]`: the index in `groups` of the group holding program variable v.
    group_of: Vec<Option<u32>>,
    /// Clauses kept here until the first solve, which loads them into
    /// varisat: its model (about 290 bytes per variable) is built only
    /// once the caller has checked it fits (and never, when the search is
    /// proved before its first solve).
    pending: Option<Vec<Vec<varisat::Lit>>>,
    /// The thread of the solve abandoned by a stop, for tests to watch.
    #[cfg(test)]
    abandoned: Option<std::thread::JoinHandle<()>>,
}

impl SatSolver {
    /// A solver over `weights.len()` variables, all weights positive.
    pub fn new(weights: Vec<u64>) -> Result<SatSolver, SolveError> {
        let scale = weights.iter().fold(0u64, |g, &w| g.gcd(&w)).max(1);
        if let Some(&w) = weights.iter().find(|&&w| w / scale > usize::MAX as u64 / 4) {
            return Err(SolveError::WeightTooLarge(w));
        }
        let n = weights.len();
        let lits = (0..n).map(|i| rustsat::types::Lit::positive(i as u32));
        let equal = weights.windows(2).all(|w| w[0] == w[1]);
        let encoding = if equal {
            CostEncoding::Equal(lits.collect())
        } else {
            CostEncoding::Weighted(
                lits.zip(weights.iter().map(|&w| (w / scale) as usize))
                    .collect(),
            )
        };
        Ok(SatSolver {
            weights,
            scale,
            solver: Some(Worker::start()),
            encoding,
            vars: BasicVarManager::from_next_free(Var::new(n as u32)),
            lower: 0,
            infeasible: false,
            positive: Vec::new(),
            packed: 0,
            groups: Vec::new(),
            group_of: vec![None; n],
            pending: Some(Vec::new()),
            #[cfg(test)]
            abandoned: None,
        })
    }

    /// A lower bound from pairwise disjoint positive clauses: each needs one
    /// chosen variable of its own, so the bound is the sum of their
    /// cheapest weights (greedy packing, short clauses first). CDCL cannot
    /// prove such pigeonhole-like bounds quickly; this hands them over.
    fn packing_bound(&self) -> u64 {
        let mut order: Vec<usize> = (0..self.positive.len()).collect();
        order.sort_by_key(|&c| (self.positive[c].len(), c));
        let mut used = vec![false; self.weights.len()];
        let mut bound = 0;
        for c in order {
            let clause = &self.positive[c];
            if clause.iter().any(|&v| used[v as usize]) {
                continue;
            }
            for &v in clause {
                used[v as usize] = true;
            }
            bound += clause
                .iter()
                .map(|&v| self.weights[v as usize] / self.scale)
                .min()
                .unwrap_or(0);
        }
        bound
    }

    fn scaled_weight_sum(&self) -> u64 {
        self.weights.iter().map(|w| w / self.scale).sum()
    }

    fn send(&self, command: Command) -> Result<(), SolveError> {
        self.solver
            .as_ref()
            .ok_or(SolveError::SolverGone)?
            .commands
            .send(command)
            .map_err(|_| SolveError::SolverGone)
    }

    /// Solves with "cost <= bound" (in units of `scale`) assumed, if given;
    /// the chosen program variables, `None` when unsatisfiable, or
    /// `Err(Stop)` when `stop` turned true first.
    fn solve_within(
        &mut self,
        bound: Option<u64>,
        stop: &dyn Fn() -> bool,
    ) -> Result<Result<Option<Vec<bool>>, Stop>, SolveError> {
        if self.solver.is_none() {
            return Ok(Err(Stop));
        }
        if let Some(pending) = self.pending.take() {
            self.send(Command::Clauses(pending))?;
        }
        let mut assumptions: Vec<varisat::Lit> = Vec::new();
        if let Some(b) = bound.filter(|&b| b < self.scaled_weight_sum()) {
            let b = b as usize;
            let mut sink = VarisatSink::default();
            let enforced = match &mut self.encoding {
                CostEncoding::Equal(tot) => {
                    tot.encode_ub_change(b..=b, &mut sink, &mut self.vars)
                        .map_err(|e| SolveError::Encoding(e.into()))?;
                    tot.enforce_ub(b)
                        .map_err(|e| SolveError::Encoding(e.into()))?
                }
                CostEncoding::Weighted(gte) => {
                    gte.encode_ub_change(b..=b, &mut sink, &mut self.vars)
                        .map_err(|e| SolveError::Encoding(e.into()))?;
                    gte.enforce_ub(b)
                        .map_err(|e| SolveError::Encoding(e.into()))?
                }
            };
            assumptions.extend(enforced.into_iter().map(to_varisat));
            self.send(Command::Clauses(sink.clauses))?;
        }
        self.send(Command::Solve(assumptions, self.weights.len()))?;
        loop {
            let Some(worker) = &self.solver else {
                return Ok(Err(Stop));
            };
            match worker.answers.recv_timeout(POLL) {
                Ok(answer) => return Ok(Ok(answer.map_err(SolveError::Sat)?)),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if stop() {
                        let thread = self.solver.take().and_then(Worker::abandon);
                        #[cfg(test)]
                        {
                            self.abandoned = thread;
                        }
                        #[cfg(not(test))]
                        drop(thread);
                        return Ok(Err(Stop));
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(SolveError::SolverGone),
            }
        }
    }

    /// `lits` in varisat's literals, with every group whose members all
    /// occur positively written as its auxiliary literal (module docs).
    fn grouped(&self, lits: &[Lit]) -> Vec<varisat::Lit> {
        let plain = |l: &Lit| varisat::Lit::from_index(l.var as usize, l.positive);
        if self.groups.is_empty() {
            return lits.iter().map(plain).collect();
        }
        let mut present = vec![false; self.group_of.len()];
        for l in lits.iter().filter(|l| l.positive) {
            present[l.var as usize] = true;
        }
        let whole: Vec<bool> = self
            .groups
            .iter()
            .map(|(members, _)| members.iter().all(|&v| present[v as usize]))
            .collect();
        let replaced = |l: &&Lit| {
            l.positive && self.group_of[l.var as usize].is_some_and(|g| whole[g as usize])
        };
        let mut clause: Vec<varisat::Lit> =
            lits.iter().filter(|l| !replaced(l)).map(plain).collect();
        clause.extend(
            self.groups
                .iter()
                .zip(&whole)
                .filter(|(_, &w)| w)
                .map(|((_, t), _)| *t),
        );
        clause
    }

    fn scaled_cost(&self, chosen: &[bool]) -> u64 {
        cost_of(&self.weights, chosen) / self.scale
    }

    /// The minimum over the clauses, or, with `cap` (in units of `scale`),
    /// the same minimum if it is at most `cap` units and
    /// [`Outcome::NoneBelow`] when it is not. The cap saves solves only
    /// where the proved bound passes it (the packing bound, or the first
    /// probe); otherwise the search is the uncapped one.
    fn minimize_capped(
        &mut self,
        cap: Option<u64>,
        stop: &dyn Fn() -> bool,
    ) -> Result<Outcome, SolveError> {
        if self.infeasible {
            return Ok(Outcome::Infeasible);
        }
        let stopped = |lower: u64, scale: u64| Outcome::Stopped {
            lower_bound: lower * scale,
        };
        let none_below = |lower: u64, scale: u64| Outcome::NoneBelow {
            lower_bound: lower * scale,
        };
        if stop() {
            return Ok(stopped(self.lower, self.scale));
        }
        if self.packed < self.positive.len() {
            self.packed = self.positive.len();
            self.lower = self.lower.max(self.packing_bound());
        }
        // The proved bound already reaches the caller's answer: no solve
        // (a graph layer with twins, |G| = 8, 1767 orbits: the packing
        // bound proves a covering incumbent optimal, where the first probe
        // ran for minutes).
        if cap.is_some_and(|cap| self.lower > cap) {
            return Ok(none_below(self.lower, self.scale));
        }
        // Probe the proved lower bound first: after a cut it usually still holds.
        let Ok(mut best) = self.solve_within(Some(self.lower), stop)? else {
            return Ok(stopped(self.lower, self.scale));
        };
        let mut high = match &best {
            Some(chosen) => self.scaled_cost(chosen),
            None => {
                self.lower += 1;
                if cap.is_some_and(|cap| self.lower > cap) {
                    return Ok(none_below(self.lower, self.scale));
                }
                // Under a cap, first ask whether anything fits under it: on
                // the twin graph with --cover "nothing" is proved at once,
                // where the binary search's probes ran for minutes.
                if let Some(cap) = cap {
                    match self.solve_within(Some(cap), stop)? {
                        Err(Stop) => return Ok(stopped(self.lower, self.scale)),
                        Ok(None) => {
                            self.lower = self.lower.max(cap + 1);
                            return Ok(none_below(self.lower, self.scale));
                        }
                        Ok(Some(_)) => {}
                    }
                }
                // Any assignment starts the binary search. (Starting it from
                // the capped answer instead changed which of several
                // cheapest proposals came out, and with it the cuts: p4m on
                // a 64 x 64 image took 8 rounds and 24 s instead of 6 and 17 s.)
                match self.solve_within(None, stop)? {
                    Err(Stop) => return Ok(stopped(self.lower, self.scale)),
                    Ok(None) => {
                        self.infeasible = true;
                        return Ok(Outcome::Infeasible);
                    }
                    Ok(Some(chosen)) => {
                        let c = self.scaled_cost(&chosen);
                        best = Some(chosen);
                        c
                    }
                }
            }
        };
        // Binary search between the proved bound and the best assignment seen.
        while self.lower < high {
            let probe = self.lower + (high - self.lower) / 2;
            match self.solve_within(Some(probe), stop)? {
                Err(Stop) => return Ok(stopped(self.lower, self.scale)),
                Ok(Some(chosen)) => {
                    high = self.scaled_cost(&chosen);
                    best = Some(chosen);
                }
                Ok(None) => self.lower = probe + 1,
            }
        }
        if cap.is_some_and(|cap| high > cap) {
            return Ok(none_below(high, self.scale));
        }
        // `best` was set on every path that reaches here (first probe or the fallback solve).
        let chosen = best.expect("a satisfying assignment was found before the search");
        Ok(Outcome::Optimal(Minimum {
            cost: high * self.scale,
            chosen,
        }))
    }
}

impl MinCostSolver for SatSolver {
    fn variables(&self) -> usize {
        self.weights.len()
    }

    fn add_clause(&mut self, lits: &[Lit]) {
        if lits.is_empty() {
            self.infeasible = true;
            return;
        }
        if lits.iter().all(|l| l.positive) {
            self.positive.push(lits.iter().map(|l| l.var).collect());
        }
        let clause = self.grouped(lits);
        if let Some(pending) = &mut self.pending {
            pending.push(clause);
        } else if let Some(worker) = &self.solver {
            // A send fails only if the thread ended; the next solve reports that.
            let _ = worker.commands.send(Command::Clauses(vec![clause]));
        }
    }

    fn group_variables(&mut self, groups: &[Vec<u32>]) {
        let mut definitions = Vec::new();
        for members in groups {
            let mut distinct = members.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() < 2
                || distinct.iter().any(|&v| {
                    v as usize >= self.group_of.len() || self.group_of[v as usize].is_some()
                })
            {
                continue;
            }
            // A fresh variable after the program's and the encoding's so far.
            let t = to_varisat(self.vars.new_var().pos_lit());
            let index = self.groups.len() as u32;
            let mut disjunction = vec![!t];
            for &v in &distinct {
                self.group_of[v as usize] = Some(index);
                let x = varisat::Lit::from_index(v as usize, true);
                disjunction.push(x);
                definitions.push(vec![!x, t]);
            }
            definitions.push(disjunction);
            self.groups.push((distinct, t));
        }
        if let Some(pending) = &mut self.pending {
            pending.extend(definitions);
        } else if let Some(worker) = &self.solver {
            // A send fails only if the thread ended; the next solve reports that.
            let _ = worker.commands.send(Command::Clauses(definitions));
        }
    }

    fn raise_lower_bound(&mut self, bound: u64) -> Result<(), SolveError> {
        // Only the bound search starts there. Enforcing "cost >= bound" in
        // the formula (a binary adder was tried) made each proposal an
        // exact-cardinality problem: on D4 16x16 one SAT call took over 40 s
        // where without it 700 rounds ran in the same time.
        self.lower = self.lower.max(bound.div_ceil(self.scale));
        Ok(())
    }

    fn minimize(&mut self, stop: &dyn Fn() -> bool) -> Result<Outcome, SolveError> {
        self.minimize_capped(None, stop)
    }

    fn minimize_below(&mut self, cap: u64, stop: &dyn Fn() -> bool) -> Result<Outcome, SolveError> {
        // Costs are multiples of `scale`: "less than cap" is "at most
        // (cap - 1) / scale units".
        match cap.checked_sub(1) {
            Some(most) => self.minimize_capped(Some(most / self.scale), stop),
            None => Ok(Outcome::NoneBelow {
                lower_bound: self.lower * self.scale,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// The pigeonhole clauses for `holes + 1` pigeons: unsatisfiable, and
    /// exponentially hard for resolution, so CDCL runs for hours at 12 holes.
    fn pigeonhole(solver: &mut SatSolver, holes: usize) {
        let var = |pigeon: usize, hole: usize| pigeon * holes + hole;
        for pigeon in 0..=holes {
            let lits: Vec<Lit> = (0..holes).map(|h| Lit::pos(var(pigeon, h))).collect();
            solver.add_clause(&lits);
        }
        for hole in 0..holes {
            for a in 0..=holes {
                for b in a + 1..=holes {
                    solver.add_clause(&[Lit::neg(var(a, hole)), Lit::neg(var(b, hole))]);
                }
            }
        }
    }

    /// A stop ends the solve itself, not only the wait for it: the worker
    /// thread of an abandoned, hopeless solve ends soon after (the bound
    /// is generous; uninterrupted, this solve runs for hours).
    #[test]
    fn a_stopped_solve_ends_its_thread() {
        let holes = 12;
        let mut solver = SatSolver::new(vec![1; (holes + 1) * holes]).unwrap();
        pigeonhole(&mut solver, holes);
        let started = Instant::now();
        let stop = || started.elapsed() > Duration::from_millis(300);
        let outcome = solver.minimize(&stop).unwrap();
        assert!(matches!(outcome, Outcome::Stopped { .. }), "{outcome:?}");
        let thread = solver.abandoned.take().expect("the solve was running");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !thread.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(thread.is_finished(), "the abandoned solve still runs");
        thread.join().expect("the worker ends without a panic");
        // A stopped solver keeps answering "stopped".
        assert!(matches!(
            solver.minimize(&|| false).unwrap(),
            Outcome::Stopped { .. }
        ));
    }
}
