//! Exhaustive enumeration of orbit subsets: an optimality check that shares no code with the bounds or the search.
//!
//! `verify --optimality` re-proves a claimed optimum by listing every
//! non-empty subset of edge orbits that costs less than the claim, in
//! order of cost (ties by subset bitmask), and asking the oracle about
//! each. Nothing here reads a lower bound, a cut or a symmetry: a false
//! bound in [`super::connectivity`], the solver or the sparse shape bound
//! cannot make this agree with it.
//!
//! Cost: one oracle call per cheaper subset. The subsets are counted
//! first (a knapsack count over the orbit weights), so an instance with
//! too many of them is refused before any work rather than run for hours.
use super::optimal::orbit_weights;
use super::oracle::{Check, ExactnessOracle, OracleError};
use super::Objective;
use crate::action::EdgeOrbits;

/// The most subsets [`cheaper_exact_pattern`] enumerates (2^20: every
/// subset of 20 orbits, or the cheap corner of a larger instance).
pub const SUBSET_LIMIT: u64 = 1 << 20;

/// What the enumeration found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Enumeration {
    /// No subset cheaper than the bound is exact; `checked` subsets were tried.
    NoneCheaper { checked: u64 },
    /// The cheapest exact subset below the bound, and its cost.
    Cheaper { chosen: Vec<bool>, cost: u64 },
    /// More than [`SUBSET_LIMIT`] subsets cost less than the bound.
    TooMany { subsets: u64 },
    /// The stop condition turned true after `checked` of the `cheaper`
    /// admissible subsets below the bound were found not exact: nothing
    /// is confirmed.
    Stopped { checked: u64, cheaper: u64 },
}

/// How many non-empty subsets of orbits cost less than `below`, counted
/// up to `cap` (the count saturates there).
pub fn count_cheaper_subsets(weights: &[u64], below: u64, cap: u64) -> u64 {
    if below == 0 {
        return 0;
    }
    // ways[c]: subsets of cost exactly c (c < below), saturating at `cap`.
    // `below` is at most the dense design's cost, the number of edges; the
    // table is refused beyond 2^26 entries (a 64x64 image layer) as too many.
    let width = below.min(1 << 26) as usize;
    if (below as usize) > width {
        return cap;
    }
    // The empty subset is counted in the table and dropped at the end, so
    // the table saturates one higher.
    let table_cap = cap.saturating_add(1);
    let mut ways = vec![0u64; width];
    ways[0] = 1;
    for &w in weights {
        let w = w as usize;
        if w == 0 || w >= width {
            continue;
        }
        for c in (w..width).rev() {
            ways[c] = ways[c].saturating_add(ways[c - w]).min(table_cap);
        }
    }
    let with_empty = ways
        .iter()
        .fold(0u64, |acc, &x| acc.saturating_add(x).min(table_cap));
    (with_empty - 1).min(cap)
}

/// The cheapest exact pattern (one colour per chosen orbit) costing less
/// than `below` under `objective`, by trying every such subset in order of
/// cost, among those `admissible` accepts (all, or the covering ones for a
/// `--cover` layer); refused as [`Enumeration::TooMany`] when there are
/// more than [`SUBSET_LIMIT`] (counted before the filter). `stop` is
/// polled before every subset, and an oracle built with the same stop
/// abandons a check: either way the answer is [`Enumeration::Stopped`].
pub fn cheaper_exact_pattern(
    orbits: &EdgeOrbits,
    oracle: &dyn ExactnessOracle,
    objective: Objective,
    below: u64,
    admissible: &dyn Fn(&[bool]) -> bool,
    stop: &dyn Fn() -> bool,
) -> Result<Enumeration, OracleError> {
    let weights = orbit_weights(orbits, objective);
    let count = count_cheaper_subsets(&weights, below, SUBSET_LIMIT + 1);
    if count > SUBSET_LIMIT {
        return Ok(Enumeration::TooMany { subsets: count });
    }
    let k = orbits.count();
    // Depth-first listing of the subsets below the bound, as orbit lists.
    let mut subsets: Vec<(u64, Vec<u32>)> = Vec::with_capacity(count as usize);
    let mut stack: Vec<u32> = Vec::new();
    list_below(&weights, 0, 0, below, &mut stack, &mut subsets);
    subsets.sort_unstable();
    let as_flags = |members: &[u32]| {
        let mut chosen = vec![false; k];
        for &o in members {
            chosen[o as usize] = true;
        }
        chosen
    };
    // Counted up front so that a stopped check can say how far it got (the
    // flags are rebuilt below rather than kept: k bytes for each of up to
    // 2^20 subsets).
    let cheaper = subsets
        .iter()
        .filter(|(_, members)| admissible(&as_flags(members)))
        .count() as u64;
    let mut checked = 0;
    for (cost, members) in subsets {
        let chosen = as_flags(&members);
        if !admissible(&chosen) {
            continue;
        }
        if stop() {
            return Ok(Enumeration::Stopped { checked, cheaper });
        }
        match oracle.check_chosen(orbits, &chosen) {
            Ok(Check::Exact) => return Ok(Enumeration::Cheaper { chosen, cost }),
            Ok(Check::Witnesses(_)) => checked += 1,
            Err(OracleError::Stopped) => return Ok(Enumeration::Stopped { checked, cheaper }),
            Err(e) => return Err(e),
        }
    }
    Ok(Enumeration::NoneCheaper { checked })
}

/// Pushes onto `out` every non-empty extension of `stack` by orbits from
/// `from` on whose total cost stays below `below`.
fn list_below(
    weights: &[u64],
    from: usize,
    cost: u64,
    below: u64,
    stack: &mut Vec<u32>,
    out: &mut Vec<(u64, Vec<u32>)>,
) {
    for o in from..weights.len() {
        let c = cost + weights[o];
        if c >= below {
            continue;
        }
        stack.push(o as u32);
        out.push((c, stack.clone()));
        list_below(weights, o + 1, c, below, stack, out);
        stack.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{GeneratorPair, JointAction};
    use crate::design::oracle::VerifierOracle;
    use crate::perm::Perm;
    use std::cell::Cell;

    /// The reflection i -> 4 - i of 5 points on both sides: 13 edge orbits,
    /// whose cheapest exact pattern has 6 edges (the `mirror-5` instance).
    fn mirror_5() -> JointAction {
        let flip = Perm::from_images(&[4, 3, 2, 1, 0]).expect("a permutation");
        let pair = GeneratorPair {
            input: flip.clone(),
            output: flip,
        };
        JointAction::new(5, 5, vec![pair])
    }

    /// A stop that turns true on its `n`-th poll ends the enumeration after
    /// `n - 1` subsets, says how many there were, and confirms nothing.
    #[test]
    fn a_stop_ends_the_enumeration_with_how_far_it_got() {
        let action = mirror_5();
        let orbits = action.edge_orbits();
        let oracle = VerifierOracle::new(&action);
        let all = |_: &[bool]| true;
        let never = || false;
        let finished =
            cheaper_exact_pattern(&orbits, &oracle, Objective::Edges, 6, &all, &never).unwrap();
        let Enumeration::NoneCheaper { checked: total } = finished else {
            panic!("nothing below the minimum of 6 edges is exact: {finished:?}");
        };
        assert!(total > 4, "{total} subsets below 6 edges");
        let polls = Cell::new(0u64);
        let fourth = || {
            polls.set(polls.get() + 1);
            polls.get() >= 4
        };
        let stopped =
            cheaper_exact_pattern(&orbits, &oracle, Objective::Edges, 6, &all, &fourth).unwrap();
        assert_eq!(
            stopped,
            Enumeration::Stopped {
                checked: 3,
                cheaper: total
            }
        );
        // Below 7 edges the enumeration finds the minimum, unless stopped first.
        let found =
            cheaper_exact_pattern(&orbits, &oracle, Objective::Edges, 7, &all, &never).unwrap();
        assert!(
            matches!(found, Enumeration::Cheaper { cost: 6, .. }),
            "{found:?}"
        );
        let at_once = || true;
        let stopped =
            cheaper_exact_pattern(&orbits, &oracle, Objective::Edges, 7, &all, &at_once).unwrap();
        assert!(
            matches!(stopped, Enumeration::Stopped { checked: 0, .. }),
            "{stopped:?}"
        );
    }

    /// The count against listing every subset.
    #[test]
    fn counts_match_listing() {
        let weights = [3u64, 1, 4, 1, 5, 9, 2, 6];
        for below in 0..32 {
            let listed = (1u32..1 << weights.len())
                .filter(|mask| {
                    let cost: u64 = (0..weights.len())
                        .filter(|&o| mask >> o & 1 == 1)
                        .map(|o| weights[o])
                        .sum();
                    cost < below
                })
                .count() as u64;
            assert_eq!(count_cheaper_subsets(&weights, below, u64::MAX), listed);
            let mut out = Vec::new();
            list_below(&weights, 0, 0, below, &mut Vec::new(), &mut out);
            assert_eq!(out.len() as u64, listed);
        }
        assert_eq!(
            count_cheaper_subsets(&weights, 100, 10),
            10,
            "saturates at the cap"
        );
    }
}
