//! Abandoned background work ends at its next cancellation checkpoint, for each kind of long computation.
//!
//! Each case runs a computation that takes seconds to finish on a worker of
//! `run_unless_stopped`, stops waiting for it after 50 ms, and requires the
//! worker to end by cancellation (not by finishing its work) within a
//! generous minute. The uncancelled times in the comments were measured on
//! the 2-core development machine.

use paramshare::action::JointAction;
use paramshare::background::run_unless_stopped_observed;
use paramshare::design::connectivity::connectivity_lower_bound;
use paramshare::design::sparse::difference_subgroup_order;
use paramshare::design::Objective;
use paramshare::group::{named, StabilizerChain};
use paramshare::instance::families::{self, SideAction};
use paramshare::layer::Tying;
use paramshare::perm::Perm;
use paramshare::verify::{automorphisms, verify_exact, Structure};
use std::time::{Duration, Instant};

/// How long the caller waits before it stops.
const PATIENCE: Duration = Duration::from_millis(50);

/// How long an abandoned worker may take to reach a checkpoint: far more
/// than it needs, far less than the work takes uncancelled on a slow machine.
const GRACE: Duration = Duration::from_secs(60);

/// Runs `work` until [`PATIENCE`] has passed and requires the abandoned
/// worker to end by cancellation within [`GRACE`].
fn ends_when_abandoned<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) {
    let start = Instant::now();
    let stop = || start.elapsed() >= PATIENCE;
    let Err(abandoned) = run_unless_stopped_observed(work, &stop) else {
        panic!("the work finished within {PATIENCE:?}: it is no test of cancellation");
    };
    match abandoned.wait(GRACE) {
        Some(true) => {}
        Some(false) => panic!("the abandoned work ran to its end instead of stopping"),
        None => panic!("the abandoned work was still running {GRACE:?} after the stop"),
    }
}

fn d4_action(side: usize) -> JointAction {
    families::d4(side)
        .expect("D4 is defined on every image size")
        .natural_instance()
        .action()
}

/// D4 on a `side` x `side` image in, one invariant output.
fn d4_pooled(side: usize) -> JointAction {
    families::d4(side)
        .expect("D4 is defined on every image size")
        .instance(SideAction::Natural, SideAction::Trivial(1))
        .expect("a trivial output side always exists")
        .action()
}

/// S_n acting on the n^2 ordered pairs (i, j).
fn symmetric_on_pairs(n: usize) -> Vec<Perm> {
    named::on_ordered_pairs(n, &named::symmetric(n))
}

/// `copies` disjoint copies of the bipartite double of a directed
/// `length`-cycle (colour 0 from x to x, colour 1 from x to its successor):
/// Aut is C_length wr Sym(copies), with no twins to reduce.
fn cycles(copies: usize, length: usize) -> Structure {
    let edges: Vec<(usize, usize, u32)> = (0..copies * length)
        .flat_map(|x| {
            let next = x - x % length + (x + 1) % length;
            [(x, x, 0), (x, next, 1)]
        })
        .collect();
    Structure::from_edges(copies * length, copies * length, &edges)
}

#[test]
fn a_stabiliser_chain_stops() {
    // Uncancelled: 22 s (S_60 on pairs: 0.7 s).
    let n = 90;
    ends_when_abandoned(move || StabilizerChain::new(n * n, &symmetric_on_pairs(n)).order());
}

#[test]
fn the_difference_subgroup_order_stops() {
    // H = {1, a, b} for generators a, b of S_90 on pairs: the differences
    // generate the whole group, whose chain takes 22 s uncancelled.
    let n = 90;
    let mut h = vec![Perm::identity(n * n)];
    h.extend(symmetric_on_pairs(n));
    ends_when_abandoned(move || difference_subgroup_order(n * n, &h));
}

#[test]
fn the_automorphism_search_stops() {
    // Uncancelled: 52 s (500 copies: 6.4 s), finding C_3 wr Sym(1000).
    let structure = cycles(1000, 3);
    ends_when_abandoned(move || automorphisms(&structure, &[]).map(|aut| aut.order));
}

#[test]
fn verify_exact_stops() {
    // The dense design of D4 on a 64 x 64 image (16.8 million edges), with
    // G's chain known: 0.9 s uncancelled, most of it the search's first path.
    let action = d4_action(64);
    ends_when_abandoned(move || {
        let dense = Tying::from_edge_orbits(action.edge_orbits());
        verify_exact(&dense, &action).map(|v| v.automorphism_order)
    });
}

#[test]
fn the_connectivity_bound_stops() {
    // A point stabiliser for each of the 16512 input orbits: 12 s uncancelled.
    let action = d4_pooled(256);
    let orbits = action.edge_orbits();
    ends_when_abandoned(move || connectivity_lower_bound(&action, &orbits, Objective::Edges));
}
