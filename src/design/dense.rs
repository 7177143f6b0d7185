//! The dense design: one shared parameter per G-orbit of input-output pairs.

use crate::action::JointAction;
use crate::layer::Tying;

/// The dense tying matrix: entry `(m, n)` is the index of the edge orbit of
/// `(n, m)`, orbits numbered in order of first appearance row by row.
pub fn dense_tying(action: &JointAction) -> Tying {
    Tying::from_edge_orbits(action.edge_orbits())
}
