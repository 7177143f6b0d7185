//! `paramshare verify --optimality`: re-prove an optimal layer's minimum by exhaustive enumeration.

use super::output::{write_output, Failure};
use paramshare::action::{EdgeOrbits, JointAction};
use paramshare::background::run_unless_stopped;
use paramshare::design::cover::Cover;
use paramshare::design::exhaustive::{cheaper_exact_pattern, Enumeration, SUBSET_LIMIT};
use paramshare::design::optimal::pattern_of;
use paramshare::design::oracle::VerifierOracle;
use paramshare::design::{closure_action, Method, Objective, StopCondition};
use paramshare::layer::{Layer, Named};
use paramshare::verify::{verify_closure, verify_exact, verify_layer, VerifyError};
use std::path::Path;
use std::sync::Arc;

/// The proof string written when enumeration proved the minimum.
const EXHAUSTIVE: &str = "exhaustive";

/// The exit status of a check that `--time-limit` or Ctrl-C stopped before
/// it confirmed or refuted the layer (0 to 4 mean other things).
pub const NOT_CONFIRMED: i32 = 5;

/// Checks `layer` (read from `path`): it must reach its target group, and
/// no cheaper union of edge orbits may. Returns the exit status; `stop`
/// (time limit, Ctrl-C) ends the check early with [`NOT_CONFIRMED`].
pub fn run(
    path: &Path,
    layer: &Layer,
    action: &JointAction,
    output: Option<&Path>,
    stop: &StopCondition,
) -> Result<i32, Failure> {
    let file = path.display();
    if layer.method != Method::Optimal {
        return Err(Failure::bad_input(format!(
            "{file}: method: \"{}\"; --optimality checks layers designed with --method optimal",
            layer.method
        )));
    }
    let objective = match &layer.objective {
        None => Objective::Edges,
        Some(Named::Known(objective)) => *objective,
        Some(Named::Other(other)) => {
            return Err(Failure::bad_input(format!(
                "{file}: objective: \"{other}\" is not edges or parameters"
            )))
        }
    };
    // The target is what the design aimed for: G, or its closure when no
    // pattern can be exact. The closure keeps every G-orbit (it preserves
    // the dense design), so both have G's edge orbits.
    let stopped = || stop.stopped();
    let not_confirmed = |what: &str| {
        let reason = stop.reason().map_or("stopped", |r| r.name());
        println!("not confirmed ({reason}): {what}");
        Ok(NOT_CONFIRMED)
    };
    // Polled first so that `--time-limit 0` never confirms anything.
    if stopped() {
        return not_confirmed("stopped before the check began");
    }
    let orbits = Arc::new(action.edge_orbits());
    let closure = {
        let action = action.clone();
        run_unless_stopped(move || verify_closure(&action), &stopped)
    };
    let Some(closure) = closure else {
        return not_confirmed("stopped while computing the closure of G");
    };
    // A panic in the verifier is a bug, not a stop: raise it here.
    let closure = closure.unwrap_or_else(|payload| std::panic::resume_unwind(payload));
    let target = if closure.is_exact() {
        action.clone()
    } else {
        closure_action(action, &closure, orbits.clone())
    };
    let target_name = if closure.is_exact() {
        format!("G (order {})", action.order())
    } else {
        format!(
            "the closure (order {}; no pattern is exact for G)",
            closure.automorphism_order
        )
    };
    let checked = {
        let (tying, target) = (layer.tying.clone(), target.clone());
        run_unless_stopped(move || verify_exact(&tying, &target), &stopped)
    };
    let Some(checked) = checked else {
        return not_confirmed("stopped while verifying the layer against its target group");
    };
    let checked = checked.unwrap_or_else(|payload| std::panic::resume_unwind(payload));
    match checked {
        Ok(v) if v.is_exact() => {}
        Ok(v) => {
            println!(
                "not optimal: the layer does not reach its target group {target_name}: its \
                 automorphism group has order {}",
                v.automorphism_order
            );
            return Ok(1);
        }
        Err(VerifyError::NotAnAutomorphism { index }) => {
            println!(
                "not optimal: generator {index} of the target group {target_name} does not \
                 preserve the layer"
            );
            return Ok(1);
        }
        Err(e) => return Err(Failure::bad_input(format!("{file}: {e}"))),
    }
    let cost = match objective {
        Objective::Edges => layer.edges,
        Objective::Parameters => layer.parameters as u64,
    };
    let units = objective.name();
    let oracle = VerifierOracle::with_stop(&target, &stopped);
    // A --cover layer is optimal among covering patterns only.
    let covering = layer.extra.get("cover").and_then(|v| v.as_bool()) == Some(true);
    let cover = Cover::new(&orbits);
    let admissible = |chosen: &[bool]| !covering || cover.is_covered_by(chosen);
    let found = cheaper_exact_pattern(&orbits, &oracle, objective, cost, &admissible, &stopped)
        .map_err(|e| Failure::failed(format!("{file}: {e}")))?;
    match found {
        Enumeration::Stopped { checked, cheaper } => not_confirmed(&format!(
            "{checked} of the {cheaper} orbit subsets with fewer than {cost} {units} were tried \
             and none reaches the target group {target_name}; the rest were not"
        )),
        Enumeration::TooMany { subsets } => Err(Failure::bad_input(format!(
            "{file}: too large to enumerate: {} edge orbits, and more than {SUBSET_LIMIT} \
             ({subsets}+) orbit subsets cost less than {cost} {units} (every instance with at \
             most 20 edge orbits can be checked)",
            orbits.count()
        ))),
        Enumeration::NoneCheaper { checked } => {
            let which = if covering { "covering union" } else { "union" };
            println!(
                "optimal: no {which} of edge orbits with fewer than {cost} {units} reaches the \
                 target group {target_name}; {checked} cheaper orbit subsets tried by exhaustive \
                 enumeration (no bound or cut of the search used)"
            );
            if layer.optimal != Some(true) {
                println!(
                    "note: the layer itself does not claim optimality; it is optimal all the same"
                );
            }
            if let Some(out) = output {
                let mut proved = layer.clone();
                proved.optimal = Some(true);
                proved.lower_bound = Some(cost);
                proved.proof = Some(EXHAUSTIVE.into());
                write_verified(proved, action, out)?;
            }
            Ok(0)
        }
        Enumeration::Cheaper {
            chosen,
            cost: cheaper,
        } => {
            let tying = pattern_of(&orbits, &chosen);
            println!(
                "not optimal: a pattern with {cheaper} {units} ({} parameters, {} edges) reaches \
                 the target group {target_name}; the layer has {cost}",
                tying.parameters(),
                tying.edges()
            );
            print_orbits(&orbits, &chosen);
            if tying.rows * tying.cols <= 4096 {
                println!("its tying matrix (rows are outputs, -1 is no edge):");
                for m in 0..tying.rows {
                    let row: Vec<String> = (0..tying.cols)
                        .map(|n| tying.get(m, n).to_string())
                        .collect();
                    println!("  [{}]", row.join(", "));
                }
            }
            if let Some(out) = output {
                let mut better = layer.clone();
                better.parameters = tying.parameters();
                better.edges = tying.edges();
                better.tying = tying;
                // Subsets were tried in order of cost: the first exact one is the minimum.
                better.optimal = Some(true);
                better.lower_bound = Some(cheaper);
                better.proof = Some(EXHAUSTIVE.into());
                // The search's statistics and notes describe the old pattern.
                for stale in ["solver", "iterations", "cuts", "interrupted", "notes"] {
                    better.extra.remove(stale);
                }
                better.extra.insert(
                    "notes".into(),
                    serde_json::json!([format!(
                        "written by verify --optimality: the cheapest exact union of edge orbits, \
                         found by exhaustive enumeration below the {cost} {units} of {file}"
                    )]),
                );
                write_verified(better, action, out)?;
            }
            Ok(1)
        }
    }
}

/// Fills the verifier's fields into `layer` and writes it to `out`.
fn write_verified(mut layer: Layer, action: &JointAction, out: &Path) -> Result<(), Failure> {
    let verdict = verify_layer(&layer.tying, action)
        .map_err(|e| Failure::failed(format!("re-verifying the pattern: {e}")))?;
    paramshare::design::record_verdict(&mut layer, &verdict);
    write_output(Some(out), |w| layer.write_json(w))
}

/// One line per chosen orbit: a representative edge and the orbit's size.
fn print_orbits(orbits: &EdgeOrbits, chosen: &[bool]) {
    let representatives = orbits.representatives();
    for (o, &(n, m)) in representatives.iter().enumerate() {
        if chosen[o] {
            println!(
                "  orbit of input {n} -> output {m}: {} edges",
                orbits.sizes[o]
            );
        }
    }
}
