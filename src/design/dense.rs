//! The dense design: one shared parameter per G-orbit of input-output pairs.

use crate::action::JointAction;
use crate::layer::Tying;

/// The dense tying matrix: entry `(m, n)` is the index of the edge orbit of
/// `(n, m)`, orbits numbered in order of first appearance row by row.
pub fn dense_tying(action: &JointAction) -> Tying {
    let orbits = action.edge_orbits();
    Tying {
        rows: action.output_size(),
        cols: action.input_size(),
        data: orbits.orbit_of.into_iter().map(|o| o as i32).collect(),
    }
}
