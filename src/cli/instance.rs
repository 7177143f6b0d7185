//! `paramshare instance`: print or write an instance of a standard family.

use super::output::{is_standard_stream, read_input, read_instance, write_output, Failure};
use clap::{Args, Subcommand};
use paramshare::instance::families::{
    self, graph_instance, parse_edge_list, FamilyError, GroupAction, SideAction,
};
use paramshare::instance::{Instance, MAX_INPUT_BYTES};
use std::path::{Path, PathBuf};

/// Build an instance (FORMATS.md) for a standard group family.
///
/// Each family is a group given by a few generators and an action on the
/// layer's inputs and outputs. Group families (cyclic ... sets) act on their
/// natural points on both sides unless --input-action / --output-action say
/// otherwise:
///   natural      the family's own action (the default)
///   trivial[:K]  K fixed points (default 1); trivial outputs = invariant pooling
///   regular      the group's own elements, by left multiplication (group convolution)
///
/// Images index pixel (r, c) of an a x b grid as r * b + c.
///
/// Examples:
///   paramshare instance d4 64 -o d4-64x64.json
///   paramshare instance symmetric 5 --output-action trivial
///   paramshare instance tensor 10 2 2 --name s10-matrices
///   paramshare instance product a.json b.json --channels 3:16
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct InstanceArgs {
    #[command(subcommand)]
    family: Family,
    /// Where to write the instance (atomically); standard output if absent or -.
    #[arg(short, long, global = true, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The instance's name (default: derived from the family and its arguments).
    #[arg(long, global = true)]
    name: Option<String>,
    /// The instance's description (default: says what the group is and how it acts).
    #[arg(long, global = true)]
    description: Option<String>,
    /// Input and output channels as IN:OUT (each channel pair gets its own copy of the pattern).
    #[arg(long, global = true, value_name = "IN:OUT", value_parser = parse_channels)]
    channels: Option<(usize, usize)>,
}

/// How a group family acts on the two sides.
#[derive(Args, Debug)]
struct Sides {
    /// Action on the inputs: natural, trivial, trivial:K or regular.
    #[arg(long, default_value = "natural", value_name = "ACTION")]
    input_action: SideAction,
    /// Action on the outputs: natural, trivial, trivial:K or regular.
    #[arg(long, default_value = "natural", value_name = "ACTION")]
    output_action: SideAction,
}

#[derive(Subcommand, Debug)]
enum Family {
    /// C_n rotating n points: i -> i+1 mod n (circular convolution).
    ///
    /// Example: paramshare instance cyclic 6
    #[command(verbatim_doc_comment)]
    Cyclic {
        /// Number of points (at least 1).
        n: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// D_n (order 2n) rotating and reflecting n points on a circle.
    ///
    /// Example: paramshare instance dihedral 5 --output-action regular
    #[command(verbatim_doc_comment)]
    Dihedral {
        /// Number of points (at least 3).
        n: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// S_n permuting n points (DeepSets); generators (0 1) and (0 1 ... n-1).
    ///
    /// Example: paramshare instance symmetric 5           (DeepSets layer)
    ///          paramshare instance symmetric 5 --output-action trivial  (set pooling)
    #[command(verbatim_doc_comment)]
    Symmetric {
        /// Number of points (at least 1).
        n: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// A_n, the even permutations of n points.
    ///
    /// Example: paramshare instance alternating 4
    #[command(verbatim_doc_comment)]
    Alternating {
        /// Number of points (at least 1; A_1 and A_2 are trivial).
        n: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// Z_a x Z_b: circular translations of an a x b image (2-D circular convolution).
    ///
    /// Example: paramshare instance torus 32 32
    #[command(verbatim_doc_comment)]
    Torus {
        /// Rows a.
        rows: usize,
        /// Columns b.
        columns: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// p4: translations and quarter turns of an n x n torus image (order 4n^2).
    ///
    /// Example: paramshare instance p4 32
    #[command(verbatim_doc_comment)]
    P4 {
        /// Side of the image (at least 3).
        n: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// p4m: translations, quarter turns and mirrors of an n x n torus image (order 8n^2).
    ///
    /// Example: paramshare instance p4m 32
    #[command(verbatim_doc_comment)]
    P4m {
        /// Side of the image (at least 3).
        n: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// C4: quarter turns of an n x n image about its centre, no translations.
    ///
    /// Example: paramshare instance c4 64
    #[command(verbatim_doc_comment)]
    C4 {
        /// Side of the image (at least 2).
        n: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// D4: quarter turns and mirrors of an n x n image about its centre, no translations.
    ///
    /// Example: paramshare instance d4 64 -o d4-64x64.json
    #[command(verbatim_doc_comment)]
    D4 {
        /// Side of the image (at least 2).
        n: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// Nested sets: S_K wr S_D on D sets of K elements (element e of set s is point s*K + e).
    ///
    /// The dense layer has 3 parameters: same element, same set, other set.
    /// Example: paramshare instance sets 5 3      (3 sets of 5 elements, 15 points)
    #[command(verbatim_doc_comment)]
    Sets {
        /// Elements per set, K.
        set_size: usize,
        /// Number of sets, D.
        sets: usize,
        #[command(flatten)]
        sides: Sides,
    },
    /// S_n acting on k-index tensors in (n^k inputs) and l-index tensors out (n^l outputs).
    ///
    /// The same permutation acts on every index; tuple (i1, ..., ik) is the
    /// base-n number i1 i2 ... ik. Dense layers have Bell(k+l) parameters once n >= k+l.
    /// Example: paramshare instance tensor 10 2 2     (S_10 on 10 x 10 matrices in and out)
    ///          paramshare instance tensor 8 2 0      (graph-level invariant of adjacency matrices)
    #[command(verbatim_doc_comment)]
    Tensor {
        /// Number of points n (at least 1).
        n: usize,
        /// Input tensor order k (0 for one invariant input).
        k: usize,
        /// Output tensor order l (0 for one invariant output).
        l: usize,
    },
    /// G1 x G2 acting on pairs: N1 x N2 inputs and M1 x M2 outputs ((x, y) at x*size2 + y).
    ///
    /// Example: paramshare instance product rows.json columns.json
    #[command(verbatim_doc_comment)]
    Product {
        /// First instance file, or - for standard input.
        first: PathBuf,
        /// Second instance file, or - for standard input (not both).
        second: PathBuf,
    },
    /// Any group, from generators in cycle notation: "INPUT_CYCLES / OUTPUT_CYCLES" each.
    ///
    /// A generator without "/" acts by the same cycles on both sides; no
    /// generators at all gives the trivial group.
    /// Example (reverse convolution, Z6 as +1 mod 3 on inputs, -1 mod 6 on outputs):
    ///   paramshare instance cycles 3 6 "(0 1 2) / (0 5 4 3 2 1)"
    #[command(verbatim_doc_comment)]
    Cycles {
        /// Number of inputs N.
        inputs: usize,
        /// Number of outputs M.
        outputs: usize,
        /// Generator pairs in cycle notation.
        generators: Vec<String>,
    },
    /// The automorphism group of a graph, acting on its vertices as inputs and
    /// outputs alike: the group of a graph convolution layer sigma(w1 x + w2 A x).
    ///
    /// The group is computed by the verifier's search (no generators needed).
    /// EDGES_FILE lists one undirected edge per line as two vertex numbers;
    /// '#' starts a comment, blank lines are ignored, a repeated edge counts
    /// once and "u u" is a loop. The vertex count is the largest number + 1,
    /// or set by an optional first line "vertices V" (for isolated vertices):
    ///   # the 4-cycle with an isolated vertex
    ///   vertices 5
    ///   0 1
    ///   1 2
    ///   2 3
    ///   3 0
    /// Example: paramshare instance graph petersen.edges -o petersen.json
    #[command(verbatim_doc_comment)]
    Graph {
        /// The edge-list file, or - for standard input.
        edges: PathBuf,
    },
    /// An existing instance with K input and K' output channels.
    ///
    /// Example: paramshare instance channels instances/cyclic-4.json 3 16
    #[command(verbatim_doc_comment)]
    Channels {
        /// The instance file, or - for standard input.
        instance: PathBuf,
        /// Input channels K.
        #[arg(value_name = "INPUT")]
        input_channels: usize,
        /// Output channels K'. (The field is not called `output`: that id
        /// belongs to the global `-o/--output` and clap panicked on the clash.)
        #[arg(value_name = "OUTPUT")]
        output_channels: usize,
    },
}

fn parse_channels(text: &str) -> Result<(usize, usize), String> {
    let parsed = text
        .split_once(':')
        .and_then(|(i, o)| Some((i.trim().parse().ok()?, o.trim().parse().ok()?)));
    parsed.ok_or_else(|| format!("'{text}' is not IN:OUT (two integers, e.g. 3:16)"))
}

/// Reads an edge-list file and builds the graph's instance (named after the file).
fn read_graph(path: &Path) -> Result<Instance, Failure> {
    let text = read_input(path).map_err(|e| Failure::bad_input(e.to_string()))?;
    let graph = parse_edge_list(&text)
        .map_err(|e| Failure::bad_input(format!("{}: {e}", path.display())))?;
    let mut instance = graph_instance(&graph);
    // standard input has no name: keep graph_instance's own
    if let Some(stem) = path.file_stem().filter(|_| !is_standard_stream(path)) {
        instance.name = format!("graph-{}", stem.to_string_lossy());
    }
    Ok(instance)
}

fn family_failure(e: FamilyError) -> Failure {
    Failure::bad_input(e.to_string())
}

fn group_instance(
    group: Result<GroupAction, FamilyError>,
    sides: Sides,
) -> Result<Instance, FamilyError> {
    group?.instance(sides.input_action, sides.output_action)
}

pub fn run(args: InstanceArgs) -> Result<i32, Failure> {
    let built = match args.family {
        Family::Cyclic { n, sides } => group_instance(families::cyclic(n), sides),
        Family::Dihedral { n, sides } => group_instance(families::dihedral(n), sides),
        Family::Symmetric { n, sides } => group_instance(families::symmetric(n), sides),
        Family::Alternating { n, sides } => group_instance(families::alternating(n), sides),
        Family::Torus {
            rows,
            columns,
            sides,
        } => group_instance(families::torus(rows, columns), sides),
        Family::P4 { n, sides } => group_instance(families::p4(n), sides),
        Family::P4m { n, sides } => group_instance(families::p4m(n), sides),
        Family::C4 { n, sides } => group_instance(families::c4(n), sides),
        Family::D4 { n, sides } => group_instance(families::d4(n), sides),
        Family::Sets {
            set_size,
            sets,
            sides,
        } => group_instance(families::nested_sets(set_size, sets), sides),
        Family::Tensor { n, k, l } => families::tensor(n, k, l),
        Family::Product { first, second } => {
            if is_standard_stream(&first) && is_standard_stream(&second) {
                // the second read would find standard input at its end
                return Err(Failure::bad_input(
                    "product: standard input (-) can be only one of the two instances; save the other to a file",
                ));
            }
            let (a, b) = (read_instance(&first)?, read_instance(&second)?);
            families::product(&a, &b)
        }
        Family::Cycles {
            inputs,
            outputs,
            generators,
        } => families::from_cycles(inputs, outputs, &generators),
        Family::Channels {
            instance,
            input_channels,
            output_channels,
        } => families::with_channels(read_instance(&instance)?, input_channels, output_channels),
        Family::Graph { edges } => Ok(read_graph(&edges)?),
    };
    let mut instance = built.map_err(family_failure)?;
    if let Some((input, output)) = args.channels {
        instance = families::with_channels(instance, input, output).map_err(family_failure)?;
    }
    if let Some(name) = args.name {
        instance.name = name;
    }
    if let Some(description) = args.description {
        instance.description = description;
    }
    check_readable_size(&instance)?;
    write_output(args.output.as_deref(), |w| instance.write_json(w))?;
    Ok(0)
}

/// Refuses an instance whose file would be longer than `info`, `design`
/// and `batch` read ([`MAX_INPUT_BYTES`]): writing it would only make a
/// file every other command rejects (`instance tensor 4096 2 2` wrote 627 MB).
fn check_readable_size(instance: &Instance) -> Result<(), Failure> {
    /// Counts bytes and stops the writer once they pass the limit.
    struct Counter(u64);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len() as u64;
            if self.0 > MAX_INPUT_BYTES {
                return Err(std::io::Error::other("over the limit"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    if instance.write_json(&mut counter).is_err() {
        return Err(Failure::bad_input(format!(
            "the instance ({} inputs, {} outputs, {} generators) would take more than {} MiB, the most paramshare reads back; nothing written (use a smaller size or fewer generators)",
            instance.input_size,
            instance.output_size,
            instance.generators.len(),
            MAX_INPUT_BYTES >> 20
        )));
    }
    Ok(())
}
