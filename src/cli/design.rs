//! `paramshare design`: build a layer (tying pattern) for an instance.

use super::output::{input_name, is_standard_stream, read_instance, Failure};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use paramshare::design::optimal::SearchProgress;
use paramshare::design::{
    design_layer, DesignError, DesignOptions, Method, Objective, ProgressSink,
};
use paramshare::layer::Layer;
use paramshare::solve::SolverKind;
use paramshare::terminal::{short_order, shorten_numbers};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Design the tying pattern of a layer y = W x equivariant to the instance's group.
///
/// Methods:
///   dense    one shared weight per G-orbit of (input, output) pairs; the
///            most expressive G-equivariant layer.
///   sparse   the paper's design: a smallest symmetric generating set H of G
///            (found by the solver) and one weight per (input orbit, output
///            orbit, h in H). Not always exact; --with-identity adds the
///            identity to H, which makes it exact for free actions.
///   optimal  the fewest edges (or parameters) whose automorphism group is
///            exactly G, found by a SAT/ILP search with the verifier in the
///            loop, with a proof of optimality. When no pattern is exact it
///            says why and returns the sparsest pattern reaching the closure.
///
/// The sparsest exact pattern may leave an input unread or an output dead
/// (always zero), which no one would train: --cover asks for the sparsest
/// exact pattern in which every input is read and every output reads
/// (optimal: true then means proved optimal among such patterns). Every
/// layer reports unread_inputs and dead_outputs; design warns when either
/// is not 0. Every layer carries bias_tying, one bias parameter per output
/// orbit (the most general equivariant bias).
///
/// Every layer is verified: automorphism_order, closure_order and exact are
/// computed. Ctrl-C or --time-limit stops a search; the best pattern found
/// so far is written, marked optimal: false, and the exit status is 0.
///
/// The result is a FORMATS.md layer file: `tying[m][n]` is the parameter on
/// the edge from input n to output m, or -1 for no edge.
///
/// Examples:
///   paramshare design instances/cyclic-4.json --method dense -o cyclic-4.layer.json
///   paramshare design instances/cyclic-4.json --method optimal --objective edges
///   paramshare design instances/cyclic-4.json --method sparse --with-identity
///   paramshare design instances/deepsets-5.json --method optimal --cover
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct DesignArgs {
    /// The instance file (FORMATS.md), or - for standard input.
    instance: PathBuf,
    /// Which design to build.
    #[arg(long, value_enum, default_value_t = Method::Dense)]
    method: Method,
    /// What the optimal design minimises.
    #[arg(long, value_enum, default_value_t = Objective::Edges)]
    objective: Objective,
    /// The solver behind the searches (both give the same optimum).
    #[arg(long, value_enum, default_value_t = SolverKind::Sat)]
    solver: SolverKind,
    /// Stop a search after this many seconds and write the best pattern found.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Memory the run may use, in bytes with an optional K, M, G or T
    /// suffix (binary: 6G = 6 GiB). A search that reaches it stops with its
    /// best verified pattern and says so in a note; a layer that cannot fit
    /// at all is refused. Default: the smaller of physical memory, the
    /// cgroup limit and the address-space limit (ulimit -v), less a margin.
    #[arg(long, value_name = "BYTES", value_parser = paramshare::budget::parse_bytes)]
    memory_limit: Option<u64>,
    /// Sparse design: add the identity to the generating set.
    #[arg(long)]
    with_identity: bool,
    /// Optimal design: every input read by some output, every output reading
    /// some input (dense and sparse designs always are).
    #[arg(long)]
    cover: bool,
    /// Where to write the layer (written atomically); standard output if absent or -.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    export: super::export_args::ExportArgs,
}

/// A spinner on standard error (drawn only on a terminal) showing search progress.
fn progress_line() -> (ProgressBar, ProgressSink) {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            // the template is a constant known to parse
            .expect("valid progress template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let shown = bar.clone();
    let sink = ProgressSink(Arc::new(move |p: &SearchProgress| {
        shown.set_message(format!(
            "round {}, cuts {}, best {}, bound {}",
            p.iterations, p.cuts, p.best, p.bound
        ));
    }));
    (bar, sink)
}

/// `--time-limit SECONDS` as a duration; bad input unless a number >= 0.
pub fn seconds_arg(seconds: Option<f64>) -> Result<Option<Duration>, Failure> {
    let Some(seconds) = seconds else {
        return Ok(None);
    };
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(Failure::bad_input(format!(
            "--time-limit: {seconds} is not a number of seconds"
        )));
    }
    Ok(Some(Duration::from_secs_f64(seconds.min(1e9))))
}

/// A flag that the first Ctrl-C (or SIGTERM, SIGHUP: ctrlc's `termination`
/// feature) sets; a second one ends the process at once with status 130.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = flag.clone();
    // Fails only if a handler is already installed, and a run installs one.
    let _ = ctrlc::set_handler(move || {
        if handler_flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    flag
}

pub fn run(args: DesignArgs) -> Result<i32, Failure> {
    let inst = read_instance(&args.instance)?;
    let action = inst.action();
    let method = args.method;
    let mut options = DesignOptions::new(method);
    options.objective = args.objective;
    options.solver = args.solver;
    options.with_identity = args.with_identity;
    if let Some(bytes) = args.memory_limit {
        options.memory = paramshare::budget::MemoryBudget::with_limit(bytes);
    }
    options.cover = args.cover;
    options.time_limit = seconds_arg(args.time_limit)?;
    let searching = method != Method::Dense;
    let bar = if searching {
        options.interrupt = Some(interrupt_flag());
        let (bar, sink) = progress_line();
        options.progress = Some(sink);
        Some(bar)
    } else {
        None
    };
    let result = design_layer(&inst, &action, &options);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let layer = result.map_err(|e| match e {
        DesignError::TooLarge { .. } => {
            Failure::bad_input(format!("{}: {e}", input_name(&args.instance)))
        }
        DesignError::Verify(_) | DesignError::Search(_) => {
            Failure::failed(format!("{}: {e}", input_name(&args.instance)))
        }
    })?;
    args.export
        .write(&layer, inst.channels, args.output.as_deref())?;
    if let Some(notes) = layer.extra.get("notes").and_then(|v| v.as_array()) {
        for note in notes.iter().filter_map(|n| n.as_str()) {
            eprintln!(
                "paramshare: note: {}",
                super::output::escape_controls(&shorten_numbers(note))
            );
        }
    }
    if let Some(warning) = coverage_warning(&layer, args.cover) {
        eprintln!("paramshare: warning: {warning}");
    }
    eprintln!("{}", summary_line(&layer, args.output.as_deref()));
    Ok(0)
}

/// The one line `design` ends with on standard error: where the layer went
/// and what was computed about it, e.g.
/// `wrote F: 4 parameters, 16 edges, exact, optimal (connectivity bound)`.
fn summary_line(layer: &Layer, output: Option<&Path>) -> String {
    let place = match output.filter(|p| !is_standard_stream(p)) {
        Some(p) => p.display().to_string(),
        None => "standard output".to_string(),
    };
    let mut parts = vec![
        format!("{} parameters", layer.parameters),
        format!("{} edges", layer.edges),
    ];
    match (layer.exact, &layer.automorphism_order) {
        (Some(true), _) => parts.push("exact".into()),
        (Some(false), Some(aut)) => parts.push(format!(
            "not exact (|Aut| = {}, |G| = {})",
            short_order(aut),
            short_order(&layer.group_order)
        )),
        _ => parts.push("not exact".into()),
    }
    let stopped = layer.extra.get("interrupted").and_then(|v| v.as_bool()) == Some(true);
    if layer.method == Method::Sparse {
        // A sparse layer's `optimal` is about H, not about the pattern.
        let size = layer
            .extra
            .get("generating_set")
            .and_then(|v| v.as_array())
            .map_or(0, |h| h.len());
        parts.push(match layer.optimal {
            Some(true) => format!("H of {size} proved smallest"),
            _ => format!("H of {size} not proved smallest"),
        });
        return format!("wrote {place}: {}", parts.join(", "));
    }
    match layer.optimal {
        Some(true) => match &layer.proof {
            Some(proof) => parts.push(format!("optimal ({proof})")),
            None => parts.push("optimal".into()),
        },
        Some(false) if stopped => parts.push("not proved optimal: the search was stopped".into()),
        Some(false) => parts.push("not proved optimal".into()),
        None => {}
    }
    format!("wrote {place}: {}", parts.join(", "))
}

/// What to say when a layer leaves inputs unread or outputs dead, or `None`.
fn coverage_warning(layer: &paramshare::layer::Layer, cover: bool) -> Option<String> {
    let (unread, dead) = (layer.tying.unread_inputs(), layer.tying.dead_outputs());
    if unread == 0 && dead == 0 {
        return None;
    }
    let plural = |k: u64, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    let mut text = format!(
        "{} and {} (unread_inputs, dead_outputs): such a layer ignores part of its input or always \
         outputs 0 somewhere",
        plural(unread, "input is read by no output", "inputs are read by no output"),
        plural(dead, "output reads no input", "outputs read no input"),
    );
    if !cover && layer.method == Method::Optimal {
        text.push_str("; --cover asks for the sparsest exact pattern that reads every input and feeds every output");
    } else {
        text.push_str("; no pattern can cover a side with no edge orbit");
    }
    Some(text)
}
