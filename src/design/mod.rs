//! Designs: dense (one parameter per edge orbit), sparse (the paper's) and optimal (searched).
//!
//! [`design_layer`] is the one entry point the command line and the batch
//! runner use: it builds the tying matrix for the chosen method and returns
//! a [`Layer`] with every field FORMATS.md asks for.
/// The benchmark instances (for benches/ and examples/; feature `internal-testing`).
#[cfg(any(test, feature = "internal-testing"))]
pub mod bench_cases;
pub mod connectivity;
pub mod cover;
mod dense;
pub mod exhaustive;
pub mod optimal;
pub mod oracle;
pub mod pattern;
pub mod refutation_loop;
pub mod spanning;
pub mod sparse;
mod subsumption;
pub mod symmetry;

pub use dense::dense_tying;

use crate::action::{GeneratorPair, JointAction};
use crate::budget::{format_bytes, MemoryBudget};
use crate::instance::Instance;
use crate::layer::{KnownNames, Layer, Named, Tying};
use crate::perm::Perm;
use crate::solve::SolverKind;
use crate::verify::{
    describe_witness, readable_witness, verify_exact, LayerVerdict, Verdict, VerifyError,
};
use optimal::{SearchError, SearchProgress, SearchSettings};
use serde_json::Value;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Which design to build. The command line parses it too (clap's
/// `ValueEnum`, derived here once, with the `cli` feature): the names are
/// the variants' in lower case, as [`Method::name`] writes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Method {
    /// One parameter per G-orbit of input-output pairs.
    Dense,
    /// The paper's design from a smallest symmetric generating set.
    Sparse,
    /// The cheapest exact union of edge orbits, searched.
    Optimal,
}

impl Method {
    /// The name written in layer files.
    pub fn name(self) -> &'static str {
        match self {
            Method::Dense => "dense",
            Method::Sparse => "sparse",
            Method::Optimal => "optimal",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Method {
    /// Every method, in the order the summaries list them.
    pub const ALL: &'static [Method] = &[Method::Dense, Method::Sparse, Method::Optimal];
}

impl KnownNames for Method {
    const ALL: &'static [Method] = Method::ALL;

    fn name(self) -> &'static str {
        Method::name(self)
    }
}

impl std::str::FromStr for Method {
    type Err = String;

    /// Parses a name that [`Method::name`] writes.
    fn from_str(name: &str) -> Result<Method, String> {
        Method::ALL
            .iter()
            .copied()
            .find(|m| m.name() == name)
            .ok_or_else(|| format!("unknown method \"{name}\" (expected dense, sparse or optimal)"))
    }
}

/// What a searched design minimises (a clap `ValueEnum` with the `cli` feature).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Objective {
    /// The number of non-zero entries of W.
    #[default]
    Edges,
    /// The number of shared parameters.
    Parameters,
}

impl Objective {
    /// The name written in layer files.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Edges => "edges",
            Objective::Parameters => "parameters",
        }
    }
}

impl Objective {
    /// Both objectives.
    pub const ALL: &'static [Objective] = &[Objective::Edges, Objective::Parameters];

    /// The cost of a pattern with `parameters` shared weights on `edges` edges.
    pub fn cost(self, parameters: usize, edges: u64) -> u64 {
        match self {
            Objective::Edges => edges,
            Objective::Parameters => parameters as u64,
        }
    }
}

impl KnownNames for Objective {
    const ALL: &'static [Objective] = Objective::ALL;

    fn name(self) -> &'static str {
        Objective::name(self)
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything that selects and bounds a design.
#[derive(Clone, Debug)]
pub struct DesignOptions {
    pub method: Method,
    /// What the optimal design minimises.
    pub objective: Objective,
    /// The backend of the searches.
    pub solver: SolverKind,
    /// Searches stop after this long and return the best pattern found.
    pub time_limit: Option<Duration>,
    /// Sparse design: add the identity to H (makes <H H^-1> = G).
    pub with_identity: bool,
    /// Optimal design: only patterns in which every input is read and every
    /// output reads (see [`cover`]); dense and sparse designs always are.
    pub cover: bool,
    /// Searches stop soon after this flag is set (Ctrl-C).
    pub interrupt: Option<Arc<AtomicBool>>,
    /// Called after every search round.
    pub progress: Option<ProgressSink>,
    /// The memory the design may use; a search that reaches it stops
    /// with its best verified pattern (default: the machine's limits).
    pub memory: MemoryBudget,
}

/// A callback receiving search progress.
#[derive(Clone)]
pub struct ProgressSink(pub Arc<dyn Fn(&SearchProgress) + Send + Sync>);

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressSink")
    }
}

impl DesignOptions {
    /// Options for `method` with default settings.
    pub fn new(method: Method) -> DesignOptions {
        DesignOptions {
            method,
            objective: Objective::default(),
            solver: SolverKind::default(),
            time_limit: None,
            with_identity: false,
            cover: false,
            interrupt: None,
            progress: None,
            memory: MemoryBudget::from_machine(),
        }
    }
}

/// Why a design could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DesignError {
    /// The layer would not fit in memory.
    #[error("a {rows} x {cols} layer needs about {need} of working memory, more than the {limit} allowed here (--memory-limit, or the machine's memory, cgroup and address-space limits less a margin); use a smaller instance or raise --memory-limit")]
    TooLarge {
        rows: usize,
        cols: usize,
        /// The estimate, formatted ("1.5 GiB").
        need: String,
        /// The budget's ceiling, formatted.
        limit: String,
    },
    /// The verifier rejected the design (a bug: designs are G-invariant by construction).
    #[error("the verifier rejected the design: {0}")]
    Verify(#[from] VerifyError),
    /// A search failed (solver or verifier error).
    #[error("the search failed: {0}")]
    Search(#[from] SearchError),
}

/// Bytes of working memory a design of an `input_size` x `output_size`
/// layer needs at its peak: 16 per entry while the edge orbits are numbered
/// (`JointAction::edge_orbits`: the raw labels, 4 bytes, plus the renaming
/// table, 4, and orbit sizes, 8, each as long as the matrix when every edge
/// is its own orbit; the column buffer, 4 more, is freed just before), plus
/// one output line of up to 12 bytes per column while the JSON is streamed.
/// The verifier then needs 24 per entry: the layer's tying matrix and the
/// dense design's (4 + 4, one matrix for the dense method) and adjacency
/// lists in both directions (16 per edge, `verify::Structure`). The
/// search's symmetries keep one representative edge per orbit (8 bytes,
/// at most one orbit per entry) beside them, during the verifier calls.
pub fn estimated_bytes(input_size: usize, output_size: usize) -> u128 {
    input_size as u128 * output_size as u128 * 32 + input_size as u128 * 12
}

/// The working-memory limit in force by default, in bytes: the smaller
/// of physical memory, the cgroup limit and `RLIMIT_AS`, less a margin
/// ([`MemoryBudget::from_machine`]). Total rather than available memory
/// keeps the answer the same from run to run on one machine.
pub fn memory_limit() -> u128 {
    u128::from(MemoryBudget::from_machine().limit())
}

/// Checks that a layer of this size can be designed within the default budget.
pub fn check_size(input_size: usize, output_size: usize) -> Result<(), DesignError> {
    check_size_within(&MemoryBudget::from_machine(), input_size, output_size)
}

/// Checks that a layer of this size can be designed within `budget`
/// (its working memory, [`estimated_bytes`], fits under the ceiling).
pub fn check_size_within(
    budget: &MemoryBudget,
    input_size: usize,
    output_size: usize,
) -> Result<(), DesignError> {
    let need = estimated_bytes(input_size, output_size);
    let limit = u128::from(budget.limit());
    if need > limit || input_size as u128 * output_size as u128 >= i32::MAX as u128 {
        return Err(DesignError::TooLarge {
            rows: output_size,
            cols: input_size,
            need: format_bytes(need.min(u128::from(u64::MAX - 1)) as u64),
            limit: format_bytes(budget.limit()),
        });
    }
    Ok(())
}

/// Builds the layer for `instance` with `options`. Searched designs
/// record what they proved in `optimal` and explain themselves in the
/// `notes` extra field (why no pattern is exact, why a sparse layer is not,
/// whether the search was stopped early).
pub fn design_layer(
    instance: &Instance,
    action: &JointAction,
    options: &DesignOptions,
) -> Result<Layer, DesignError> {
    // The time limit counts from here: the dense design and its
    // verification are phases of the run as much as the search.
    let stop = StopCondition::for_design(options);
    check_size_within(&options.memory, instance.input_size, instance.output_size)?;
    let dense = dense_tying(action);
    let closure = crate::verify::verify_dense(&dense, action)?;
    let mut extra = serde_json::Map::new();
    let mut notes: Vec<String> = Vec::new();
    let mut certificate = None;
    // `None` stands for the dense design itself (not copied).
    let (tying, objective): (Option<Tying>, Option<Objective>) = match options.method {
        Method::Dense => (None, None),
        Method::Optimal => {
            let (tying, proved) =
                optimal_design(action, &closure, options, &stop, &mut extra, &mut notes)?;
            certificate = Some(proved);
            (Some(tying), Some(options.objective))
        }
        Method::Sparse => {
            let (tying, proved) = sparse_design(action, options, &stop, &mut extra, &mut notes)?;
            certificate = Some(proved);
            (Some(tying), None)
        }
    };
    let pattern = match &tying {
        None => closure.clone(),
        // A search stopped before any incumbent returns the dense design
        // itself: its verdict is the closure's (verifying 16 million edges
        // again took over a second after the time limit).
        Some(t) if *t == dense => closure.clone(),
        Some(t) => verify_exact(t, action)?,
    };
    let verdict = LayerVerdict { pattern, closure };
    if options.method == Method::Sparse && !verdict.is_exact() {
        notes.push(sparse_failure_note(
            &verdict,
            action,
            options.with_identity,
            &extra,
        ));
    }
    let tying = tying.unwrap_or(dense);
    if let Some(reason) = stop.reason() {
        extra.insert("stop_reason".into(), reason.name().into());
        if reason == StopReason::Memory {
            notes.push(format!(
                "the memory budget ({}) was reached, so the search stopped there; the layer is the \
                 best verified pattern found (raise --memory-limit to search further)",
                options.memory
            ));
        }
    }
    if !notes.is_empty() {
        extra.insert(
            "notes".into(),
            Value::Array(notes.into_iter().map(Value::String).collect()),
        );
    }
    let mut layer = Layer {
        instance: instance.name.clone(),
        method: options.method.into(),
        objective: objective.map(Named::from),
        input_size: instance.input_size,
        output_size: instance.output_size,
        generators: instance.generators.clone(),
        group_order: action.order().to_string(),
        parameters: tying.parameters(),
        edges: tying.edges(),
        tying,
        automorphism_order: None,
        closure_order: None,
        exact: None,
        optimal: certificate.as_ref().map(|c| c.lower_bound >= c.cost),
        lower_bound: certificate.as_ref().map(|c| c.lower_bound),
        proof: certificate.map(|c| c.proof),
        bias_tying: crate::layer::bias_tying_of(instance.output_size, &instance.generators),
        extra,
    };
    record_verdict(&mut layer, &verdict);
    Ok(layer)
}

/// What a searched design proved: its cost and a lower bound on every
/// pattern that reaches the target, with how it was proved. The layer's
/// `optimal` is derived from it (true iff the bound reaches the cost).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// The design's cost: edges or parameters (optimal), |H| (sparse).
    pub cost: u64,
    pub lower_bound: u64,
    pub proof: String,
}

/// Writes the verifier's `automorphism_order`, `closure_order` and `exact`
/// into `layer`, and recomputes `group_order` from the generators (a layer
/// whose `group_order` was edited is not written back as is).
pub fn record_verdict(layer: &mut Layer, verdict: &LayerVerdict) {
    layer.group_order = verdict.pattern.group_order.to_string();
    layer.automorphism_order = Some(verdict.pattern.automorphism_order.to_string());
    layer.closure_order = Some(verdict.closure.automorphism_order.to_string());
    layer.exact = Some(verdict.pattern.is_exact());
}

/// Why a design's search was told to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Ctrl-C (the interrupt flag).
    Interrupted,
    /// `--time-limit` passed.
    TimeLimit,
    /// The memory budget was reached.
    Memory,
}

impl StopReason {
    /// The name written in the layer's `stop_reason` field.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::Interrupted => "interrupted",
            StopReason::TimeLimit => "time limit",
            StopReason::Memory => "memory limit",
        }
    }
}

/// How often the memory budget is read while polling (a /proc read).
const MEMORY_POLL: Duration = Duration::from_millis(20);

/// The stop condition of a design (or of `verify --optimality`): the
/// interrupt flag, the time limit (counted from its creation) and the
/// memory budget. Once true it stays true, and it remembers which came first.
pub struct StopCondition {
    interrupt: Option<Arc<AtomicBool>>,
    memory: Option<MemoryBudget>,
    start: Instant,
    deadline: Option<Instant>,
    /// 0 while running, else 1 + the reason's index.
    reason: std::sync::atomic::AtomicU8,
    /// Nanoseconds after `start` of the last memory reading.
    memory_read: std::sync::atomic::AtomicU64,
}

impl StopCondition {
    /// Stops once `interrupt` is set, `time_limit` has passed since now, or
    /// usage crosses `memory` (each when given).
    pub fn new(
        interrupt: Option<Arc<AtomicBool>>,
        time_limit: Option<Duration>,
        memory: Option<MemoryBudget>,
    ) -> StopCondition {
        let start = Instant::now();
        StopCondition {
            interrupt,
            memory,
            start,
            deadline: time_limit.map(|t| start + t),
            reason: 0.into(),
            memory_read: 0.into(),
        }
    }

    /// The stop condition of a design with `options`, its time limit starting now.
    pub fn for_design(options: &DesignOptions) -> StopCondition {
        StopCondition::new(
            options.interrupt.clone(),
            options.time_limit,
            Some(options.memory),
        )
    }

    /// Whether to stop now.
    pub fn stopped(&self) -> bool {
        if self.reason.load(Ordering::Relaxed) != 0 {
            return true;
        }
        let now = Instant::now();
        let cause = if self
            .interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
        {
            Some(StopReason::Interrupted)
        } else if self.deadline.is_some_and(|d| now >= d) {
            Some(StopReason::TimeLimit)
        } else {
            let elapsed = (now - self.start).as_nanos() as u64;
            let last = self.memory_read.load(Ordering::Relaxed);
            (self.memory.is_some() && elapsed >= last + MEMORY_POLL.as_nanos() as u64 && {
                self.memory_read.store(elapsed, Ordering::Relaxed);
                self.memory.is_some_and(|m| m.exceeded())
            })
            .then_some(StopReason::Memory)
        };
        let Some(cause) = cause else {
            return false;
        };
        let code = match cause {
            StopReason::Interrupted => 1,
            StopReason::TimeLimit => 2,
            StopReason::Memory => 3,
        };
        let _ = self
            .reason
            .compare_exchange(0, code, Ordering::Relaxed, Ordering::Relaxed);
        true
    }

    /// Whether `bytes` more fit in the memory budget now (always, with no
    /// budget). When they do not, the stop reason becomes the memory limit,
    /// so that [`Self::stopped`] is true from then on.
    pub fn room(&self, bytes: u128) -> bool {
        if self.memory.as_ref().is_none_or(|m| m.fits(bytes)) {
            return true;
        }
        let _ = self
            .reason
            .compare_exchange(0, 3, Ordering::Relaxed, Ordering::Relaxed);
        false
    }

    /// The first reason to stop, if there was one.
    pub fn reason(&self) -> Option<StopReason> {
        match self.reason.load(Ordering::Relaxed) {
            1 => Some(StopReason::Interrupted),
            2 => Some(StopReason::TimeLimit),
            3 => Some(StopReason::Memory),
            _ => None,
        }
    }
}

/// Records a search's statistics in the layer's extra fields.
fn record_search(
    extra: &mut serde_json::Map<String, Value>,
    options: &DesignOptions,
    p: &SearchProgress,
) {
    extra.insert("solver".into(), options.solver.name().into());
    extra.insert("iterations".into(), p.iterations.into());
    extra.insert("cuts".into(), p.cuts.into());
}

/// The closure of G (Aut of the dense design, from its verdict) as a joint
/// action; `orbits` are G's edge orbits. Its stabiliser chain is built only
/// if something asks for it ([`JointAction::closure_of_dense`]): the
/// closure of an invariant layer can be a product of a hundred symmetric
/// groups, whose chain took 23 s and 4 GB (D4 on 32 x 32 pooled), and the
/// search needs only membership, which the orbits answer.
pub fn closure_action(
    action: &JointAction,
    closure: &Verdict,
    orbits: std::sync::Arc<crate::action::EdgeOrbits>,
) -> JointAction {
    let (n, m) = (action.input_size(), action.output_size());
    let pairs = closure
        .generators
        .iter()
        .map(|g| GeneratorPair {
            // automorphisms map inputs to inputs and outputs to outputs
            input: g
                .restrict(0..n)
                .expect("an automorphism preserves the inputs"),
            output: g
                .restrict(n..n + m)
                .expect("an automorphism preserves the outputs"),
        })
        .collect();
    JointAction::closure_of_dense(n, m, pairs, &closure.automorphism_order, orbits)
}

/// The optimal design: the tying matrix and what was proved about it.
fn optimal_design(
    action: &JointAction,
    closure: &Verdict,
    options: &DesignOptions,
    stop_condition: &StopCondition,
    extra: &mut serde_json::Map<String, Value>,
    notes: &mut Vec<String>,
) -> Result<(Tying, Certificate), DesignError> {
    let orbits = std::sync::Arc::new(action.edge_orbits());
    let stop = || stop_condition.stopped();
    let target = if closure.is_exact() {
        action.clone()
    } else {
        let witness =
            readable_witness(closure, action).expect("a closure larger than G has a witness");
        notes.push(impossibility_note(action, closure, &witness));
        closure_action(action, closure, std::sync::Arc::clone(&orbits))
    };
    let oracle = oracle::VerifierOracle::with_stop(&target, &stop);
    let mut report = |p: &SearchProgress| {
        if let Some(sink) = &options.progress {
            (sink.0)(p)
        }
    };
    let room = |bytes| stop_condition.room(bytes);
    let settings = SearchSettings {
        objective: options.objective,
        solver: options.solver,
        stop: &stop,
        progress: &mut report,
        room: Some(&room),
    };
    let outcome = if options.cover {
        extra.insert("cover".into(), true.into());
        notes.push(
            "--cover: the search ranged over exact patterns that read every input and feed \
             every output; optimal and lower_bound refer to those (every cut and bound holds \
             for all exact patterns, so they hold for covering ones)"
                .into(),
        );
        let cover = cover::Cover::new(&orbits);
        optimal::search_optimal_covering(&orbits, &target, &oracle, settings, &cover)?
    } else {
        optimal::search_optimal(&orbits, &target, &oracle, settings)?
    };
    record_search(extra, options, &outcome.progress);
    if outcome.optimal && outcome.proof == optimal::BoundProof::Connectivity {
        notes.push(format!(
            "optimality is proved by the connectivity bound ({} {}): when the target group has \
             a regular orbit, every pattern with exactly that automorphism group keeps its moved \
             points in one component, and this pattern meets the bound (paramshare::design::connectivity)",
            outcome.cost,
            options.objective.name()
        ));
    }
    if !outcome.optimal {
        notes.push(format!(
            "the search was stopped before it proved an optimum; this is the best pattern found \
             ({} {}), and no exact pattern costs less than {}",
            outcome.cost,
            options.objective.name(),
            outcome.lower_bound
        ));
        extra.insert("interrupted".into(), true.into());
    }
    let certificate = Certificate {
        cost: outcome.cost,
        lower_bound: outcome.lower_bound,
        proof: outcome.proof.to_string(),
    };
    Ok((optimal::pattern_of(&orbits, &outcome.chosen), certificate))
}

/// Why no pattern is exact, in words, with the closure's witness.
fn impossibility_note(action: &JointAction, closure: &Verdict, witness: &Perm) -> String {
    let described = describe_witness(witness, action.input_size());
    let reason = if described.inputs.is_identity() {
        "an element of the closure moves only the outputs"
    } else if described.outputs.is_identity() {
        "an element of the closure moves only the inputs"
    } else {
        "G is not closed: the relations it preserves are preserved by a larger group"
    };
    format!(
        "no pattern is exactly G-equivariant: {reason}; every G-invariant pattern also has the \
         automorphism that {} (inputs {}, outputs {}), and the closure has order {} > {}; \
         the search targets the closure instead (the sparsest pattern whose automorphism group \
         is the closure; the optimal field says whether that was proved)",
        described.sentence,
        described.inputs,
        described.outputs,
        closure.automorphism_order,
        closure.group_order
    )
}

/// The sparse design's tying matrix, with the generating set recorded in
/// `extra`, and what was proved about |H| (the identity that
/// `--with-identity` adds is not counted).
fn sparse_design(
    action: &JointAction,
    options: &DesignOptions,
    stop_condition: &StopCondition,
    extra: &mut serde_json::Map<String, Value>,
    notes: &mut Vec<String>,
) -> Result<(Tying, Certificate), DesignError> {
    let stop = || stop_condition.stopped();
    let mut report = |p: &SearchProgress| {
        if let Some(sink) = &options.progress {
            (sink.0)(p)
        }
    };
    let orbits = action.edge_orbits();
    let room = |bytes| stop_condition.room(bytes);
    let found = sparse::minimum_generating_set(
        action,
        &orbits,
        SearchSettings {
            objective: Objective::Parameters,
            solver: options.solver,
            stop: &stop,
            progress: &mut report,
            room: Some(&room),
        },
    )?;
    record_search(extra, options, &found.progress);
    let mut h = found.elements.clone();
    if options.with_identity {
        h.push(Perm::identity(action.input_size() + action.output_size()));
    }
    let n = action.input_size();
    extra.insert(
        "generating_set".into(),
        Value::Array(
            h.iter()
                .map(|g| {
                    let d = describe_witness(g, n);
                    Value::String(format!("inputs {} outputs {}", d.inputs, d.outputs))
                })
                .collect(),
        ),
    );
    extra.insert("generating_set_optimal".into(), found.optimal.into());
    extra.insert(
        "generating_set_lower_bound".into(),
        found.lower_bound.into(),
    );
    match difference_order_unless_stopped(action, &h, &stop) {
        Some(order) => {
            extra.insert("difference_subgroup_order".into(), order.to_string().into());
        }
        None => notes.push(format!(
            "difference_subgroup_order was not computed: the run was stopped, and the order of \
             <h h'^-1 : h, h' in H> (a stabiliser chain on {} points) was not known {} s later",
            action.input_size() + action.output_size(),
            DIFFERENCE_GRACE.as_secs_f64()
        )),
    }
    if !found.optimal {
        notes.push(if found.listed {
            format!(
                "the generating-set search was stopped early; H ({} elements) is the smallest \
                 found (or the instance's generators and their inverses), not proved smallest \
                 (lower bound {})",
                found.elements.len(),
                found.lower_bound
            )
        } else {
            format!(
                "G is too large to list, so H was chosen from a pool (generators, inverses, \
                 products of two, random elements); it is not proved smallest (lower bound {})",
                found.lower_bound
            )
        });
    }
    let certificate = Certificate {
        cost: found.elements.len() as u64,
        lower_bound: found.lower_bound,
        proof: found.proof.clone(),
    };
    Ok((
        optimal::pattern_of(&orbits, &sparse::sparse_orbits(action, &orbits, &h)),
        certificate,
    ))
}

/// How long after a stop the difference subgroup's order may still take.
const DIFFERENCE_GRACE: Duration = Duration::from_secs(1);

/// |<h h'^-1 : h, h' in H>| ([`sparse::difference_subgroup_order`]), or
/// `None` when `stop` has held for [`DIFFERENCE_GRACE`] before it is known.
/// Its chain polls no stop (2.1 s on nested sets 10 x 20, all of it past
/// the time limit), so it runs on its own thread, abandoned then (and
/// cancelled: it ends at its next checkpoint, see [`crate::background`]).
fn difference_order_unless_stopped(
    action: &JointAction,
    h: &[Perm],
    stop: &dyn Fn() -> bool,
) -> Option<num_bigint::BigUint> {
    let stopped_at = std::cell::Cell::new(None::<Instant>);
    let out_of_grace = || {
        stop() && {
            let since = stopped_at.get().unwrap_or_else(Instant::now);
            stopped_at.set(Some(since));
            since.elapsed() >= DIFFERENCE_GRACE
        }
    };
    let degree = action.input_size() + action.output_size();
    let h = h.to_vec();
    let joined = crate::background::run_unless_stopped(
        move || sparse::difference_subgroup_order(degree, &h),
        &out_of_grace,
    )?;
    // A panic in the chain is a bug, not a stop: raise it here.
    Some(joined.unwrap_or_else(|payload| std::panic::resume_unwind(payload)))
}

/// Why a sparse layer is not exact, and how to fix it when possible.
fn sparse_failure_note(
    verdict: &LayerVerdict,
    action: &JointAction,
    with_identity: bool,
    extra: &serde_json::Map<String, Value>,
) -> String {
    let witness = readable_witness(&verdict.pattern, action)
        .map(|w| describe_witness(&w, action.input_size()).sentence)
        .unwrap_or_default();
    if !verdict.exact_possible() {
        return format!(
            "not exact, and no pattern can be: the dense design's automorphism group already has order {} > {}",
            verdict.closure.automorphism_order, verdict.closure.group_order
        );
    }
    let Some(k) = extra
        .get("difference_subgroup_order")
        .and_then(Value::as_str)
    else {
        return format!(
            "not exact (the run was stopped before the difference subgroup <h h'^-1 : h, h' in H> \
             was known, so which case applies was not decided): an automorphism {witness}"
        );
    };
    if k != action.order().to_string() {
        let fix = if with_identity {
            String::new()
        } else {
            "; --with-identity adds the identity to H, which fixes this for free actions".into()
        };
        format!(
            "not exact: <h h'^-1 : h, h' in H> has order {k}, a proper subgroup of G (order {}), \
             so the pattern falls apart into pieces that can be permuted independently; \
             for example, an automorphism {witness}{fix}",
            action.order()
        )
    } else {
        format!(
            "not exact although <H H^-1> = G (the paper's theorem needs G to act freely on both sides): \
             an automorphism {witness}"
        )
    }
}

/// The command line's names for methods, objectives and solvers (clap's
/// `ValueEnum`, derived on the types) are the names written in files.
#[cfg(all(test, feature = "cli"))]
mod command_line_names {
    use super::{Method, Objective};
    use crate::solve::SolverKind;
    use clap::ValueEnum;

    fn cli_name(value: &impl ValueEnum) -> String {
        value
            .to_possible_value()
            .expect("no variant is skipped")
            .get_name()
            .to_string()
    }

    #[test]
    fn command_line_names_are_the_file_names() {
        for &m in Method::ALL {
            assert_eq!(cli_name(&m), m.name());
            assert_eq!(m.name().parse::<Method>(), Ok(m));
        }
        assert_eq!(Method::value_variants().len(), Method::ALL.len());
        for o in Objective::value_variants() {
            assert_eq!(cli_name(o), o.name());
        }
        for s in SolverKind::value_variants() {
            assert_eq!(cli_name(s), s.name());
        }
        assert!("Dense".parse::<Method>().is_err());
    }
}

#[cfg(test)]
mod stop_condition_tests {
    use super::*;

    /// No room under the budget stops the design, for the memory limit;
    /// room, or no budget, stops nothing.
    #[test]
    fn no_room_is_a_memory_stop() {
        let unlimited = StopCondition::new(None, None, None);
        assert!(unlimited.room(u128::from(u64::MAX)));
        assert!(!unlimited.stopped());

        let budget = MemoryBudget::with_limit(u64::MAX / 2);
        let roomy = StopCondition::new(None, None, Some(budget));
        assert!(roomy.room(1 << 20));
        assert_eq!(roomy.reason(), None);
        assert!(!roomy.room(u128::from(u64::MAX)));
        assert!(roomy.stopped());
        assert_eq!(roomy.reason(), Some(StopReason::Memory));
    }
}
