//! `paramshare verify`: prove a layer exact, or show the extra symmetry it has.

use super::output::{outln, read_layer, write_output, Failure};
use clap::Args;
use paramshare::action::JointAction;
use paramshare::design::StopCondition;
use paramshare::layer::{Layer, Tying};
use paramshare::perm::Perm;
use paramshare::terminal::{short_order, shorten_cycles};
use paramshare::verify::{
    describe_witness, readable_witness, verify_layer, write_dreadnaut, LayerVerdict, Structure,
    Verdict, VerifyError,
};
use std::path::PathBuf;

/// Verify a layer file: compute the automorphism group of its tying pattern
/// and compare it with the group G<N,M> its generators generate.
///
/// Automorphisms are pairs (a permutation of the inputs, one of the outputs)
/// that keep every entry of `tying`, non-edges (-1) included. The group is
/// computed by individualisation and refinement, starting from G's generators,
/// and is exact iff it equals G<N,M>. The closure (the automorphism group of
/// the dense design) is computed too: no pattern can be exact when it is
/// larger than G.
///
/// With -o the layer is written back with the computed fields filled in.
///
/// Exit status: 0 exact; 1 not exact (or not even G-equivariant), with a
/// witness printed as cycles on the inputs and on the outputs; 2 bad input;
/// 3 I/O error.
///
/// With --optimality, an optimal layer's claim is re-proved instead: every
/// union of edge orbits (one colour per orbit) that costs less than the
/// layer, under its objective, is tried in order of cost, by enumeration
/// that reads no lower bound, cut or symmetry of the search. Exit status:
/// 0 the layer reaches its target group (G, or the closure when no pattern
/// is exact) and nothing cheaper does; 1 it does not reach it, or a cheaper
/// pattern does (printed, and written with -o); 2 bad input, or more than
/// 2^20 cheaper subsets to try (always fine up to 20 edge orbits); 5 not
/// confirmed: --time-limit or Ctrl-C came first (how far it got is printed;
/// a second Ctrl-C ends it at once with 130).
///
/// Examples:
///   paramshare verify cyclic-4.layer.json --export-dreadnaut cyclic-4.dre
///   dreadnaut < cyclic-4.dre     # prints grpsize=... (the same order)
///   paramshare verify cyclic-4.optimal.json --optimality
///   paramshare verify big.optimal.json --optimality --time-limit 600
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct VerifyArgs {
    /// The layer file (FORMATS.md `paramshare-layer/1`), or - for standard input.
    layer: PathBuf,
    /// Also write the pattern as a vertex-coloured graph in dreadnaut syntax
    /// (edge colours as subdivision vertices) to this file (- for standard output).
    #[arg(long, value_name = "FILE")]
    export_dreadnaut: Option<PathBuf>,
    /// Write the layer again with the computed automorphism_order,
    /// closure_order and exact fields (atomically), whatever the verdict.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Re-prove an optimal layer's optimality by exhaustive enumeration of
    /// the cheaper orbit subsets; with -o, a cheaper pattern found is written.
    #[arg(long)]
    optimality: bool,
    /// With --optimality: give up after this many seconds, unconfirmed (exit status 5).
    #[arg(long, value_name = "SECONDS", requires = "optimality")]
    time_limit: Option<f64>,
}

pub fn run(args: VerifyArgs) -> Result<i32, Failure> {
    let layer = read_layer(&args.layer)?;
    let action = JointAction::new(
        layer.input_size,
        layer.output_size,
        layer.generators.clone(),
    );
    if let Some(path) = &args.export_dreadnaut {
        let structure = Structure::from_tying(&layer.tying);
        write_output(Some(path), |w| write_dreadnaut(&structure, w))?;
    }
    if args.optimality {
        let time_limit = super::design::seconds_arg(args.time_limit)?;
        let interrupt = Some(super::design::interrupt_flag());
        let stop = StopCondition::new(interrupt, time_limit, None);
        let output = args.output.as_deref();
        return super::optimality::run(&args.layer, &layer, &action, output, &stop);
    }
    let verdict = match verify_layer(&layer.tying, &action) {
        Ok(v) => v,
        Err(VerifyError::NotAnAutomorphism { index }) => {
            outln!("not G-equivariant: generator {index} does not preserve the tying pattern");
            if let Some((m, n, m2, n2)) =
                broken_entry(&layer.tying, &action.joint_generators()[index])
            {
                outln!(
                    "it maps the edge from input {n} to output {m} (tying {}) onto input {n2}, output {m2} (tying {})",
                    layer.tying.get(m, n),
                    layer.tying.get(m2, n2)
                );
            }
            return Ok(1);
        }
        Err(e @ VerifyError::ShapeMismatch { .. }) => {
            return Err(Failure::bad_input(format!("{}: {e}", args.layer.display())))
        }
    };
    warn_on_stale_fields(&layer, &verdict);
    if let Some(path) = &args.output {
        let mut filled = layer.clone();
        paramshare::design::record_verdict(&mut filled, &verdict);
        write_output(Some(path), |w| filled.write_json(w))?;
    }
    let p = &verdict.pattern;
    if p.is_exact() {
        let twins = p
            .stats
            .quotient_points
            .map_or(String::new(), |q| format!("twins reduced to {q} classes, "));
        outln!(
            "exact: Aut(pattern) = G<N,M>, order {} ({} inputs, {} outputs, {} edges, {} parameters; {twins}base length {}, {} search nodes); closure order {}",
            short_order(&p.automorphism_order.to_string()),
            layer.input_size,
            layer.output_size,
            layer.edges,
            layer.parameters,
            p.stats.base_length,
            p.stats.nodes,
            short_order(&verdict.closure.automorphism_order.to_string()),
        );
        return Ok(0);
    }
    outln!(
        "not exact: |Aut(pattern)| = {} but |G<N,M>| = {}",
        short_order(&p.automorphism_order.to_string()),
        short_order(&p.group_order.to_string())
    );
    print_witness("", p, &action)?;
    if verdict.exact_possible() {
        outln!(
            "closure: the dense design has Aut = G (order {}), so exact patterns exist for this group",
            short_order(&verdict.closure.automorphism_order.to_string())
        );
    } else {
        outln!(
            "closure: the dense design has |Aut| = {} > |G|, so no G-invariant pattern is exact",
            short_order(&verdict.closure.automorphism_order.to_string())
        );
        if verdict.closure.witness != p.witness {
            print_witness("dense design ", &verdict.closure, &action)?;
        }
    }
    Ok(1)
}

fn print_witness(what: &str, verdict: &Verdict, action: &JointAction) -> Result<(), Failure> {
    // a verdict that is not exact carries a witness
    let Some(w) = readable_witness(verdict, action) else {
        return Ok(());
    };
    let d = describe_witness(&w, action.input_size());
    outln!(
        "{what}witness on inputs:  {}",
        shorten_cycles(&d.inputs.to_string())
    );
    outln!(
        "{what}witness on outputs: {}",
        shorten_cycles(&d.outputs.to_string())
    );
    outln!(
        "the {what}pattern has an extra symmetry that {}.",
        shorten_cycles(&d.sentence)
    );
    Ok(())
}

/// An entry `(m, n)` whose colour differs from that of its image under `g`.
fn broken_entry(tying: &Tying, g: &Perm) -> Option<(usize, usize, usize, usize)> {
    let n_in = tying.cols;
    (0..tying.rows)
        .flat_map(|m| (0..n_in).map(move |n| (m, n)))
        .map(|(m, n)| (m, n, g.apply(n_in + m) - n_in, g.apply(n)))
        .find(|&(m, n, m2, n2)| tying.get(m, n) != tying.get(m2, n2))
}

/// Prints a note when the file's own verdict fields disagree with the computation.
fn warn_on_stale_fields(layer: &Layer, verdict: &LayerVerdict) {
    let computed = [
        (
            "automorphism_order",
            layer.automorphism_order.clone(),
            verdict.pattern.automorphism_order.to_string(),
        ),
        (
            "closure_order",
            layer.closure_order.clone(),
            verdict.closure.automorphism_order.to_string(),
        ),
        (
            "exact",
            layer.exact.map(|e| e.to_string()),
            verdict.is_exact().to_string(),
        ),
    ];
    for (field, stated, actual) in computed {
        if let Some(stated) = stated {
            if stated != actual {
                eprintln!(
                    "note: the file says {field} = {stated}, but the verifier computed {actual}"
                );
            }
        }
    }
}
