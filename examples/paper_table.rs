//! Prints the paper comparison table (markdown): dense, sparse as published,
//! sparse with the identity, and optimal designs of the paper's examples,
//! each verified (parameters / edges / |Aut| / exact).
//!
//! Run: `cargo run --release --example paper_table > table.md`; under
//! `cargo test` it checks the copy committed in docs/DESIGN.md.
use paramshare::action::GeneratorPair;
use paramshare::design::{design_layer, DesignOptions, Method, Objective};
use paramshare::instance::families::{self, SideAction};
use paramshare::instance::{Channels, Instance};
use paramshare::layer::Layer;
use paramshare::perm::Perm;

fn perm_from(n: usize, f: impl Fn(usize) -> usize) -> Perm {
    Perm::from_images(&(0..n).map(f).collect::<Vec<_>>()).expect("a bijection")
}

fn instance(name: &str, n: usize, m: usize, gens: Vec<(Perm, Perm)>) -> Instance {
    Instance {
        name: name.into(),
        description: name.into(),
        input_size: n,
        output_size: m,
        generators: gens
            .into_iter()
            .map(|(input, output)| GeneratorPair { input, output })
            .collect(),
        channels: Channels::default(),
    }
}

fn cycles(name: &str, n: usize, m: usize, gens: &[&str]) -> Instance {
    let gens: Vec<String> = gens.iter().map(|s| s.to_string()).collect();
    let mut inst = families::from_cycles(n, m, &gens).expect("valid cycles");
    inst.name = name.into();
    inst
}

/// Fig. 1: a 4 x 5 image, output of length 5; columns shift (and the output
/// with them), plus either a flip of the rows alone or a mirror of the
/// columns that mirrors the output too.
fn figure_one(mirror_columns: bool) -> Instance {
    let pixel = |r: usize, c: usize| r * 5 + c;
    let shift = (
        perm_from(20, |p| pixel(p / 5, (p % 5 + 1) % 5)),
        perm_from(5, |c| (c + 1) % 5),
    );
    let flip = if mirror_columns {
        (
            perm_from(20, |p| pixel(p / 5, (5 - p % 5) % 5)),
            perm_from(5, |c| (5 - c) % 5),
        )
    } else {
        (
            perm_from(20, |p| pixel(3 - p / 5, p % 5)),
            Perm::identity(5),
        )
    };
    let name = if mirror_columns {
        "Fig. 1, D5 (column mirror)"
    } else {
        "Fig. 1, Z5 x Z2 (row flip)"
    };
    instance(name, 20, 5, vec![shift, flip])
}

fn examples() -> Vec<Instance> {
    let named = |mut inst: Instance, name: &str| {
        inst.name = name.into();
        inst
    };
    let regular = |g: families::GroupAction, name: &str| {
        named(
            g.instance(SideAction::Regular, SideAction::Regular)
                .expect("small group"),
            name,
        )
    };
    vec![
        named(
            families::symmetric(5).unwrap().natural_instance(),
            "DeepSets, S5 on 5 points",
        ),
        named(
            families::nested_sets(3, 2).unwrap().natural_instance(),
            "Nested sets, S3 wr S2",
        ),
        cycles("Mirror, 4 points", 4, 4, &["(0 3)(1 2)"]),
        cycles("Mirror, 5 points", 5, 5, &["(0 4)(1 3)"]),
        named(
            families::cyclic(4).unwrap().natural_instance(),
            "C4 regular",
        ),
        named(
            families::cyclic(6).unwrap().natural_instance(),
            "C6 regular",
        ),
        named(
            families::torus(2, 2).unwrap().natural_instance(),
            "Klein group regular",
        ),
        regular(families::dihedral(3).unwrap(), "D3 regular"),
        cycles(
            "Rotations, C4 on two rings of 4",
            8,
            8,
            &["(0 1 2 3)(4 5 6 7)"],
        ),
        named(
            families::torus(4, 4).unwrap().natural_instance(),
            "2-D circular convolution, 4 x 4",
        ),
        named(
            families::torus(5, 5).unwrap().natural_instance(),
            "2-D circular convolution, 5 x 5",
        ),
        cycles(
            "Reverse convolution, Z6 on 3 -> 6",
            3,
            6,
            &["(0 1 2) / (0 5 4 3 2 1)"],
        ),
        figure_one(false),
        figure_one(true),
        named(
            families::dihedral(4)
                .unwrap()
                .instance(SideAction::Natural, SideAction::Regular)
                .unwrap(),
            "Group convolution, D4: 4 points -> D4",
        ),
    ]
}

fn cell(layer: &Layer) -> String {
    let exact = match layer.exact {
        Some(true) => "exact",
        Some(false) => "not exact",
        None => "?",
    };
    format!(
        "{} / {} / {} / {exact}",
        layer.parameters,
        layer.edges,
        layer.automorphism_order.as_deref().unwrap_or("?")
    )
}

/// The table, in Markdown: an explanation, then one row per example.
fn table() -> String {
    let mut out = String::new();
    out.push_str(
        "Each cell: parameters / edges / |Aut| / exactness, all computed by `paramshare`\n",
    );
    out.push_str(
        "(`cargo run --release --example paper_table`). Sparse uses a smallest symmetric\n",
    );
    out.push_str(
        "generating set H found by the solver; optimal cells are proved minimal for their\n",
    );
    out.push_str(
        "objective (or, where no pattern is exact, minimal among patterns reaching the closure).\n",
    );
    out.push('\n');
    out.push_str("| example | \\|G\\| | dense | sparse (paper) | sparse + identity | optimal (parameters) | optimal (edges) |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for inst in examples() {
        let action = inst.action();
        let run = |method: Method, objective: Objective, with_identity: bool| {
            let mut options = DesignOptions::new(method);
            options.objective = objective;
            options.with_identity = with_identity;
            design_layer(&inst, &action, &options).expect("design succeeds")
        };
        let dense = run(Method::Dense, Objective::Edges, false);
        let sparse = run(Method::Sparse, Objective::Edges, false);
        let sparse_id = run(Method::Sparse, Objective::Edges, true);
        let by_params = run(Method::Optimal, Objective::Parameters, false);
        let by_edges = run(Method::Optimal, Objective::Edges, false);
        let proved = |l: &Layer| {
            if l.optimal == Some(true) {
                ""
            } else {
                " (not proved)"
            }
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {}{} | {}{} |\n",
            inst.name,
            dense.group_order,
            cell(&dense),
            cell(&sparse),
            cell(&sparse_id),
            cell(&by_params),
            proved(&by_params),
            cell(&by_edges),
            proved(&by_edges),
        ));
    }
    out
}

fn main() {
    print!("{}", table());
}

/// The copy of the table in docs/DESIGN.md must be what the program computes
/// now; `PARAMSHARE_UPDATE_EXAMPLES=1` (scripts/update-examples.sh) rewrites it.
#[test]
fn the_committed_table_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/DESIGN.md");
    let (begin, end) = (
        "<!-- begin: examples/paper_table.rs -->\n",
        "<!-- end: examples/paper_table.rs -->",
    );
    let doc = std::fs::read_to_string(path).expect("docs/DESIGN.md is readable");
    let start = doc.find(begin).expect("DESIGN.md has the begin marker") + begin.len();
    let stop = doc.find(end).expect("DESIGN.md has the end marker");
    let now = table();
    if std::env::var("PARAMSHARE_UPDATE_EXAMPLES").as_deref() == Ok("1") {
        let updated = format!("{}{now}{}", &doc[..start], &doc[stop..]);
        std::fs::write(path, updated).expect("docs/DESIGN.md is writable");
    } else {
        assert_eq!(
            &doc[start..stop],
            now,
            "docs/DESIGN.md's paper table is stale: run scripts/update-examples.sh"
        );
    }
}
