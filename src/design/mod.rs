//! Designs: dense (one parameter per edge orbit), sparse (the paper's) and optimal (searched).
//!
//! [`design_layer`] is the one entry point the command line and the batch
//! runner use: it builds the tying matrix for the chosen method and returns
//! a [`Layer`] with every field FORMATS.md asks for.
mod dense;

pub use dense::dense_tying;

use crate::action::JointAction;
use crate::instance::Instance;
use crate::layer::{Layer, Tying};
use crate::verify::{verify_layer_with_dense, VerifyError};
use std::fmt;

/// Which design to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// One parameter per G-orbit of input-output pairs.
    Dense,
}

impl Method {
    /// The name written in layer files.
    pub fn name(self) -> &'static str {
        match self {
            Method::Dense => "dense",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a searched design minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
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

/// Everything that selects and bounds a design.
#[derive(Clone, Debug)]
pub struct DesignOptions {
    pub method: Method,
    pub objective: Objective,
}

impl DesignOptions {
    /// Options for `method` with default settings.
    pub fn new(method: Method) -> DesignOptions {
        DesignOptions {
            method,
            objective: Objective::default(),
        }
    }
}

/// Why a design could not be built.
#[derive(Debug, thiserror::Error)]
pub enum DesignError {
    /// The layer would not fit in memory.
    #[error("a {rows} x {cols} layer needs about {gib:.1} GiB for its tying matrix; use a smaller instance")]
    TooLarge { rows: usize, cols: usize, gib: f64 },
    /// The verifier rejected the design (a bug: designs are G-invariant by construction).
    #[error("the verifier rejected the design: {0}")]
    Verify(#[from] VerifyError),
}

/// Bytes of working memory a design of an `input_size` x `output_size`
/// layer needs at its peak: 16 per entry while the edge orbits are numbered
/// (`JointAction::edge_orbits`: the raw labels, 4 bytes, plus the renaming
/// table, 4, and orbit sizes, 8, each as long as the matrix when every edge
/// is its own orbit; the column buffer, 4 more, is freed just before), plus
/// one output line of up to 12 bytes per column while the JSON is streamed.
/// The verifier then needs 24 per entry: the layer's tying matrix and the
/// dense design's (4 + 4, one matrix for the dense method) and adjacency
/// lists in both directions (16 per edge, `verify::Structure`).
pub fn estimated_bytes(input_size: usize, output_size: usize) -> u128 {
    input_size as u128 * output_size as u128 * 24 + input_size as u128 * 12
}

/// Refuse layers whose working memory would exceed this many bytes.
pub const MEMORY_LIMIT: u128 = 16 << 30;

/// Checks that a layer of this size can be designed in memory.
pub fn check_size(input_size: usize, output_size: usize) -> Result<(), DesignError> {
    let need = estimated_bytes(input_size, output_size);
    if need > MEMORY_LIMIT || input_size as u128 * output_size as u128 >= i32::MAX as u128 {
        return Err(DesignError::TooLarge {
            rows: output_size,
            cols: input_size,
            gib: need as f64 / (1u64 << 30) as f64,
        });
    }
    Ok(())
}

/// Builds the layer for `instance` with `options`.
pub fn design_layer(
    instance: &Instance,
    action: &JointAction,
    options: &DesignOptions,
) -> Result<Layer, DesignError> {
    check_size(instance.input_size, instance.output_size)?;
    let dense = dense_tying(action);
    // `None` stands for the dense design itself (not copied).
    let (tying, objective): (Option<Tying>, Option<Objective>) = match options.method {
        Method::Dense => (None, None),
    };
    let verdict = verify_layer_with_dense(tying.as_ref().unwrap_or(&dense), &dense, action)?;
    let tying = tying.unwrap_or(dense);
    let mut layer = Layer {
        instance: instance.name.clone(),
        method: options.method.name().into(),
        objective: objective.map(|o| o.name().to_string()),
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
        optimal: None,
        extra: Default::default(),
    };
    verdict.fill(&mut layer);
    Ok(layer)
}
