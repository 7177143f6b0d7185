//! The optimal design: the cheapest union of edge orbits whose automorphism group is exactly the target.
//!
//! Counterexample-guided search (DESIGN.md, "The search"), run by the
//! shared loop of [`super::refutation_loop`] on `ExactPatterns`: one 0-1 variable
//! x_O per G-orbit O of N x M; the solver proposes the cheapest choice
//! (cost sum |O| x_O for edges, sum x_O for parameters) satisfying the cuts
//! so far; the oracle checks the pattern with one colour per chosen orbit;
//! every automorphism pi it returns outside the target group becomes the
//! cut "some chosen orbit is not mapped onto itself by pi" (if all chosen
//! orbits are fixed by pi, pi preserves every colour and the empty rest,
//! so the pattern is not exact). Cuts are multiplied by normalising
//! symmetries and the symmetries are broken (see [`super::symmetry`]).
//! Since every clause is implied by exactness, the first proposal the
//! oracle accepts is a proved optimum. The dense design (every orbit) is
//! always exact for the target, so the search always ends.
//!
//! Two things shorten it. The proved [`connectivity_lower_bound`] is the
//! solver's starting bound, and an incumbent (an exact pattern found by
//! verifier-guided repair, thinning and exchange) is kept; as soon as the
//! bound reaches the incumbent's cost, that pattern is a proved optimum.
//! On D4 over a 16x16 image (8256 orbits) the bound, 516 edges or 72
//! parameters, is met by the first incumbent: about 1 s, no solver round.
//! On a timeout or Ctrl-C the incumbent, not the dense design, is written.
//!
//! Where it is still slow: each round costs one verifier call, and a
//! pattern family with many non-equivalent near-misses (pairs of orbits on
//! a large torus) needs one round per family member.
use super::connectivity::{
    connectivity_lower_bound, covering_connectivity_lower_bound, prime_factors,
};
use super::cover::Cover;
use super::oracle::{Check, ExactnessOracle, OracleError};
pub use super::pattern::pattern_of;
use super::refutation_loop::{Certificate, Refutable, RefutationLoop, Verdict};
pub use super::refutation_loop::{SearchError, SearchProgress, SearchSettings};
use super::spanning::OrbitGraph;
use super::symmetry;
use super::Objective;
use crate::action::{EdgeOrbits, JointAction};
use crate::hash::splitmix64;
use crate::perm::Perm;
use crate::solve::Lit;
use rand::SeedableRng;

/// How many images of one round's cuts under the problem's symmetries are
/// added in all (shared among the round's witnesses, at least one each),
/// except on small problems: see [`cut_image_budget`].
const CUT_IMAGE_BUDGET: usize = 64;

/// How many images of one round's cuts are added where there are few edge orbits.
const FEW_ORBITS_CUT_IMAGES: usize = 4096;

/// At most this many edge orbits count as few for [`cut_image_budget`].
const FEW_ORBITS: usize = 512;

/// How many images of a round's cuts are added where there are `orbits`
/// edge orbits: [`FEW_ORBITS_CUT_IMAGES`] for at most [`FEW_ORBITS`],
/// [`CUT_IMAGE_BUDGET`] otherwise.
///
/// Why: every image is a valid cut, and on small problems the rounds, not
/// the clauses, are what costs. S5 on 3-index tensors in and out (202
/// orbits) took 684 rounds with 64 images and 77 with 4096, and S8 (203
/// orbits, where each verifier call reads a 512 x 512 pattern) 981 and 76.
/// Larger problems (p4 on 64 x 64, 1026 orbits of long cuts) keep 64.
fn cut_image_budget(orbits: usize) -> usize {
    if orbits <= FEW_ORBITS {
        FEW_ORBITS_CUT_IMAGES
    } else {
        CUT_IMAGE_BUDGET
    }
}

/// Most edge orbits for which the solver is told the groups of
/// [`side_orbit_groups`] (one auxiliary variable and |group| + 1 clauses each).
const GROUPED_ORBITS: usize = 4096;

/// Above this many edge orbits, repair breaks every witness of a round at
/// once instead of adding a single orbit per verifier call.
const MANY_ORBITS: usize = 10_000;

/// Most witnesses of one refutation turned into cuts (each one's cut is
/// false for the proposal, so any of them makes progress). On p4 over a
/// 64 x 64 torus one proposal of 8192 edges had 4096 witnesses, each moving
/// 1024 of the 1026 orbits; their cuts took 17 s of a 60 s search, and the
/// subsumption filter passed almost none of them to the solver. Turning
/// 64 witnesses into cuts there takes about 2 s a round; with 16 it took
/// 43.6 s where it took 51.5 s, S_5 on 3-tensors reached the same bound
/// (280 in 60 s) and S_20 on 3-tensors to vectors and the D4 32 x 32 pool
/// were proved as fast.
const MAX_WITNESS_CUTS: usize = 16;

/// Most orbit applications spent on one witness's cut images (a cut can
/// hold half of a million orbits; its images are an optimisation).
const CUT_IMAGE_WORK: usize = 1 << 22;

/// What proves a search's lower bound (every exact pattern costs at least it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoundProof {
    /// Nothing beyond "costs are not negative".
    Trivial,
    /// There are no input-output pairs: the empty pattern is the only one.
    NoEdges,
    /// [`connectivity_lower_bound`], a theorem (module docs of [`super::connectivity`]).
    Connectivity,
    /// The solver: no assignment cheaper than the bound satisfies the cuts
    /// (each implied by exactness) and, when present, the connectivity
    /// bound it was started from.
    Solver {
        cuts: u64,
        connectivity: Option<u64>,
    },
}

impl std::fmt::Display for BoundProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoundProof::Trivial => f.write_str("none (costs are not negative)"),
            BoundProof::NoEdges => {
                f.write_str("no input-output pairs: the empty pattern is the only one")
            }
            BoundProof::Connectivity => f.write_str("connectivity bound"),
            BoundProof::Solver {
                cuts,
                connectivity: None,
            } => {
                write!(f, "solver: no cheaper assignment satisfies {cuts} cuts")
            }
            BoundProof::Solver {
                cuts,
                connectivity: Some(c),
            } => write!(
                f,
                "solver: no cheaper assignment satisfies {cuts} cuts and the connectivity bound {c}"
            ),
        }
    }
}

/// The result: the chosen orbits and what was proved about them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchOutcome {
    /// `chosen[O]`: whether edge orbit O is in the pattern.
    pub chosen: Vec<bool>,
    pub cost: u64,
    /// True iff nothing cheaper is exact: the solver proved nothing cheaper
    /// satisfies all cuts, or the pattern meets `connectivity_bound` (and
    /// the pattern was checked exact either way).
    pub optimal: bool,
    /// The [`connectivity_lower_bound`] the search started from, if it applied.
    pub connectivity_bound: Option<u64>,
    /// A proved lower bound on the optimum (equals `cost` when optimal).
    pub lower_bound: u64,
    /// How `lower_bound` was proved.
    pub proof: BoundProof,
    pub progress: SearchProgress,
}

/// The weight of each orbit's variable under `objective`.
pub fn orbit_weights(orbits: &EdgeOrbits, objective: Objective) -> Vec<u64> {
    match objective {
        Objective::Edges => orbits.sizes.clone(),
        Objective::Parameters => vec![1; orbits.count()],
    }
}

/// The orbits that `pi` does not map onto themselves (increasing).
///
/// Only edges with an end that `pi` moves can leave their orbit, so the
/// cost is |moved inputs| x M + N x |moved outputs| lookups: the
/// verifier's witnesses are often two swapped twins, and scanning all of
/// N x M for each of them was 70% of an optimal design of C4 on 24 x 24.
pub fn moved_orbits(pi: &Perm, orbits: &EdgeOrbits) -> Vec<u32> {
    moved_orbits_of_support(pi, &pi.support(), orbits)
}

/// The edge lookups [`moved_orbits`] makes for a permutation with this
/// (increasing) support.
fn moved_orbits_work(support: &[usize], orbits: &EdgeOrbits) -> usize {
    let split = support.partition_point(|&x| x < orbits.input_size);
    split * orbits.output_size + (support.len() - split) * orbits.input_size
}

/// [`moved_orbits`] with `pi`'s support (increasing) already at hand.
fn moved_orbits_of_support(pi: &Perm, support: &[usize], orbits: &EdgeOrbits) -> Vec<u32> {
    let (n, m_size) = (orbits.input_size, orbits.output_size);
    let split = support.partition_point(|&x| x < n);
    let (moved_inputs, moved_outputs) = (&support[..split], &support[split..]);
    let leaves = |i: usize, m: usize| {
        let o = orbits.orbit(i, m);
        (orbits.orbit(pi.apply(i), pi.apply(n + m) - n) != o).then_some(o)
    };
    // Edges (i, m) with i moved, then those with only m moved.
    let edges = moved_inputs
        .iter()
        .flat_map(|&i| (0..m_size).map(move |m| (i, m)))
        .chain(moved_outputs.iter().flat_map(|&m| {
            (0..n)
                .filter(|&i| pi.apply(i) == i)
                .map(move |i| (i, m - n))
        }));
    if moved_orbits_work(support, orbits) <= orbits.count() {
        let mut moved: Vec<u32> = edges.filter_map(|(i, m)| leaves(i, m)).collect();
        moved.sort_unstable();
        moved.dedup();
        moved
    } else {
        // Many moved edges: a flag per orbit is smaller than the list.
        let mut moved = vec![false; orbits.count()];
        for o in edges.filter_map(|(i, m)| leaves(i, m)) {
            moved[o as usize] = true;
        }
        (0..orbits.count() as u32)
            .filter(|&o| moved[o as usize])
            .collect()
    }
}

/// Most witness candidates tried by [`sharpened_witness`] (powers and
/// commutators; each costs one membership test and one [`moved_orbits`]).
const SHARPEN_TRIES: usize = 48;

/// Most edge lookups [`sharpened_witness`] spends on one witness (a few
/// ms; a component swap on a 64 x 64 image costs 8 million per candidate,
/// so its witnesses are not sharpened: at 2^24, sharpening was 23% of a p4
/// 64 x 64 search).
const SHARPEN_WORK: usize = 1 << 21;

/// Random elements of the target tried as commutator partners per step.
const SHARPEN_RANDOM: usize = 16;

/// An element of the group generated by the target and `pi` that lies
/// outside the target and moves as few edge orbits as this descent finds,
/// with the orbits it moves; `moved` are `pi`'s own. Returns `pi` itself
/// when no candidate within the budgets moves fewer.
///
/// Why: the cut of a witness c is "some chosen orbit is moved by c", and it
/// is implied by exactness for *every* c outside the target (if c fixes every
/// chosen orbit, c preserves the pattern). Every element of <G, pi> fixes
/// the orbits that G and pi both fix, so its cut lists a subset of pi's
/// orbits: a stronger clause, false for the same proposal. The descent
/// tries powers pi^p (p a prime dividing a cycle length) and commutators
/// [pi, g] with the target's generators, and moves to the first candidate
/// outside the target that moves fewer orbits, until none does or
/// [`SHARPEN_TRIES`] candidates or [`SHARPEN_WORK`] lookups were spent.
/// On S5 acting on 3-index tensors (in and out) this and the subsumption
/// filter raised the bound proved in 60 s from 240 to 280 edges.
fn sharpened_witness(
    pi: &Perm,
    moved: Vec<u32>,
    target: &JointAction,
    orbits: &EdgeOrbits,
) -> (Perm, Vec<u32>) {
    let mut best = (pi.clone(), moved);
    let mut tries = 0;
    let mut work = 0;
    'descent: loop {
        let current = best.0.clone();
        let mut primes: Vec<u64> = current
            .cycles()
            .iter()
            .flat_map(|c| prime_factors(c.len() as u64))
            .collect();
        primes.sort_unstable();
        primes.dedup();
        let powers = primes.into_iter().map(|p| current.pow(p as i64));
        // The generators, then random elements (seeded: the output is
        // deterministic), when the target's chain is at hand.
        // Drawn only when reached (a witness over the work budget stops at
        // its first power).
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(tries as u64);
        let random_count = if target.chain_deferred() {
            0
        } else {
            SHARPEN_RANDOM
        };
        let random = (0..random_count).map(move |_| target.chain().random_element(&mut rng));
        let inverse = current.inverse();
        let commutators = target
            .joint_generators()
            .iter()
            .cloned()
            .chain(random)
            .map(|g| current.then(&g).then(&inverse).then(&g.inverse()));
        for candidate in powers.chain(commutators) {
            if tries == SHARPEN_TRIES {
                break 'descent;
            }
            tries += 1;
            if candidate.is_identity() || target.contains(&candidate) {
                continue;
            }
            let support = candidate.support();
            work += moved_orbits_work(&support, orbits);
            if work > SHARPEN_WORK {
                break 'descent;
            }
            let candidate_moved = moved_orbits_of_support(&candidate, &support, orbits);
            // A candidate outside the target that moves no orbit would lie in
            // the closure; that cannot happen, but it must never become a cut.
            if !candidate_moved.is_empty() && candidate_moved.len() < best.1.len() {
                best = (candidate, candidate_moved);
                continue 'descent;
            }
        }
        break;
    }
    best
}

/// Transpositions of two points of one orbit on one side (fixing all
/// else) that lie outside the target: one per orbit of size two or more.
/// Each gives the cut "some chosen orbit touches this orbit's points", so
/// the solver never proposes patterns with isolated, swappable points.
fn side_transpositions(target: &JointAction) -> Vec<Perm> {
    let n = target.input_size();
    let total = n + target.output_size();
    let input_orbits = target.input_orbits();
    let output_orbits = target.output_orbits();
    let shifted = output_orbits
        .iter()
        .map(|o| o.iter().map(|&x| x + n).collect::<Vec<_>>());
    input_orbits
        .iter()
        .cloned()
        .chain(shifted)
        .filter(|o| o.len() >= 2)
        .map(|o| {
            let mut images: Vec<u32> = (0..total as u32).collect();
            images.swap(o[0], o[1]);
            Perm::from_images_unchecked(images)
        })
        .filter(|t| !target.contains(t))
        .collect()
}

/// The edge orbits grouped by the pair (input orbit, output orbit) their
/// edges join, in increasing order of that pair.
///
/// Why these groups: a witness that moves points of one input orbit X
/// often moves every edge orbit from X to some output orbit Y, so its cut
/// contains the whole group (X, Y). On S5 acting on 3-index tensors in and
/// out, a cut held 7 whole groups of the 25 (67 of its 118 literals); the
/// SAT backend writes each as one literal ([`RefutationLoop::group_variables`]).
/// Proved there (one run each, load 1.5 to 2): 106 s before, 84 s with the
/// groups alone, 112 s with the cut images of [`cut_image_budget`] alone,
/// 46 to 62 s with both.
fn side_orbit_groups(target: &JointAction, orbits: &EdgeOrbits) -> Vec<Vec<u32>> {
    let side_index = |side_orbits: Vec<Vec<usize>>, size: usize| {
        let mut index = vec![0usize; size];
        for (k, orbit) in side_orbits.iter().enumerate() {
            for &x in orbit {
                index[x] = k;
            }
        }
        index
    };
    let input_orbit = side_index(target.input_orbits(), target.input_size());
    let output_orbit = side_index(target.output_orbits(), target.output_size());
    let mut groups: std::collections::BTreeMap<(usize, usize), Vec<u32>> = Default::default();
    for (o, (n, m)) in orbits.representatives().into_iter().enumerate() {
        groups
            .entry((input_orbit[n], output_orbit[m]))
            .or_default()
            .push(o as u32);
    }
    // A group of every orbit only shortens a clause of every orbit.
    if groups.len() < 2 {
        return Vec::new();
    }
    groups.into_values().collect()
}

/// Bytes per edge orbit of the orbit graph and the path start's frontier
/// (ends 8, adjacency 8, a 40-byte heap entry doubled by growth, flags).
const PATH_START_BYTES_PER_ORBIT: u128 = 112;

/// At most this many edge orbits for the solve before the incumbent.
const PRESOLVE_ORBITS: usize = 20_000;

/// Most rounds of the parameters search that seeds a covering edges search
/// ([`parameters_seed`]), and the most time it may take. The rounds are the
/// budget (deterministic); the time only bounds rounds that are slow (S_20
/// on 3-tensors: one verifier call takes seconds). It is generous because
/// a batch shares the cores: with 2 s, three graph layers of a `batch
/// --cover` on a busy machine got a worse seed and stayed unproved at the
/// 60 s limit, where alone they are proved in 0.4 to 1.5 s.
const SEED_ROUNDS: u64 = 64;
const SEED_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// For a covering edges search with no connectivity bound: the best exact
/// pattern that a short search under the *parameters* objective finds, with
/// its edge count, as an incumbent. Few orbits usually means few edges, the
/// parameters problem (unit weights) is much easier for the solver, and the
/// cover clauses give the solver a packing bound that such an incumbent can
/// meet. On a graph layer with twins (|G| = 8, 1767 orbits,
/// tests/data/graph-45-twins.edges) it has 45 edges, which the packing bound
/// proves optimal, where the edges search's own repair gives 54 and its
/// first solve ran for minutes. Without `--cover` it is not tried: there it
/// gave nothing on that layer (44 edges, as repair does) and cost S_20 on
/// 3-tensors to vectors 5 s of a 4 s search. `None` when stopped first.
fn parameters_seed(
    orbits: &EdgeOrbits,
    target: &JointAction,
    oracle: &dyn ExactnessOracle,
    solver: crate::solve::SolverKind,
    room: Option<&dyn Fn(u128) -> bool>,
    cover: Option<&Cover>,
    stop: &dyn Fn() -> bool,
) -> Result<Option<(Vec<bool>, u64)>, SearchError> {
    let rounds = std::cell::Cell::new(0u64);
    let started = std::time::Instant::now();
    let seed_stop = || stop() || rounds.get() >= SEED_ROUNDS || started.elapsed() >= SEED_TIME;
    let mut count = |p: &SearchProgress| rounds.set(p.iterations);
    let settings = SearchSettings {
        objective: Objective::Parameters,
        solver,
        stop: &seed_stop,
        progress: &mut count,
        room,
    };
    // No connectivity bound: the caller's search found none applies.
    let seeded = search(orbits, target, oracle, settings, false, cover)?;
    if stop() {
        return Ok(None);
    }
    // Every pattern a search returns was checked exact (the dense one at worst).
    let edges = crate::solve::cost_of(&orbits.sizes, &seeded.chosen);
    Ok(Some((seeded.chosen, edges)))
}

/// Most literals spent on [`untouched_pair_clauses`] (they are quadratic in
/// the number of side orbits; where there are many, the connectivity bound
/// usually implies them).
const UNTOUCHED_PAIR_LITERALS: usize = 1 << 21;

/// For every two orbits X and Y of the target on one side: "some chosen
/// edge orbit touches X or Y". *Why it is implied by exactness:* if neither
/// is touched, take x in X and y in Y; both are isolated, so the
/// transposition (x y), fixing every other point, preserves every edge,
/// colour and non-edge, and it maps x out of its target orbit, so it is
/// not in the target. (The transposition cut of [`side_transpositions`]
/// needs two points of *one* orbit, and says nothing where the target
/// contains that transposition: a pooling layer's closure contains the
/// whole symmetric group of every input orbit, and this cut is what
/// proves its optimum, every input orbit but one read.) Empty when the
/// clauses would hold more than [`UNTOUCHED_PAIR_LITERALS`] literals.
fn untouched_pair_clauses(target: &JointAction, orbits: &EdgeOrbits) -> Vec<Vec<Lit>> {
    let graph = OrbitGraph::new(target, orbits);
    // touching[v]: the edge orbits with an end in side orbit v.
    let touching = graph.edge_orbits_at();
    let sides = graph.sides();
    let literals: usize = sides
        .iter()
        .map(|side| {
            let total: usize = side.clone().map(|v| touching[v].len()).sum();
            // every orbit's list appears in (k - 1) clauses
            total * side.len().saturating_sub(1)
        })
        .sum();
    if literals > UNTOUCHED_PAIR_LITERALS {
        return Vec::new();
    }
    let mut clauses = Vec::new();
    for side in sides {
        for x in side.clone() {
            for y in x + 1..side.end {
                clauses.push(
                    touching[x]
                        .iter()
                        .chain(&touching[y])
                        .map(|&o| Lit::pos(o as usize))
                        .collect(),
                );
            }
        }
    }
    clauses
}

/// Repairs `start` into an exact pattern, then thins it: while the oracle
/// returns witnesses, adds the orbit moved by the most witnesses per unit
/// of weight (ties: lowest index); then drops chosen orbits, heaviest
/// first, whenever the pattern stays exact. Returns the exact pattern and
/// its cost, or `None` if `stop` turned true first. A heuristic: it gives
/// the search an incumbent (written on a timeout, and optimal as soon as
/// the solver's bound reaches it), never a proof by itself. With `cover`
/// the pattern is first completed to a covering one and thinning keeps it
/// covering (`None` if only `forbidden` could cover some orbit). With
/// `connected`, thinning skips, without asking the oracle, drops that
/// leave the moved side orbits disconnected (not exact by the
/// connectivity theorem; pass it only when that theorem applies).
#[allow(clippy::too_many_arguments)]
pub fn repair_and_thin(
    orbits: &EdgeOrbits,
    weights: &[u64],
    oracle: &dyn ExactnessOracle,
    start: &[bool],
    forbidden: Option<usize>,
    seed: u64,
    cover: Option<&Cover>,
    connected: Option<&OrbitGraph>,
    stop: &dyn Fn() -> bool,
) -> Result<Option<(Vec<bool>, u64)>, SearchError> {
    let k = orbits.count();
    // Ties are broken by a hash of (orbit, seed), so different seeds explore
    // different patterns and each seed gives the same answer on every run.
    let rank = |o: usize| splitmix64(o as u64 ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut chosen = start.to_vec();
    if !chosen.contains(&true) {
        // A layer needs an edge (the search's first clause), even where the
        // empty pattern's automorphism group is the target.
        let cheapest = (0..k)
            .filter(|&o| Some(o) != forbidden)
            .min_by_key(|&o| (weights[o], rank(o)));
        let Some(o) = cheapest else {
            return Ok(None);
        };
        chosen[o] = true;
    }
    // Adding orbits keeps a pattern covering, so completing it first suffices.
    if let Some(cover) = cover {
        if !cover.complete(&mut chosen, weights, forbidden, &rank) {
            return Ok(None);
        }
    }
    loop {
        if stop() {
            return Ok(None);
        }
        let witnesses = match oracle.check_chosen(orbits, &chosen) {
            Ok(Check::Exact) => break,
            Ok(Check::Witnesses(witnesses)) => witnesses,
            Err(OracleError::Stopped) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        // One witness's moved orbits cost |its support| x the other side
        // (8 million lookups for a component swap on a 64 x 64 image), and
        // a round can hold 64 witnesses: poll the stop between them (D4 on
        // 64 x 64 with --time-limit 5 spent 3 s past the limit here).
        let mut moved: Vec<Vec<u32>> = Vec::with_capacity(witnesses.len());
        for pi in &witnesses {
            if stop() {
                return Ok(None);
            }
            moved.push(moved_orbits(pi, orbits));
        }
        let mut votes = vec![0u64; k];
        for o in moved.iter().flatten() {
            votes[*o as usize] += 1;
        }
        // Maximise votes / weight, compared exactly as votes_a * w_b > votes_b * w_a.
        let best_of = |candidates: &mut dyn Iterator<Item = usize>, chosen: &[bool]| {
            candidates
                .filter(|&o| !chosen[o] && votes[o] > 0 && Some(o) != forbidden)
                .reduce(|a, b| {
                    let (va, vb) = (votes[a] * weights[b], votes[b] * weights[a]);
                    if vb > va || (vb == va && rank(b) < rank(a)) {
                        b
                    } else {
                        a
                    }
                })
        };
        let Some(o) = best_of(&mut (0..k), &chosen) else {
            if forbidden.is_some() {
                // Only the forbidden orbit breaks the witnesses: no repair without it.
                return Ok(None);
            }
            return Err(SearchError::Inconsistent(
                "a witness moves no unchosen orbit, so it preserves the pattern's \
                 complement and every chosen orbit: it lies in the closure"
                    .into(),
            ));
        };
        chosen[o] = true;
        if k > MANY_ORBITS {
            // One verifier call costs O(N x M) here: break every witness the
            // pick left intact in the same round, each with its own best
            // orbit (thinning removes what turns out redundant).
            for list in &moved {
                if list.iter().any(|&q| chosen[q as usize]) {
                    continue;
                }
                if let Some(q) = best_of(&mut list.iter().map(|&q| q as usize), &chosen) {
                    chosen[q] = true;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..k).filter(|&o| chosen[o]).collect();
    order.sort_by_key(|&o| (std::cmp::Reverse(weights[o]), rank(o)));
    for &o in &order {
        if stop() {
            break;
        }
        chosen[o] = false;
        // `order` holds every chosen orbit (and some dropped ones).
        let still_chosen = order.iter().copied().filter(|&q| chosen[q]);
        if chosen.iter().all(|&c| !c)
            || cover.is_some_and(|c| !c.is_covered_by(&chosen))
            || connected.is_some_and(|g| !g.connects_moved(still_chosen))
        {
            chosen[o] = true;
            continue;
        }
        match oracle.check_chosen(orbits, &chosen) {
            Ok(Check::Exact) => {}
            Ok(Check::Witnesses(_)) => chosen[o] = true,
            Err(OracleError::Stopped) => {
                // The pattern before this drop was checked exact.
                chosen[o] = true;
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let cost = crate::solve::cost_of(weights, &chosen);
    Ok(Some((chosen, cost)))
}

/// Local search around an exact pattern: for each chosen orbit, drop it,
/// repair without it and thin (keeping `cover`'s clauses, if any); keep any
/// cheaper result and start over.
/// Returns the best pattern seen (at worst `pattern` itself).
#[allow(clippy::too_many_arguments)]
pub fn improve_by_exchange(
    orbits: &EdgeOrbits,
    weights: &[u64],
    oracle: &dyn ExactnessOracle,
    pattern: (Vec<bool>, u64),
    floor: u64,
    cover: Option<&Cover>,
    connected: Option<&OrbitGraph>,
    stop: &dyn Fn() -> bool,
) -> Result<(Vec<bool>, u64), SearchError> {
    let mut best = pattern;
    'restart: loop {
        for o in (0..orbits.count()).filter(|&o| best.0[o]) {
            if stop() || best.1 <= floor {
                break 'restart;
            }
            let mut start = best.0.clone();
            start[o] = false;
            if let Some(found) = repair_and_thin(
                orbits,
                weights,
                oracle,
                &start,
                Some(o),
                o as u64,
                cover,
                connected,
                stop,
            )? {
                if found.1 < best.1 {
                    best = found;
                    continue 'restart;
                }
            }
        }
        break;
    }
    Ok(best)
}

/// [`repair_and_thin`] from `start` with `seed`, then [`improve_by_exchange`]
/// down to the proved bound: an exact pattern and its cost, or `None` if stopped.
#[allow(clippy::too_many_arguments)]
fn incumbent_from(
    orbits: &EdgeOrbits,
    weights: &[u64],
    oracle: &dyn ExactnessOracle,
    start: &[bool],
    seed: u64,
    progress: &SearchProgress,
    cover: Option<&Cover>,
    connected: Option<&OrbitGraph>,
    stop: &dyn Fn() -> bool,
) -> Result<Option<(Vec<bool>, u64)>, SearchError> {
    let repaired = repair_and_thin(
        orbits, weights, oracle, start, None, seed, cover, connected, stop,
    )?;
    let Some(repaired) = repaired else {
        return Ok(None);
    };
    improve_by_exchange(
        orbits,
        weights,
        oracle,
        repaired,
        progress.bound,
        cover,
        connected,
        stop,
    )
    .map(Some)
}

/// [`connectivity_lower_bound`] on a worker thread, `None` (no bound:
/// the search goes on with its cuts alone, which is sound) when `stop`
/// turns true first. It builds a point stabiliser per side orbit: about
/// 3 s for the 1040 orbits of D4 on a 64 x 64 image, which --time-limit 5
/// must be able to cut short (the abandoned thread ends at its next
/// cancellation checkpoint, see [`crate::background`]).
///
/// With `covering` it is [`covering_connectivity_lower_bound`], which holds
/// only for patterns that read every input and feed every output.
fn connectivity_bound_unless_stopped(
    target: &JointAction,
    orbits: &EdgeOrbits,
    objective: Objective,
    covering: bool,
    stop: &dyn Fn() -> bool,
) -> Option<u64> {
    let (target, orbits) = (target.clone(), orbits.clone());
    let work = move || {
        if covering {
            covering_connectivity_lower_bound(&target, &orbits, objective)
        } else {
            connectivity_lower_bound(&target, &orbits, objective)
        }
    };
    let joined = crate::background::run_unless_stopped(work, stop)?;
    // A panic in the bound is a bug, not a stop: raise it here.
    joined.unwrap_or_else(|payload| std::panic::resume_unwind(payload))
}

/// Searches for the cheapest exact pattern. `target` is the group the
/// pattern's automorphism group must equal (G, or its closure when G is
/// not achievable); its orbits on N x M must be `orbits`.
pub fn search_optimal(
    orbits: &EdgeOrbits,
    target: &JointAction,
    oracle: &dyn ExactnessOracle,
    settings: SearchSettings<'_>,
) -> Result<SearchOutcome, SearchError> {
    search(orbits, target, oracle, settings, true, None)
}

/// [`search_optimal`] among covering patterns: the cheapest exact pattern
/// meeting every clause of `cover` (every input read, every output fed).
/// The cuts hold for every exact pattern; the search starts from
/// [`covering_connectivity_lower_bound`], proved for covering ones, so
/// `optimal` and `lower_bound` are claims about covering patterns.
pub fn search_optimal_covering(
    orbits: &EdgeOrbits,
    target: &JointAction,
    oracle: &dyn ExactnessOracle,
    settings: SearchSettings<'_>,
    cover: &Cover,
) -> Result<SearchOutcome, SearchError> {
    search(orbits, target, oracle, settings, true, Some(cover))
}

/// [`search_optimal`], starting from the proved [`connectivity_lower_bound`]
/// only if `connectivity_bound` (off only to cross-check that bound against
/// the cuts alone, in tests).
fn search(
    orbits: &EdgeOrbits,
    target: &JointAction,
    oracle: &dyn ExactnessOracle,
    settings: SearchSettings<'_>,
    connectivity_bound: bool,
    cover: Option<&Cover>,
) -> Result<SearchOutcome, SearchError> {
    let k = orbits.count();
    let (objective, solver_kind, room) = (settings.objective, settings.solver, settings.room);
    let weights = orbit_weights(orbits, objective);
    let total: u64 = weights.iter().sum();
    let stop = settings.stop;
    // Every cost is a multiple of the weights' gcd (4 for D4 on an even image).
    let step = weights
        .iter()
        .fold(0u64, |g, &w| num_integer::gcd(g, w))
        .max(1);
    let theory = connectivity_bound
        .then(|| {
            connectivity_bound_unless_stopped(
                target,
                orbits,
                settings.objective,
                cover.is_some(),
                stop,
            )
        })
        .flatten()
        .map(|bound| bound.div_ceil(step) * step);
    let progress = SearchProgress {
        best: total,
        ..SearchProgress::default()
    };
    if k == 0 {
        // No edges at all (an empty side): the empty pattern is all there is.
        let certificate = Certificate {
            cost: 0,
            lower_bound: 0,
            proof: BoundProof::NoEdges,
        };
        return Ok(outcome(Vec::new(), certificate, theory, progress));
    }
    let solver_proof = move |p: &SearchProgress| BoundProof::Solver {
        cuts: p.cuts,
        connectivity: theory,
    };
    let mut search = RefutationLoop::new(
        weights.clone(),
        settings,
        progress,
        BoundProof::Trivial,
        Some(Box::new(solver_proof)),
    )?;
    if k <= GROUPED_ORBITS {
        search.group_variables(&side_orbit_groups(target, orbits));
    }
    // The best exact pattern known: the dense design until a repair finds better.
    search.offer_incumbent(vec![true; k], total);
    // A layer needs at least one edge.
    search.add_clause(&(0..k).map(Lit::pos).collect::<Vec<_>>());
    if let Some(bound) = theory {
        search.raise_bound(bound, BoundProof::Connectivity)?;
    }
    let symmetries = symmetry::normalizing_symmetries(target, stop);
    let on_orbits = symmetry::EdgeOrbitAction::new(orbits);
    for clause in symmetry::breaking_clauses(&symmetries, &on_orbits, stop) {
        search.add_clause(&clause);
    }
    // The transpositions are tested for membership, for which a closure of
    // more than 2^20 entries builds its chain (D4 on 32 x 32 pooled to 1100
    // outputs: 4 s past --time-limit 5); built where a stop abandons it.
    // Stopped, the cuts are left out: they only shorten the search.
    let transpositions = if target.prepare_membership(stop) {
        side_transpositions(target)
    } else {
        Vec::new()
    };
    for t in transpositions {
        let moved = moved_orbits(&t, orbits);
        if !moved.is_empty() {
            search.add_cut(
                &moved
                    .iter()
                    .map(|&o| Lit::pos(o as usize))
                    .collect::<Vec<_>>(),
            );
        }
    }
    for clause in untouched_pair_clauses(target, orbits) {
        search.add_cut(&clause);
    }
    // Covering: one clause per input orbit and per output orbit. The dense
    // incumbent meets them all.
    for clause in cover.iter().flat_map(|c| c.solver_clauses()) {
        search.add_clause(&clause);
    }
    // An incumbent before the first solve: repair the empty pattern. When the
    // proved bound is tight (D4 on a 16x16 image: 72 parameters, 516 edges)
    // this ends the search with no solver call at all.
    // Where the connectivity theorem applies, start from a cheapest spanning
    // tree of the orbit graph instead (see [`super::spanning`]).
    // The path start's frontier (a heap entry per edge orbit, doubled as
    // it grows) was what aborted D4 on a 64 x 64 image under a 1.6 GB
    // address-space cap: check it fits. No room makes `stop` true, and the
    // search ends with the dense incumbent.
    let start_fits = room.is_none_or(|room| room(k as u128 * PATH_START_BYTES_PER_ORBIT));
    let graph = (theory.is_some() && start_fits).then(|| OrbitGraph::new(target, orbits));
    let start = graph
        .as_ref()
        .map_or_else(|| vec![false; k], |g| g.path_start(&weights, &orbits.sizes));
    let mut problem = ExactPatterns {
        orbits,
        target,
        oracle,
        weights: &weights,
        cover,
        graph: graph.as_ref(),
        symmetries: &symmetries,
        on_orbits: &on_orbits,
        stop,
    };
    // Without the connectivity bound, one solve between the repair and its
    // local search: its optimum under the cuts so far is a proved bound, and
    // the local search stops as soon as it meets it. On D4 over 32 x 32
    // pooled (136 orbits) the untouched-pair cuts give the optimum, 1016
    // edges, at once, where the local search alone spent the whole minute
    // in 18000 oracle calls. The repair comes first so that a solve cut
    // short by --time-limit still leaves a repaired incumbent: on a graph
    // layer with |G| = 8 and 1767 orbits (tests/data/graph-45-twins.edges)
    // the first solve under the edges objective runs past a minute, and the
    // layer written was the dense one, 2025 edges, where the repair gives 44
    // (54 with --cover). (Where the bound applies the orbits can number
    // millions, and the incumbent usually meets it with no solve at all.)
    let incumbent = if theory.is_none() && k <= PRESOLVE_ORBITS {
        if objective == Objective::Edges && cover.is_some() {
            if let Some((chosen, cost)) =
                parameters_seed(orbits, target, oracle, solver_kind, room, cover, stop)?
            {
                search.offer_incumbent(chosen, cost);
            }
        }
        let repaired = repair_and_thin(
            orbits,
            &weights,
            oracle,
            &start,
            None,
            0,
            cover,
            problem.graph,
            stop,
        )?;
        if let Some((chosen, cost)) = &repaired {
            search.offer_incumbent(chosen.clone(), *cost);
        }
        search.presolve()?;
        let floor = search.progress().bound;
        repaired
            .map(|r| {
                improve_by_exchange(
                    orbits,
                    &weights,
                    oracle,
                    r,
                    floor,
                    cover,
                    problem.graph,
                    stop,
                )
            })
            .transpose()?
    } else {
        problem.incumbent(&start, 0, search.progress())?
    };
    if let Some((chosen, cost)) = incumbent {
        search.offer_incumbent(chosen, cost);
    }
    let ending = search.run(&mut problem)?;
    // The dense incumbent was offered first, so there always is a best pattern.
    let (chosen, cost) = ending
        .best
        .clone()
        .expect("the dense design is an incumbent from the start");
    let certificate = ending.certificate(cost);
    Ok(outcome(chosen, certificate, theory, ending.progress))
}

/// The search's outcome from the loop's result.
fn outcome(
    chosen: Vec<bool>,
    certificate: Certificate<BoundProof>,
    connectivity_bound: Option<u64>,
    progress: SearchProgress,
) -> SearchOutcome {
    SearchOutcome {
        chosen,
        cost: certificate.cost,
        optimal: certificate.optimal(),
        connectivity_bound,
        lower_bound: certificate.lower_bound,
        proof: certificate.proof,
        progress,
    }
}

/// The optimal design's problem for the loop: a proposal is a set of edge
/// orbits, accepted when the oracle finds its pattern exact; each witness
/// becomes the cut "some orbit it moves is chosen", multiplied by the
/// normalising symmetries.
struct ExactPatterns<'a> {
    orbits: &'a EdgeOrbits,
    target: &'a JointAction,
    oracle: &'a dyn ExactnessOracle,
    weights: &'a [u64],
    cover: Option<&'a Cover>,
    graph: Option<&'a OrbitGraph>,
    symmetries: &'a symmetry::PointSymmetries,
    on_orbits: &'a symmetry::EdgeOrbitAction<'a>,
    stop: &'a dyn Fn() -> bool,
}

impl ExactPatterns<'_> {
    /// [`incumbent_from`] with this problem's settings.
    fn incumbent(
        &self,
        start: &[bool],
        seed: u64,
        progress: &SearchProgress,
    ) -> Result<Option<(Vec<bool>, u64)>, SearchError> {
        incumbent_from(
            self.orbits,
            self.weights,
            self.oracle,
            start,
            seed,
            progress,
            self.cover,
            self.graph,
            self.stop,
        )
    }
}

impl Refutable for ExactPatterns<'_> {
    type Refutation = Vec<Perm>;

    fn check(&mut self, chosen: &[bool]) -> Result<Verdict<Vec<Perm>>, SearchError> {
        match self.oracle.check_chosen(self.orbits, chosen) {
            Ok(Check::Exact) => Ok(Verdict::Accepted),
            Ok(Check::Witnesses(witnesses)) => Ok(Verdict::Refuted(witnesses)),
            Err(OracleError::Stopped) => Ok(Verdict::Stopped),
            Err(e) => Err(e.into()),
        }
    }

    /// Repairs the first proposal and then every 2^j-th, for an incumbent.
    fn incumbent_after(
        &mut self,
        chosen: &[bool],
        _witnesses: &Vec<Perm>,
        progress: &SearchProgress,
    ) -> Result<Option<(Vec<bool>, u64)>, SearchError> {
        if !progress.iterations.is_power_of_two() {
            return Ok(None);
        }
        self.incumbent(chosen, progress.iterations, progress)
    }

    fn cuts(
        &mut self,
        chosen: &[bool],
        witnesses: &Vec<Perm>,
    ) -> Result<Vec<Vec<Lit>>, SearchError> {
        // Each witness's cut is false for this proposal, so any of them suffices.
        // Only large problems cap them: on S_8 acting on 3-tensors (202
        // orbits) the cap cost the proof (bound 1016 of 1296 in 60 s).
        let most = if self.orbits.count() <= FEW_ORBITS {
            witnesses.len()
        } else {
            MAX_WITNESS_CUTS
        };
        let witnesses = &witnesses[..witnesses.len().min(most)];
        let images_each = (cut_image_budget(self.orbits.count()) / witnesses.len()).max(1);
        let mut cuts = Vec::new();
        for pi in witnesses {
            if (self.stop)() {
                // The loop stops after this call; the cuts so far are valid.
                break;
            }
            let moved = moved_orbits(pi, self.orbits);
            if moved.iter().any(|&o| chosen[o as usize]) {
                return Err(SearchError::Inconsistent(format!(
                    "witness {pi} moves a chosen orbit, so it is no automorphism"
                )));
            }
            if moved.is_empty() {
                return Err(SearchError::Inconsistent(format!(
                    "witness {pi} fixes every edge orbit, so it lies in the closure"
                )));
            }
            let (pi, moved) = sharpened_witness(pi, moved, self.target, self.orbits);
            let pi = &pi;
            // A witness normalising the target maps cuts to cuts as well.
            let extra: Vec<Perm> = if symmetry::normalizes(pi, self.target) {
                vec![pi.clone(), pi.inverse()]
            } else {
                Vec::new()
            };
            let images = symmetry::cut_images(
                &moved,
                self.symmetries,
                &extra,
                self.on_orbits,
                images_each,
                CUT_IMAGE_WORK,
            );
            cuts.extend(
                images
                    .iter()
                    .map(|image| image.iter().map(|&o| Lit::pos(o as usize)).collect()),
            );
        }
        Ok(cuts)
    }

    fn infeasible(&self) -> SearchError {
        SearchError::Inconsistent("the cuts exclude the dense design, which is exact".into())
    }
}

/// The cheapest exact pattern by trying every non-empty subset of orbits
/// in order of cost (ties by subset bitmask); `None` if no subset is exact.
/// For cross-checking on at most 20 orbits (feature `internal-testing`).
#[cfg(any(test, feature = "internal-testing"))]
pub fn exhaustive_minimum(
    orbits: &EdgeOrbits,
    oracle: &dyn ExactnessOracle,
    objective: Objective,
) -> Result<Option<(Vec<bool>, u64)>, OracleError> {
    exhaustive_minimum_covering(orbits, oracle, objective, None)
}

/// [`exhaustive_minimum`] among the subsets meeting every clause of `cover` (when given).
#[cfg(any(test, feature = "internal-testing"))]
pub fn exhaustive_minimum_covering(
    orbits: &EdgeOrbits,
    oracle: &dyn ExactnessOracle,
    objective: Objective,
    cover: Option<&Cover>,
) -> Result<Option<(Vec<bool>, u64)>, OracleError> {
    let k = orbits.count();
    assert!(k <= 20, "exhaustive search over {k} orbits is too large");
    // Every subset costs at most the total, so "cheaper than total + 1" is all of them.
    let all = orbit_weights(orbits, objective).iter().sum::<u64>() + 1;
    let admissible = |chosen: &[bool]| cover.is_none_or(|c| c.is_covered_by(chosen));
    let never = || false;
    let found = super::exhaustive::cheaper_exact_pattern(
        orbits,
        oracle,
        objective,
        all,
        &admissible,
        &never,
    )?;
    Ok(match found {
        super::exhaustive::Enumeration::Cheaper { chosen, cost } => Some((chosen, cost)),
        super::exhaustive::Enumeration::NoneCheaper { .. } => None,
        super::exhaustive::Enumeration::TooMany { subsets } => {
            unreachable!("{k} <= 20 orbits have {subsets} > 2^20 - 1 non-empty subsets")
        }
        super::exhaustive::Enumeration::Stopped { .. } => {
            unreachable!("the stop condition is never true")
        }
    })
}

#[cfg(test)]
#[path = "optimal_tests.rs"]
mod tests;
