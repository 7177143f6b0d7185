//! Graph instances: the automorphism group of a graph acting on its vertices, inputs and outputs alike.
//!
//! Edge-list format (one edge per line):
//!
//! ```text
//! # a 4-cycle; '#' starts a comment, blank lines are ignored
//! vertices 5      # optional header: the vertex count (else the largest index + 1)
//! 0 1
//! 1 2
//! 2 3
//! 3 0
//! ```
//!
//! Edges are undirected; a repeated edge counts once; `u u` is a loop.
//! The group is computed by the verifier's search with no known group, on
//! the structure with N = M = V, colour 0 on the diagonal (colour 2 where a
//! vertex has a loop) and colour 1 on adjacent pairs: its automorphisms are
//! exactly the graph's, applied to inputs and outputs alike.

use super::{Channels, Instance};
use crate::action::GeneratorPair;
use crate::perm::Perm;
use crate::verify::Structure;
use std::collections::BTreeSet;

/// A simple undirected graph read from an edge list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphEdges {
    pub vertices: usize,
    /// Edges `(u, v)` with `u <= v`, sorted, without repeats.
    pub edges: Vec<(usize, usize)>,
}

/// Why an edge list could not be read; `line` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EdgeListError {
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("vertex {vertex} is not below the declared vertex count {vertices}")]
    OutOfRange { vertex: usize, vertices: usize },
}

/// Largest vertex count accepted (the instance has two permutations of this size per generator).
pub const MAX_VERTICES: usize = 1 << 22;

/// Parses the edge-list format described in this module's documentation.
pub fn parse_edge_list(text: &str) -> Result<GraphEdges, EdgeListError> {
    let mut declared: Option<usize> = None;
    let mut edges = BTreeSet::new();
    let mut largest: Option<usize> = None;
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let tokens: Vec<&str> = content.split_whitespace().collect();
        let bad = |message: String| EdgeListError::Line { line, message };
        // ranges are written inclusive, as everywhere in paramshare's messages
        let number = |t: &str| -> Result<usize, EdgeListError> {
            t.parse::<usize>()
                .ok()
                .filter(|&v| v < MAX_VERTICES)
                .ok_or_else(|| {
                    bad(format!(
                        "'{t}' is not a vertex number (0..{})",
                        MAX_VERTICES - 1
                    ))
                })
        };
        if tokens[0] == "vertices" {
            if declared.is_some() || !edges.is_empty() || tokens.len() != 2 {
                return Err(bad(
                    "'vertices V' must be the first line, once, with one number".into(),
                ));
            }
            declared = Some(
                tokens[1]
                    .parse::<usize>()
                    .ok()
                    .filter(|&v| v <= MAX_VERTICES)
                    .ok_or_else(|| {
                        bad(format!(
                            "'{}' is not a vertex count (an integer from 0 to {MAX_VERTICES}, the most paramshare handles)",
                            tokens[1]
                        ))
                    })?,
            );
            continue;
        }
        if tokens.len() != 2 {
            return Err(bad(format!(
                "expected two vertex numbers 'u v', found '{content}'"
            )));
        }
        let (u, v) = (number(tokens[0])?, number(tokens[1])?);
        largest = largest.max(Some(u.max(v)));
        edges.insert((u.min(v), u.max(v)));
    }
    let vertices = match (declared, largest) {
        (Some(d), Some(l)) if l >= d => {
            return Err(EdgeListError::OutOfRange {
                vertex: l,
                vertices: d,
            })
        }
        (Some(d), _) => d,
        (None, Some(l)) => l + 1,
        (None, None) => 0,
    };
    Ok(GraphEdges {
        vertices,
        edges: edges.into_iter().collect(),
    })
}

/// The instance of a graph convolution layer on `graph`: generators of the
/// graph's automorphism group acting on inputs and outputs alike.
///
/// Vertices without edges to others are handled as classes, not searched:
/// such a vertex can only map to another one with the same loop status, and
/// any permutation of those is an automorphism, so Aut(G) = Aut(rest) x
/// Sym(isolated) x Sym(isolated with a loop). Each class adds a
/// transposition and a cycle of its members. The verifier's search then
/// runs on the other vertices only; on all V it built a V x V structure
/// (an empty graph on 3000 vertices took over a minute, the single edge
/// `0 10000` over a minute and 2 GB).
pub fn graph_instance(graph: &GraphEdges) -> Instance {
    let v = graph.vertices;
    let mut has_loop = vec![false; v];
    let mut degree = vec![0usize; v];
    for &(a, b) in &graph.edges {
        if a == b {
            has_loop[a] = true;
        } else {
            degree[a] += 1;
            degree[b] += 1;
        }
    }
    let core: Vec<usize> = (0..v).filter(|&x| degree[x] > 0).collect();
    let classes: [Vec<usize>; 2] = [false, true].map(|looped| {
        (0..v)
            .filter(|&x| degree[x] == 0 && has_loop[x] == looped)
            .collect()
    });
    let mut at = vec![usize::MAX; v];
    for (i, &x) in core.iter().enumerate() {
        at[x] = i;
    }
    let c = core.len();
    let mut coloured: Vec<(usize, usize, u32)> = core
        .iter()
        .enumerate()
        .map(|(i, &x)| (i, i, if has_loop[x] { 2 } else { 0 }))
        .collect();
    for &(a, b) in graph.edges.iter().filter(|e| e.0 != e.1) {
        coloured.push((at[a], at[b], 1));
        coloured.push((at[b], at[a], 1));
    }
    let structure = Structure::from_edges(c, c, &coloured);
    let aut = crate::verify::automorphisms(&structure, &[])
        // there are no known generators to reject
        .expect("no known generators");
    let mut perms: Vec<Vec<usize>> = aut
        .generators
        .iter()
        .map(|g| {
            // the diagonal colour forces the same permutation on both
            // sides, so its input half is the vertex permutation
            let mut images: Vec<usize> = (0..v).collect();
            for (i, &x) in core.iter().enumerate() {
                images[x] = core[g.apply(i)];
            }
            images
        })
        .collect();
    for class in classes.iter().filter(|class| class.len() >= 2) {
        let mut swap: Vec<usize> = (0..v).collect();
        swap.swap(class[0], class[1]);
        perms.push(swap);
        if class.len() >= 3 {
            let mut cycle: Vec<usize> = (0..v).collect();
            for (k, &x) in class.iter().enumerate() {
                cycle[x] = class[(k + 1) % class.len()];
            }
            perms.push(cycle);
        }
    }
    let generators = perms
        .into_iter()
        .map(|images| {
            // built as permutations of 0..v just above
            let p = Perm::from_images(&images).expect("a permutation");
            GeneratorPair {
                input: p.clone(),
                output: p,
            }
        })
        .collect();
    let mut factors: Vec<String> = classes
        .iter()
        .filter(|class| class.len() >= 2)
        .map(|class| format!("{}!", class.len()))
        .collect();
    if factors.is_empty() || aut.order != 1u32.into() {
        factors.insert(0, aut.order.to_string());
    }
    let order = factors.join(" x ");
    Instance {
        name: "graph".into(),
        description: format!(
            "automorphism group (order {order}) of a graph with {v} vertices and {} edges, acting on vertices as inputs and outputs",
            graph.edges.len()
        ),
        input_size: v,
        output_size: v,
        generators,
        channels: Channels::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    /// |Aut| by the verifier's search over every vertex (the method the
    /// classes replace), for comparison.
    fn searched_order(graph: &GraphEdges) -> BigUint {
        let v = graph.vertices;
        let loops: BTreeSet<usize> = graph
            .edges
            .iter()
            .filter(|e| e.0 == e.1)
            .map(|e| e.0)
            .collect();
        let mut coloured: Vec<(usize, usize, u32)> = (0..v)
            .map(|x| (x, x, if loops.contains(&x) { 2 } else { 0 }))
            .collect();
        for &(a, b) in graph.edges.iter().filter(|e| e.0 != e.1) {
            coloured.push((a, b, 1));
            coloured.push((b, a, 1));
        }
        let structure = Structure::from_edges(v, v, &coloured);
        crate::verify::automorphisms(&structure, &[]).unwrap().order
    }

    #[test]
    fn isolated_vertices_are_classes_and_the_order_matches_a_full_search() {
        for text in [
            "vertices 8\n0 1\n1 2\n2 3\n3 0\n5 5\n6 6\n",
            "vertices 7\n",
            "vertices 6\n0 1\n2 2\n",
            "vertices 9\n0 1\n0 2\n0 3\n4 4\n",
            "0 1\n1 2\n2 0\n",
        ] {
            let graph = parse_edge_list(text).unwrap();
            let inst = graph_instance(&graph);
            assert_eq!(inst.action().order(), searched_order(&graph), "{text:?}");
            for g in &inst.generators {
                assert_eq!(g.input, g.output);
            }
        }
        // 10001 vertices, one edge: two small generators of Sym(9999), one swap
        let graph = parse_edge_list("0 10000\n").unwrap();
        let inst = graph_instance(&graph);
        assert_eq!(inst.generators.len(), 3);
        assert!(
            inst.description.contains("order 2 x 9999!"),
            "{}",
            inst.description
        );
    }

    #[test]
    fn parse_and_errors() {
        let g = parse_edge_list("# c4\n0 1\n1 2 # edge\n\n2 3\n3 0\n0 1\n").unwrap();
        assert_eq!(g.vertices, 4);
        assert_eq!(g.edges.len(), 4);
        let g = parse_edge_list("vertices 6\n0 1\n").unwrap();
        assert_eq!(g.vertices, 6);
        assert_eq!(
            parse_edge_list("0 1\n1 x\n").unwrap_err().to_string(),
            "line 2: 'x' is not a vertex number (0..4194303)"
        );
        assert!(parse_edge_list("vertices 2\n0 5\n").is_err());
        assert!(parse_edge_list("0 1 2\n").is_err());
        assert!(parse_edge_list("0 1\nvertices 3\n").is_err());
    }

    #[test]
    fn cycle_graph_group_is_dihedral() {
        for n in 3..9usize {
            let text: String = (0..n).map(|i| format!("{i} {}\n", (i + 1) % n)).collect();
            let inst = graph_instance(&parse_edge_list(&text).unwrap());
            assert_eq!(inst.action().order(), BigUint::from(2 * n), "C_{n}");
        }
        // Petersen graph: order 120
        let petersen =
            "0 1\n1 2\n2 3\n3 4\n4 0\n0 5\n1 6\n2 7\n3 8\n4 9\n5 7\n7 9\n9 6\n6 8\n8 5\n";
        let inst = graph_instance(&parse_edge_list(petersen).unwrap());
        assert_eq!(inst.action().order(), BigUint::from(120u32));
        // isolated vertices and a loop: path 0-1 with a loop at 1, plus 2 isolated vertices
        let inst = graph_instance(&parse_edge_list("vertices 4\n0 1\n1 1\n").unwrap());
        assert_eq!(inst.action().order(), BigUint::from(2u32));
    }
}
