//! Every proved bound and every `optimal: true` against exhaustive enumeration, on 600 seeded group actions that nobody planted.
//!
//! Each case draws a group on 4 to 10 points (1 to 3 random permutations
//! of several kinds) and lets it act on the inputs and, independently, on
//! the outputs: on the points, on ordered and unordered pairs, on the
//! cosets of a random subgroup, trivially (pooling), by the sign, on
//! products and on disjoint unions. Cases with more than 16 edge orbits are
//! skipped. For each, and for both objectives, the exhaustive minimum is
//! computed over all orbit subsets in order of cost, and certified by the
//! code in [`independent`], which shares nothing with paramshare:
//!
//! - every subset cheaper than the minimum is refuted by an automorphism
//!   that the suite checks itself (it keeps every colour and lies outside
//!   the target group, by the suite's own Schreier-Sims); paramshare's
//!   verifier only proposes it, so its errors cannot hide;
//! - the minimum itself, and the closure when no pattern is exact, are
//!   decided by the suite's own automorphism search.
//!
//! Against that truth every claim is checked: the optimal design's cost
//! when `optimal: true` (both objectives; both solver backends on every
//! fourth case), its `lower_bound` (never above the minimum, equal to the
//! cost iff `optimal`), the connectivity bound on its own, and the sparse
//! design's |H| and bound against a brute-force smallest symmetric
//! generating set. The same for `--cover` (every input read, every output
//! fed): the exhaustive minimum over covering subsets, against it the
//! covering bound on its own and the covering design. The tally at the end says how many cases exercised each
//! proof, and the test fails if any proof was exercised too rarely to mean
//! anything.
mod independent;
#[path = "../support/oracles.rs"]
mod oracles;

use independent::{
    edge_orbits, element_order, exactness, inverse, is_identity, smallest_symmetric_generating_set,
    then, Chain, Exactness, Images, Pattern,
};
use paramshare::action::{GeneratorPair, JointAction};
use paramshare::design::connectivity::{
    connectivity_lower_bound, covering_connectivity_lower_bound,
};
use paramshare::design::optimal::{SearchProgress, SearchSettings};
use paramshare::design::{design_layer, DesignOptions, Method, Objective};
use paramshare::instance::Instance;
use paramshare::layer::Tying;
use paramshare::perm::Perm;
use paramshare::solve::SolverKind;
use paramshare::verify::verify_exact;
use rand::rngs::ChaCha8Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Cases drawn (those with too many orbits are redrawn from the next seed).
const CASES: usize = 600;
const MAX_ORBITS: usize = 16;
/// Largest side: keeps the suite's own automorphism search quick.
const MAX_SIDE: usize = 60;
/// Groups up to this order get a brute-force smallest generating set.
const BRUTE_FORCE_GENERATING_ORDER: u128 = 96;

/// How a side is acted on, given the group's permutations of its points.
#[derive(Clone, Debug)]
enum SideAction {
    Points,
    OrderedPairs,
    UnorderedPairs,
    /// Right cosets Hx of a subgroup, numbered; `table[g][c]` is coset c times generator g.
    Cosets(Vec<Images>),
    Trivial(usize),
    Sign,
    Product(Box<SideAction>, Box<SideAction>),
    Union(Box<SideAction>, Box<SideAction>),
}

impl SideAction {
    fn name(&self) -> String {
        match self {
            SideAction::Points => "points".into(),
            SideAction::OrderedPairs => "ordered-pairs".into(),
            SideAction::UnorderedPairs => "pairs".into(),
            SideAction::Cosets(t) => format!("cosets{}", t[0].len()),
            SideAction::Trivial(k) => format!("trivial{k}"),
            SideAction::Sign => "sign".into(),
            SideAction::Product(a, b) => format!("{}x{}", a.name(), b.name()),
            SideAction::Union(a, b) => format!("{}+{}", a.name(), b.name()),
        }
    }

    /// The permutation generator `index` (a permutation `g` of `d` points) induces.
    fn apply(&self, g: &Images, index: usize, d: usize) -> Images {
        match self {
            SideAction::Points => g.clone(),
            SideAction::OrderedPairs => {
                let pairs: Vec<(usize, usize)> = (0..d)
                    .flat_map(|a| (0..d).filter(move |&b| b != a).map(move |b| (a, b)))
                    .collect();
                let at: HashMap<(usize, usize), u32> = pairs
                    .iter()
                    .enumerate()
                    .map(|(i, &p)| (p, i as u32))
                    .collect();
                pairs
                    .iter()
                    .map(|&(a, b)| at[&(g[a] as usize, g[b] as usize)])
                    .collect()
            }
            SideAction::UnorderedPairs => {
                let pairs: Vec<(usize, usize)> = (0..d)
                    .flat_map(|a| (a + 1..d).map(move |b| (a, b)))
                    .collect();
                let at: HashMap<(usize, usize), u32> = pairs
                    .iter()
                    .enumerate()
                    .map(|(i, &p)| (p, i as u32))
                    .collect();
                pairs
                    .iter()
                    .map(|&(a, b)| {
                        let (x, y) = (g[a] as usize, g[b] as usize);
                        at[&(x.min(y), x.max(y))]
                    })
                    .collect()
            }
            SideAction::Cosets(table) => table[index].clone(),
            SideAction::Trivial(k) => (0..*k as u32).collect(),
            SideAction::Sign => {
                let odd = (element_parity(g)) == 1;
                if odd {
                    vec![1, 0]
                } else {
                    vec![0, 1]
                }
            }
            SideAction::Product(a, b) => {
                let (pa, pb) = (a.apply(g, index, d), b.apply(g, index, d));
                let nb = pb.len() as u32;
                (0..pa.len() * pb.len())
                    .map(|i| pa[i / nb as usize] * nb + pb[i % nb as usize])
                    .collect()
            }
            SideAction::Union(a, b) => {
                let (pa, pb) = (a.apply(g, index, d), b.apply(g, index, d));
                let offset = pa.len() as u32;
                pa.iter()
                    .copied()
                    .chain(pb.iter().map(|&x| x + offset))
                    .collect()
            }
        }
    }
}

/// 1 for an odd permutation, 0 for an even one.
fn element_parity(g: &Images) -> usize {
    let mut seen = vec![false; g.len()];
    let mut transpositions = 0;
    for s in 0..g.len() {
        let mut len = 0;
        let mut x = s;
        while !seen[x] {
            seen[x] = true;
            x = g[x] as usize;
            len += 1;
        }
        transpositions += len.max(1) - 1;
    }
    transpositions % 2
}

/// One random permutation of `d` points, of a randomly chosen kind, so
/// that the groups range from cyclic and dihedral to wreath products and
/// the full symmetric group.
fn random_point_permutation(rng: &mut ChaCha8Rng, d: usize) -> Images {
    let mut p: Vec<u32> = (0..d as u32).collect();
    match rng.random_range(0..5) {
        // uniform
        0 => p.shuffle(rng),
        // one long cycle through a random subset
        1 => {
            let len = rng.random_range(2..=d);
            let mut points: Vec<u32> = (0..d as u32).collect();
            points.shuffle(rng);
            for i in 0..len {
                p[points[i] as usize] = points[(i + 1) % len];
            }
        }
        // disjoint transpositions
        2 => {
            let mut points: Vec<u32> = (0..d as u32).collect();
            points.shuffle(rng);
            let k = rng.random_range(1..=d / 2);
            for i in 0..k {
                let (a, b) = (points[2 * i], points[2 * i + 1]);
                p[a as usize] = b;
                p[b as usize] = a;
            }
        }
        // preserves blocks of consecutive points
        3 => {
            let sizes: Vec<usize> = (2..d).filter(|s| d.is_multiple_of(*s)).collect();
            if let Some(&s) = sizes.choose(rng) {
                let mut blocks: Vec<usize> = (0..d / s).collect();
                blocks.shuffle(rng);
                for (from, &to) in blocks.iter().enumerate() {
                    let mut inside: Vec<usize> = (0..s).collect();
                    if rng.random_bool(0.5) {
                        inside.shuffle(rng);
                    }
                    for (i, &j) in inside.iter().enumerate() {
                        p[from * s + i] = (to * s + j) as u32;
                    }
                }
            } else {
                p.shuffle(rng);
            }
        }
        // moves only a random subset, fixing the rest
        _ => {
            let mut points: Vec<u32> = (0..d as u32).collect();
            points.shuffle(rng);
            let k = rng.random_range(2..=d.max(2));
            let mut moved = points[..k].to_vec();
            moved.shuffle(rng);
            for i in 0..k {
                p[points[i] as usize] = moved[i];
            }
        }
    }
    p
}

/// Generators of a random group on `d` points: half the time 1 to 3
/// random permutations of the kinds above (mostly large groups), a quarter
/// an abelian group (powers of the cycles of one random partition), a
/// quarter a dihedral group on a random subset (small groups, often with
/// regular orbits on pairs and cosets).
fn random_group(rng: &mut ChaCha8Rng, d: usize) -> (usize, Vec<Images>) {
    let mut points: Vec<usize> = (0..d).collect();
    points.shuffle(rng);
    match rng.random_range(0..4) {
        0 | 1 => {
            let k = rng.random_range(1..=3);
            (
                k,
                (0..k).map(|_| random_point_permutation(rng, d)).collect(),
            )
        }
        2 => {
            // Blocks of the partition are consecutive runs of `points`.
            let mut blocks: Vec<Vec<usize>> = Vec::new();
            let mut rest = &points[..];
            while !rest.is_empty() {
                let len = rng.random_range(1..=rest.len().min(5));
                blocks.push(rest[..len].to_vec());
                rest = &rest[len..];
            }
            let k = rng.random_range(1..=2);
            let gens = (0..k)
                .map(|_| {
                    let mut p: Vec<u32> = (0..d as u32).collect();
                    for b in &blocks {
                        let shift = rng.random_range(0..b.len());
                        for (i, &x) in b.iter().enumerate() {
                            p[x] = b[(i + shift) % b.len()] as u32;
                        }
                    }
                    p
                })
                .collect();
            (k, gens)
        }
        _ => {
            let len = rng.random_range(3..=d);
            let cycle = &points[..len];
            let mut turn: Vec<u32> = (0..d as u32).collect();
            let mut mirror = turn.clone();
            for i in 0..len {
                turn[cycle[i]] = cycle[(i + 1) % len] as u32;
                mirror[cycle[i]] = cycle[(len - i) % len] as u32;
            }
            (2, vec![turn, mirror])
        }
    }
}

/// The action on the right cosets of a random subgroup, as one table per
/// generator; `None` when the group is too large to list or the index is
/// outside 2..=40.
fn coset_action(rng: &mut ChaCha8Rng, d: usize, gens: &[Images]) -> Option<SideAction> {
    let group = Chain::new(d, gens, &[]);
    let elements = group.elements(3000)?;
    // One time in three the trivial subgroup: the regular action.
    let h_gens: Vec<Images> = (0..rng.random_range(0..=2))
        .map(|_| elements[rng.random_range(0..elements.len())].clone())
        .collect();
    let subgroup = Chain::new(d, &h_gens, &[]).elements(3000)?;
    let index = elements.len() / subgroup.len();
    if !(2..=40).contains(&index) {
        return None;
    }
    // Coset Hx, keyed by its smallest element.
    let key = |x: &Images| {
        subgroup
            .iter()
            .map(|h| then(h, x))
            .min()
            .expect("H is not empty")
    };
    let mut number: HashMap<Images, u32> = HashMap::new();
    let mut representative: Vec<Images> = Vec::new();
    for x in &elements {
        let k = key(x);
        if let std::collections::hash_map::Entry::Vacant(slot) = number.entry(k) {
            slot.insert(representative.len() as u32);
            representative.push(x.clone());
        }
    }
    let table = gens
        .iter()
        .map(|g| {
            representative
                .iter()
                .map(|x| number[&key(&then(x, g))])
                .collect()
        })
        .collect();
    Some(SideAction::Cosets(table))
}

fn random_side(rng: &mut ChaCha8Rng, d: usize, gens: &[Images]) -> SideAction {
    loop {
        let action = match rng.random_range(0..12) {
            0 | 1 => SideAction::Points,
            2 => SideAction::OrderedPairs,
            3 | 4 => SideAction::UnorderedPairs,
            5 | 6 => match coset_action(rng, d, gens) {
                Some(a) => a,
                None => continue,
            },
            7 => SideAction::Trivial(1),
            8 => SideAction::Trivial(2),
            9 => SideAction::Product(Box::new(SideAction::Points), Box::new(SideAction::Sign)),
            10 => SideAction::Union(
                Box::new(SideAction::Points),
                Box::new(SideAction::Trivial(1)),
            ),
            _ => SideAction::Union(Box::new(SideAction::Sign), Box::new(SideAction::Points)),
        };
        return action;
    }
}

/// A drawn case: a joint action and its description.
struct Case {
    name: String,
    inputs: usize,
    outputs: usize,
    /// Joint permutations, inputs first.
    gens: Vec<Images>,
}

/// The joint generators (inputs first) of `point_gens` acting by `input`
/// and `output`, with the two side sizes.
fn joint_generators(
    input: &SideAction,
    output: &SideAction,
    point_gens: &[Images],
    d: usize,
) -> (usize, usize, Vec<Images>) {
    let side = |action: &SideAction| -> Vec<Images> {
        point_gens
            .iter()
            .enumerate()
            .map(|(i, g)| action.apply(g, i, d))
            .collect()
    };
    let (ins, outs) = (side(input), side(output));
    let (n, m) = (ins[0].len(), outs[0].len());
    let joint = ins
        .iter()
        .zip(&outs)
        .map(|(a, b)| {
            a.iter()
                .copied()
                .chain(b.iter().map(|&x| x + n as u32))
                .collect()
        })
        .collect();
    (n, m, joint)
}

/// Every case through [`check_case`] (in parallel), tallies summed.
fn check_all(cases: &[Case]) -> Tally {
    let mut total = Tally::new();
    for tally in cases
        .par_iter()
        .enumerate()
        .map(|(i, c)| check_case(i, c))
        .collect::<Vec<_>>()
    {
        for (k, v) in tally {
            *total.entry(k).or_default() += v;
        }
    }
    total
}

/// The case for `seed`, or `None` when it is outside the suite's limits.
fn draw(seed: u64) -> Option<Case> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let d = rng.random_range(4..=10);
    let (k, point_gens) = random_group(&mut rng, d);
    let input = random_side(&mut rng, d, &point_gens);
    // Two cases in three act differently on the outputs.
    let output = if rng.random_bool(1.0 / 3.0) {
        input.clone()
    } else {
        random_side(&mut rng, d, &point_gens)
    };
    let (n, m, gens) = joint_generators(&input, &output, &point_gens, d);
    if n > MAX_SIDE || m > MAX_SIDE {
        return None;
    }
    let (_, count) = edge_orbits(n, m, &gens);
    if count > MAX_ORBITS {
        return None;
    }
    Some(Case {
        name: format!(
            "seed {seed}: {k} gens on {d} points, {} -> {}",
            input.name(),
            output.name()
        ),
        inputs: n,
        outputs: m,
        gens,
    })
}

fn joint_action(case: &Case, gens: &[Images]) -> JointAction {
    let n = case.inputs;
    let pairs = gens
        .iter()
        .map(|g| GeneratorPair {
            input: Perm::from_images_unchecked(g[..n].to_vec()),
            output: Perm::from_images_unchecked(g[n..].iter().map(|&x| x - n as u32).collect()),
        })
        .collect();
    JointAction::new(n, case.outputs, pairs)
}

fn instance(case: &Case) -> Instance {
    let n = case.inputs;
    let gens: Vec<serde_json::Value> = case
        .gens
        .iter()
        .map(|g| {
            let out: Vec<u32> = g[n..].iter().map(|&x| x - n as u32).collect();
            serde_json::json!({ "input": &g[..n], "output": out })
        })
        .collect();
    let text = serde_json::json!({
        "name": "suite", "input_size": n, "output_size": case.outputs, "generators": gens
    });
    Instance::from_json_str(&text.to_string()).expect("the suite writes valid instances")
}

/// The truth about one case, from the suite's own code.
struct Truth {
    /// Generators of the target: G, or its closure when no pattern is exact.
    target: Vec<Images>,
    closure_is_larger: bool,
    sizes: Vec<u64>,
    /// Exhaustive minimum (cost) for parameters and for edges.
    parameters: u64,
    edges: u64,
    /// The same among covering subsets (`--cover`).
    cover_parameters: u64,
    cover_edges: u64,
}

fn pattern_of(case: &Case, orbit_of: &[u32], mask: u32) -> Pattern {
    Pattern {
        inputs: case.inputs,
        outputs: case.outputs,
        colour: orbit_of
            .iter()
            .map(|&o| if mask >> o & 1 == 1 { o as i32 } else { -1 })
            .collect(),
    }
}

/// The covering condition (`--cover`) as the suite states it: for every
/// input, the set of edge orbits with an edge in its column, and for every
/// output, those in its row, as bit masks. A union of orbits covers (every
/// input read, every output fed) iff it meets each mask.
fn cover_masks(case: &Case, orbit_of: &[u32]) -> Vec<u32> {
    let (n, m) = (case.inputs, case.outputs);
    let column = |i: usize| (0..m).fold(0u32, |acc, r| acc | 1 << orbit_of[r * n + i]);
    let row = |r: usize| (0..n).fold(0u32, |acc, i| acc | 1 << orbit_of[r * n + i]);
    let mut masks: Vec<u32> = (0..n).map(column).chain((0..m).map(row)).collect();
    masks.sort_unstable();
    masks.dedup();
    masks
}

/// Which subsets [`exhaustive_minimum`] ranges over.
struct Range<'a> {
    /// Subsets cheaper than this are skipped (already refuted by an earlier run).
    from_cost: u64,
    /// When given, only subsets meeting every mask (covering ones).
    cover: Option<&'a [u32]>,
}

/// Cheapest exact subset under `weights` within `range`, certified as the module docs say.
fn exhaustive_minimum(
    case: &Case,
    truth_target: &[Images],
    target_chain: &Chain,
    target_action: &JointAction,
    orbit_of: &[u32],
    weights: &[u64],
    range: Range,
) -> u64 {
    let k = weights.len();
    let mut subsets: Vec<(u64, u32)> = (1u32..1 << k)
        .filter(|&mask| {
            range
                .cover
                .is_none_or(|masks| masks.iter().all(|&c| c & mask != 0))
        })
        .map(|mask| {
            let cost = (0..k)
                .filter(|&o| mask >> o & 1 == 1)
                .map(|o| weights[o])
                .sum();
            (cost, mask)
        })
        .filter(|&(cost, _)| cost >= range.from_cost)
        .collect();
    subsets.sort_unstable();
    for (cost, mask) in subsets {
        let pattern = pattern_of(case, orbit_of, mask);
        let tying = Tying {
            rows: case.outputs,
            cols: case.inputs,
            data: pattern.colour.clone(),
        };
        let verdict = verify_exact(&tying, target_action).expect("shapes match");
        if verdict.is_exact() {
            // The suite decides exactness itself; the verifier only proposed it.
            match exactness(&pattern, truth_target, false) {
                Exactness::Exact => return cost,
                Exactness::Larger(w) => panic!(
                    "{}: paramshare's verifier calls subset {mask:#b} exact, but {:?} is an \
                     automorphism outside the target",
                    case.name, w[0]
                ),
            }
        }
        let witness: Images = verdict
            .generators
            .iter()
            .map(|g| g.images().to_vec())
            .find(|g| !target_chain.contains(g))
            .unwrap_or_else(|| {
                panic!(
                    "{}: the verifier calls subset {mask:#b} not exact, with no generator outside the target",
                    case.name
                )
            });
        assert!(
            pattern.preserved_by(&witness),
            "{}: the verifier's witness for subset {mask:#b} is no automorphism",
            case.name
        );
    }
    panic!(
        "{}: no subset is exact for the target, not even all orbits",
        case.name
    )
}

fn truth(case: &Case) -> Truth {
    let degree = case.inputs + case.outputs;
    let (orbit_of, count) = edge_orbits(case.inputs, case.outputs, &case.gens);
    let mut sizes = vec![0u64; count];
    for &o in &orbit_of {
        sizes[o as usize] += 1;
    }
    let dense = pattern_of(case, &orbit_of, (1u32 << count) - 1);
    let (target, closure_is_larger) = match exactness(&dense, &case.gens, true) {
        Exactness::Exact => (case.gens.clone(), false),
        Exactness::Larger(extra) => {
            let mut all = case.gens.clone();
            all.extend(extra);
            (all, true)
        }
    };
    let target_chain = Chain::new(degree, &target, &[]);
    let target_action = joint_action(case, &target);
    let minimum = |weights: &[u64], range: Range| {
        exhaustive_minimum(
            case,
            &target,
            &target_chain,
            &target_action,
            &orbit_of,
            weights,
            range,
        )
    };
    let everything = |from_cost| Range {
        from_cost,
        cover: None,
    };
    let ones = vec![1; count];
    let parameters = minimum(&ones, everything(0));
    let edges = minimum(&sizes, everything(0));
    // Every subset cheaper than the minimum is refuted already, covering or not.
    let cover = cover_masks(case, &orbit_of);
    let covering = |from_cost| Range {
        from_cost,
        cover: Some(&cover),
    };
    let cover_parameters = minimum(&ones, covering(parameters));
    let cover_edges = minimum(&sizes, covering(edges));
    Truth {
        target,
        closure_is_larger,
        sizes,
        parameters,
        edges,
        cover_parameters,
        cover_edges,
    }
}

/// What one case exercised, for the tally.
type Tally = BTreeMap<String, usize>;

fn bump(tally: &mut Tally, key: impl Into<String>) {
    *tally.entry(key.into()).or_default() += 1;
}

/// The proof family of a layer's `proof` string.
fn proof_kind(proof: &str) -> &'static str {
    if proof.starts_with("connectivity bound") {
        "connectivity bound"
    } else if proof.starts_with("solver") && proof.contains("connectivity bound") {
        "solver over the connectivity bound"
    } else if proof.starts_with("solver") {
        "solver"
    } else if proof.starts_with("group-theoretic") {
        "group-theoretic"
    } else {
        "other"
    }
}

fn check_case(index: usize, case: &Case) -> Tally {
    let mut tally = Tally::new();
    let truth = truth(case);
    let inst = instance(case);
    let action = inst.action();
    let g_chain = Chain::new(case.inputs + case.outputs, &case.gens, &[]);
    assert_eq!(
        action.order().to_string(),
        g_chain.order().to_string(),
        "{}: group order",
        case.name
    );
    bump(&mut tally, "cases");
    if truth.closure_is_larger {
        bump(&mut tally, "no exact pattern (closure is the target)");
    }
    if case.inputs != case.outputs || {
        let n = case.inputs;
        case.gens
            .iter()
            .any(|g| g[..n].iter().zip(&g[n..]).any(|(&a, &b)| a + n as u32 != b))
    } {
        bump(&mut tally, "inputs and outputs acted on differently");
    }
    // The connectivity bound on its own, against both exhaustive minima.
    let target_action = joint_action(case, &truth.target);
    let orbits = target_action.edge_orbits();
    assert_eq!(
        orbits.count(),
        truth.sizes.len(),
        "{}: orbit count",
        case.name
    );
    for (objective, minimum) in [
        (Objective::Parameters, truth.parameters),
        (Objective::Edges, truth.edges),
    ] {
        if let Some(bound) = connectivity_lower_bound(&target_action, &orbits, objective) {
            assert!(
                bound <= minimum,
                "{}: connectivity bound {bound} > exhaustive minimum {minimum} ({objective:?})",
                case.name
            );
            bump(
                &mut tally,
                format!("connectivity bound applies ({})", objective.name()),
            );
            if bound == minimum {
                bump(
                    &mut tally,
                    format!("connectivity bound tight ({})", objective.name()),
                );
            }
        }
    }
    // The covering bound on its own, against both covering minima.
    for (objective, minimum, uncovered) in [
        (
            Objective::Parameters,
            truth.cover_parameters,
            truth.parameters,
        ),
        (Objective::Edges, truth.cover_edges, truth.edges),
    ] {
        let name = objective.name();
        if minimum > uncovered {
            bump(
                &mut tally,
                format!("covering minimum above the exact minimum ({name})"),
            );
        }
        if let Some(bound) = covering_connectivity_lower_bound(&target_action, &orbits, objective) {
            assert!(
                bound <= minimum,
                "{}: covering bound {bound} > exhaustive covering minimum {minimum} ({name})",
                case.name
            );
            bump(&mut tally, format!("covering bound applies ({name})"));
            if bound > connectivity_lower_bound(&target_action, &orbits, objective).unwrap_or(0) {
                bump(
                    &mut tally,
                    format!("covering bound above the connectivity bound ({name})"),
                );
            }
            if bound == minimum && minimum > uncovered {
                bump(
                    &mut tally,
                    format!("covering bound tight where covering costs more ({name})"),
                );
            }
        }
    }
    // The optimal design, both objectives; both backends on every fourth
    // case; then the covering design, both backends on every eighth.
    check_optimal_designs(
        case,
        &inst,
        &action,
        &truth,
        false,
        index.is_multiple_of(4),
        &mut tally,
    );
    check_optimal_designs(
        case,
        &inst,
        &action,
        &truth,
        true,
        index.is_multiple_of(8),
        &mut tally,
    );
    check_sparse(case, &action, &g_chain, &mut tally);
    tally
}

/// The optimal design of both objectives (with `--cover` when `cover`)
/// against the exhaustive minima: proved, at the minimum, exact by the
/// suite's search, and covering when asked (counted from its tying).
fn check_optimal_designs(
    case: &Case,
    inst: &Instance,
    action: &JointAction,
    truth: &Truth,
    cover: bool,
    both_backends: bool,
    tally: &mut Tally,
) {
    let solvers: &[SolverKind] = if both_backends {
        &[SolverKind::Sat, SolverKind::Ilp]
    } else {
        &[SolverKind::Sat]
    };
    let minima = if cover {
        [
            (Objective::Parameters, truth.cover_parameters),
            (Objective::Edges, truth.cover_edges),
        ]
    } else {
        [
            (Objective::Parameters, truth.parameters),
            (Objective::Edges, truth.edges),
        ]
    };
    let flag = if cover { " --cover" } else { "" };
    for &solver in solvers {
        for (objective, minimum) in minima {
            let mut options = DesignOptions::new(Method::Optimal);
            options.objective = objective;
            options.solver = solver;
            options.cover = cover;
            let layer = design_layer(inst, action, &options).expect("design");
            let cost = match objective {
                Objective::Parameters => layer.parameters as u64,
                Objective::Edges => layer.edges,
            };
            let bound = layer.lower_bound.expect("optimal layers carry lower_bound");
            let proof = layer.proof.clone().expect("optimal layers carry proof");
            let what = format!("{}{flag} ({solver}, {})", case.name, objective.name());
            assert!(
                bound <= minimum,
                "{what}: lower_bound {bound} > true minimum {minimum} ({proof})"
            );
            assert_eq!(
                layer.optimal,
                Some(bound == cost),
                "{what}: optimal iff bound = cost"
            );
            assert_eq!(
                layer.optimal,
                Some(true),
                "{what}: an unlimited search ended unproved"
            );
            assert_eq!(
                cost, minimum,
                "{what}: claimed optimum {cost} ({proof}), true minimum {minimum}"
            );
            assert_eq!(layer.exact, Some(!truth.closure_is_larger), "{what}: exact");
            let (n, m) = (case.inputs, case.outputs);
            let data = &layer.tying.data;
            if cover {
                // Covering, counted by the suite from the tying matrix.
                let unread = (0..n)
                    .filter(|&i| (0..m).all(|r| data[r * n + i] < 0))
                    .count();
                let dead = (0..m)
                    .filter(|&r| data[r * n..(r + 1) * n].iter().all(|&x| x < 0))
                    .count();
                assert_eq!(
                    (unread, dead),
                    (0, 0),
                    "{what}: unread inputs, dead outputs"
                );
            }
            // The layer's own pattern reaches the target, by the suite's search.
            let pattern = Pattern {
                inputs: n,
                outputs: m,
                colour: data.clone(),
            };
            assert!(
                truth.target.iter().all(|g| pattern.preserved_by(g)),
                "{what}: the layer is not invariant under the target"
            );
            assert!(
                matches!(exactness(&pattern, &truth.target, false), Exactness::Exact),
                "{what}: the layer's automorphism group is larger than the target"
            );
            bump(
                tally,
                format!("optimal{flag} {}: {}", objective.name(), proof_kind(&proof)),
            );
        }
    }
}

/// The sparse design's generating set against brute force.
fn check_sparse(case: &Case, action: &JointAction, g_chain: &Chain, tally: &mut Tally) {
    let degree = case.inputs + case.outputs;
    let mut ignore = |_: &SearchProgress| {};
    let found = paramshare::design::sparse::minimum_generating_set(
        action,
        &action.edge_orbits(),
        SearchSettings {
            objective: Objective::Parameters,
            solver: SolverKind::Sat,
            stop: &|| false,
            progress: &mut ignore,
            room: None,
        },
    )
    .expect("generating-set search");
    let h: Vec<Images> = found.elements.iter().map(|g| g.images().to_vec()).collect();
    assert!(
        h.iter().all(|g| !is_identity(g)),
        "{}: H holds the identity",
        case.name
    );
    assert!(
        h.iter().all(|g| h.contains(&inverse(g))),
        "{}: H is not closed under inverses",
        case.name
    );
    assert_eq!(
        Chain::new(degree, &h, &[]).order(),
        g_chain.order(),
        "{}: H does not generate G",
        case.name
    );
    let size = h.len() as u64;
    assert!(found.lower_bound <= size, "{}: bound above |H|", case.name);
    assert_eq!(
        found.optimal,
        found.lower_bound == size,
        "{}: sparse optimal iff bound = |H|",
        case.name
    );
    if g_chain.order() <= BRUTE_FORCE_GENERATING_ORDER {
        let elements = g_chain
            .elements(BRUTE_FORCE_GENERATING_ORDER)
            .expect("small");
        let truth = smallest_symmetric_generating_set(degree, &elements, g_chain.order(), 6)
            .expect("a group of order <= 96 has a symmetric generating set of at most 6");
        assert!(
            found.lower_bound <= truth as u64,
            "{}: sparse lower bound {} > true smallest {truth} ({})",
            case.name,
            found.lower_bound,
            found.proof
        );
        assert!(
            found.optimal,
            "{}: sparse search on a listed group ended unproved",
            case.name
        );
        assert_eq!(
            size, truth as u64,
            "{}: |H| = {size}, true smallest {truth}",
            case.name
        );
        bump(
            tally,
            format!("sparse |H| brute-forced: {}", proof_kind(&found.proof)),
        );
    } else {
        // Larger groups: the bound's claim "nothing smaller" is checked
        // where it is cheap: no single element generates a group of order
        // above 2, and a claimed 3 means no element of order |G| exists.
        let order = g_chain.order();
        if found.lower_bound >= 3 {
            if let Some(elements) = g_chain.elements(20_000) {
                assert!(
                    elements.iter().all(|g| element_order(g) < order),
                    "{}: bound {} but G is cyclic",
                    case.name,
                    found.lower_bound
                );
            }
        }
        bump(
            tally,
            format!("sparse |H| large group: {}", proof_kind(&found.proof)),
        );
        if !found.listed {
            bump(
                tally,
                format!("sparse |H| unlisted group: {}", proof_kind(&found.proof)),
            );
        }
    }
}

#[test]
fn every_bound_and_every_optimum_matches_exhaustive_search() {
    // Seeds are drawn in order until CASES cases fit the limits.
    let mut cases = Vec::new();
    let mut seed = 0u64;
    while cases.len() < CASES {
        if let Some(c) = draw(seed) {
            cases.push(c);
        }
        seed += 1;
    }
    let total = check_all(&cases);
    eprintln!(
        "optimality suite: {} cases from {} seeds",
        cases.len(),
        seed
    );
    for (k, v) in &total {
        eprintln!("  {v:5}  {k}");
    }
    // Every proof that can end a search with `optimal: true` was exercised
    // often enough to mean something.
    let at_least = |key: &str, min: usize| {
        let got = total.get(key).copied().unwrap_or(0);
        assert!(
            got >= min,
            "only {got} cases exercised \"{key}\" (want {min})"
        );
    };
    at_least("cases", CASES);
    at_least("inputs and outputs acted on differently", 300);
    at_least("no exact pattern (closure is the target)", 20);
    for objective in ["parameters", "edges"] {
        at_least(&format!("connectivity bound applies ({objective})"), 50);
        at_least(&format!("connectivity bound tight ({objective})"), 20);
        at_least(&format!("optimal {objective}: connectivity bound"), 20);
        at_least(&format!("optimal {objective}: solver"), 20);
    }
    for objective in ["parameters", "edges"] {
        at_least(
            &format!("covering minimum above the exact minimum ({objective})"),
            50,
        );
        at_least(
            &format!("covering bound above the connectivity bound ({objective})"),
            20,
        );
        at_least(
            &format!("covering bound tight where covering costs more ({objective})"),
            5,
        );
        at_least(&format!("optimal --cover {objective}: solver"), 20);
    }
    at_least("sparse |H| brute-forced: group-theoretic", 20);
    // Groups above the listing limit (S_10, A_10 and their actions):
    // random sets of the bound's size, proved by the shape bound alone.
    at_least("sparse |H| unlisted group: group-theoretic", 10);
    // Random groups rarely need the solver for H (the incumbent meets the
    // shape bound); `generating_sets_beyond_the_shape_bound` covers it.
    at_least("sparse |H| brute-forced: solver", 1);
}

/// Groups where the shape bound is not tight, so the solver must prove
/// |H|: abelian groups C_a x C_b x C_c on disjoint cycles (an element of
/// order >= |G|/2 when one factor dominates, yet neither cyclic nor
/// dihedral unless the orders are coprime), and the quaternion group in its
/// regular action (element order 4 = |G|/2, smallest H of size 4).
#[test]
fn generating_sets_beyond_the_shape_bound() {
    let mut tally = Tally::new();
    let mut cases: Vec<(String, Vec<Images>, usize)> = Vec::new();
    let mut rng = ChaCha8Rng::seed_from_u64(0xab);
    for _ in 0..60 {
        let orders: Vec<usize> = (0..rng.random_range(2..=3))
            .map(|_| rng.random_range(2..=6))
            .collect();
        let d: usize = orders.iter().sum();
        let mut gens = Vec::new();
        let mut start = 0;
        for &len in &orders {
            let mut p: Vec<u32> = (0..d as u32).collect();
            for i in 0..len {
                p[start + i] = (start + (i + 1) % len) as u32;
            }
            gens.push(p);
            start += len;
        }
        cases.push((format!("abelian {orders:?}"), gens, d));
    }
    // Q8 = {±1, ±i, ±j, ±k} acting on itself by right multiplication.
    let q8 = |x: usize, y: usize| -> usize {
        // Elements as (sign, unit) with units 1, i, j, k numbered 0..4; index = 4 * sign + unit.
        let (sx, ux, sy, uy) = (x / 4, x % 4, y / 4, y % 4);
        const TABLE: [[(usize, usize); 4]; 4] = [
            [(0, 0), (0, 1), (0, 2), (0, 3)],
            [(0, 1), (1, 0), (0, 3), (1, 2)],
            [(0, 2), (1, 3), (1, 0), (0, 1)],
            [(0, 3), (0, 2), (1, 1), (1, 0)],
        ];
        let (s, u) = TABLE[ux][uy];
        4 * ((sx + sy + s) % 2) + u
    };
    let right = |y: usize| -> Images { (0..8).map(|x| q8(x, y) as u32).collect() };
    cases.push(("Q8 regular".into(), vec![right(1), right(2)], 8));
    for (name, point_gens, d) in &cases {
        // The same action on both sides: only the group matters here.
        let gens: Vec<Images> = point_gens
            .iter()
            .map(|g| {
                g.iter()
                    .copied()
                    .chain(g.iter().map(|&x| x + *d as u32))
                    .collect()
            })
            .collect();
        let case = Case {
            name: name.clone(),
            inputs: *d,
            outputs: *d,
            gens,
        };
        let action = instance(&case).action();
        let chain = Chain::new(2 * d, &case.gens, &[]);
        check_sparse(&case, &action, &chain, &mut tally);
    }
    eprintln!("generating sets: {tally:?}");
    let solver = tally
        .get("sparse |H| brute-forced: solver")
        .copied()
        .unwrap_or(0);
    assert!(solver >= 20, "only {solver} cases needed the solver");
}

/// The transitive groups of degree 4 to 8 from GAP's library (an outside
/// source of groups nobody here chose), each acting on its points, on the
/// unordered pairs and trivially (invariant pooling), in the combinations
/// points -> points, points -> pairs, pairs -> points, pairs -> pairs and
/// points -> one pooled output; every case within the suite's limits gets
/// the same checks as the random ones. GAP's group orders are compared
/// with the suite's Schreier-Sims and with paramshare's. Needs `gap` with
/// the TransGrp library (Debian gap-transgrp); with
/// PARAMSHARE_REQUIRE_ORACLES=1 a missing GAP fails the test.
#[test]
fn transitive_groups_from_gap_on_points_pairs_and_pooling() {
    let script = "SizeScreen([100000, 24]);; for n in [4..8] do for k in [1..NrTransitiveGroups(n)] do \
        G := TransitiveGroup(n, k); Print(\"group \", n, \" \", k, \" \", Size(G)); \
        for g in GeneratorsOfGroup(G) do Print(\" \", JoinStringsWithSeparator(List(ListPerm(g, n), \
        x -> String(x - 1)), \",\")); od; Print(\"\\n\"); od; od; QUIT;";
    let run = std::process::Command::new("gap")
        .args(["-q", "-b"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin is piped")
                .write_all(script.as_bytes())?;
            child.wait_with_output()
        });
    let output = match run {
        Ok(out)
            if out.status.success() && String::from_utf8_lossy(&out.stdout).contains("group") =>
        {
            out
        }
        other => {
            let why = format!(
                "gap with TransGrp (apt-get install gap gap-transgrp) did not run: {other:?}"
            );
            oracles::oracle_missing(&why, "the GAP transitive groups");
            return;
        }
    };
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut cases = Vec::new();
    let mut groups = 0;
    for line in text.lines().filter(|l| l.starts_with("group ")) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let d: usize = fields[1].parse().expect("degree");
        let order: u128 = fields[3].parse().expect("order");
        let gens: Vec<Images> = fields[4..]
            .iter()
            .map(|g| g.split(',').map(|x| x.parse().expect("image")).collect())
            .collect();
        assert_eq!(
            Chain::new(d, &gens, &[]).order(),
            order,
            "{line}: GAP's order"
        );
        groups += 1;
        let pairs = SideAction::UnorderedPairs;
        let pooled = SideAction::Trivial(1);
        for (input, output) in [
            (&SideAction::Points, &SideAction::Points),
            (&SideAction::Points, &pairs),
            (&pairs, &SideAction::Points),
            (&pairs, &pairs),
            (&SideAction::Points, &pooled),
        ] {
            let (n, m, joint) = joint_generators(input, output, &gens, d);
            if n > MAX_SIDE || m > MAX_SIDE || edge_orbits(n, m, &joint).1 > MAX_ORBITS {
                continue;
            }
            cases.push(Case {
                name: format!(
                    "TransitiveGroup({d}, {}) {} -> {}",
                    fields[2],
                    input.name(),
                    output.name()
                ),
                inputs: n,
                outputs: m,
                gens: joint,
            });
        }
    }
    assert!(
        groups >= 80,
        "GAP listed only {groups} transitive groups of degree 4 to 8"
    );
    let total = check_all(&cases);
    eprintln!("transitive groups: {groups} groups, {} cases", cases.len());
    for (k, v) in &total {
        eprintln!("  {v:5}  {k}");
    }
    assert!(
        cases.len() >= 200,
        "only {} cases within the limits",
        cases.len()
    );
}
