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
//! Twin vertices (equal neighbourhoods) are grouped into classes, each
//! contributing its symmetric group; the rest of the group is computed by
//! the verifier's search with no known group on the quotient by the
//! classes, as a structure with N = M = classes, a colour per class kind on
//! the diagonal and colour 1 on adjacent pairs, whose automorphisms are
//! exactly the quotient graph's, applied to inputs and outputs alike (see
//! [`graph_instance`]).

use super::{Channels, Instance};
use crate::action::GeneratorPair;
use crate::perm::Perm;
use crate::verify::Structure;

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
    let mut edges = Vec::new();
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
        edges.push((u.min(v), u.max(v)));
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
    // a sort, not a tree: K_3000's 4.5 million edges
    edges.sort_unstable();
    edges.dedup();
    Ok(GraphEdges { vertices, edges })
}

/// A 64-bit mix of a vertex number (splitmix64's finaliser), summed over a
/// neighbourhood so that the hash of N[v] is the hash of N(v) plus v's own.
fn mix(x: usize) -> u64 {
    let mut z = (x as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The neighbour lists of a graph without its loops, sorted (CSR: the
/// neighbours of `x` are `list[start[x]..start[x + 1]]`).
struct Neighbours {
    start: Vec<usize>,
    list: Vec<u32>,
}

impl Neighbours {
    fn of(graph: &GraphEdges) -> Neighbours {
        let v = graph.vertices;
        let mut start = vec![0usize; v + 1];
        for &(a, b) in graph.edges.iter().filter(|e| e.0 != e.1) {
            start[a + 1] += 1;
            start[b + 1] += 1;
        }
        for x in 0..v {
            start[x + 1] += start[x];
        }
        let mut fill = start.clone();
        let mut list = vec![0u32; start[v]];
        // edges are sorted (u < v), so every list is filled in increasing
        // order: the (b, x) with b < x first, by b, then the (x, c), by c
        for &(a, b) in graph.edges.iter().filter(|e| e.0 != e.1) {
            list[fill[a]] = b as u32;
            fill[a] += 1;
            list[fill[b]] = a as u32;
            fill[b] += 1;
        }
        Neighbours { start, list }
    }

    fn of_vertex(&self, x: usize) -> &[u32] {
        &self.list[self.start[x]..self.start[x + 1]]
    }
}

/// Whether N[u] = N[v], given the sorted open neighbourhoods `nu` of `u`
/// and `nv` of `v` (each merged with its own vertex).
fn closed_equal(u: u32, nu: &[u32], v: u32, nv: &[u32]) -> bool {
    if nu.len() != nv.len() {
        return false;
    }
    fn with(own: u32, list: &[u32]) -> impl Iterator<Item = u32> + '_ {
        let at = list.partition_point(|&w| w < own);
        list[..at]
            .iter()
            .copied()
            .chain(std::iter::once(own))
            .chain(list[at..].iter().copied())
    }
    with(u, nu).eq(with(v, nv))
}

/// The twin classes of a graph: the classes of the equivalence "the
/// transposition (u v) is an automorphism", which holds exactly when u and
/// v have the same loop status and either N(u) = N(v) (open twins, never
/// adjacent) or N[u] = N[v] (closed twins, adjacent). A class is all open
/// or all closed: if u, v were open twins and v, w closed ones, w would be
/// a neighbour of v hence of u, so u a neighbour of w hence of v, which
/// open twins are not. Each class is sorted; classes come by least member
/// and every vertex is in one (most in a class of its own).
fn twin_classes(v: usize, neighbours: &Neighbours, has_loop: &[bool]) -> Vec<(Vec<usize>, bool)> {
    let open_hash: Vec<u64> = (0..v)
        .map(|x| {
            neighbours
                .of_vertex(x)
                .iter()
                .fold(0u64, |h, &w| h.wrapping_add(mix(w as usize)))
        })
        .collect();
    let mut class_of = vec![usize::MAX; v];
    let mut classes: Vec<(Vec<usize>, bool)> = Vec::new();
    for closed in [false, true] {
        // candidates: equal (hash, loop); confirmed by comparing the lists,
        // so a hash collision never merges vertices that are not twins
        let mut keyed: Vec<(u64, bool, usize)> = (0..v)
            .filter(|&x| class_of[x] == usize::MAX)
            .map(|x| {
                let h = if closed {
                    open_hash[x].wrapping_add(mix(x))
                } else {
                    open_hash[x]
                };
                (h, has_loop[x], x)
            })
            .collect();
        keyed.sort_unstable();
        let same = |x: usize, y: usize| {
            let (nx, ny) = (neighbours.of_vertex(x), neighbours.of_vertex(y));
            if closed {
                closed_equal(x as u32, nx, y as u32, ny)
            } else {
                nx == ny
            }
        };
        for run in keyed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            if run.len() < 2 {
                continue;
            }
            let mut found: Vec<Vec<usize>> = Vec::new();
            for &(_, _, x) in run {
                match found.iter_mut().find(|c| same(c[0], x)) {
                    Some(c) => c.push(x),
                    None => found.push(vec![x]),
                }
            }
            for class in found.into_iter().filter(|c| c.len() >= 2) {
                for &x in &class {
                    class_of[x] = classes.len();
                }
                classes.push((class, closed));
            }
        }
    }
    for (x, &k) in class_of.iter().enumerate() {
        if k == usize::MAX {
            classes.push((vec![x], false));
        }
    }
    for (class, _) in &mut classes {
        class.sort_unstable();
    }
    classes.sort_unstable_by_key(|(class, _)| class[0]);
    classes
}

/// The instance of a graph convolution layer on `graph`: generators of the
/// graph's automorphism group acting on inputs and outputs alike.
///
/// Twin vertices are handled as classes, not searched (the reduction by
/// structurally equivalent vertices, as in [`crate::verify::Twins`] for
/// bipartite structures). With the classes of `twin_classes`, every
/// automorphism maps classes onto classes of the same size, kind (open or
/// closed) and loop status; the quotient Q has one vertex per class,
/// coloured by those, and an edge between two classes when their members
/// are adjacent (all of them are, or none). Then
///
/// ```text
/// Aut(graph) = Aut(Q) ⋉ (Sym(C_1) x ... x Sym(C_r)),  |Aut| = |Aut(Q)| * |C_1|! * ... * |C_r|!
/// ```
///
/// (the kernel of the action on classes is the product of the symmetric
/// groups: every permutation inside a class is a product of automorphic
/// transpositions; an automorphism of Q lifts by mapping a class's members,
/// in increasing order, onto its image's). The generators are Aut(Q)'s,
/// lifted, and a transposition and a cycle of each class. The verifier's
/// search runs on Q only: an empty graph on 3000 vertices, K_{1500,1500},
/// a star or a complete graph has a quotient of one or two vertices (on all
/// V vertices the search built a V x V structure: the empty graph on 3000
/// vertices took over a minute, the single edge `0 10000` over a minute and
/// 2 GB).
pub fn graph_instance(graph: &GraphEdges) -> Instance {
    let v = graph.vertices;
    let mut has_loop = vec![false; v];
    for &(a, b) in &graph.edges {
        if a == b {
            has_loop[a] = true;
        }
    }
    let neighbours = Neighbours::of(graph);
    let classes = twin_classes(v, &neighbours, &has_loop);
    let mut class_of = vec![0usize; v];
    for (k, (class, _)) in classes.iter().enumerate() {
        for &x in class {
            class_of[x] = k;
        }
    }
    // a class's colour on Q's diagonal: its size, kind and loop status
    // (numbered from 2 in sorted order; colour 1 marks Q's edges)
    let kind = |(class, closed): &(Vec<usize>, bool)| (class.len(), *closed, has_loop[class[0]]);
    let mut kinds: Vec<(usize, bool, bool)> = classes.iter().map(kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let q = classes.len();
    let mut coloured: Vec<(usize, usize, u32)> = classes
        .iter()
        .enumerate()
        .map(|(k, c)| {
            // `kinds` holds every class's kind
            let colour = kinds.binary_search(&kind(c)).expect("a listed kind");
            (k, k, 2 + colour as u32)
        })
        .collect();
    for (k, (class, _)) in classes.iter().enumerate() {
        // members of one class have the same neighbours outside it
        for &w in neighbours.of_vertex(class[0]) {
            let other = class_of[w as usize];
            if other != k {
                coloured.push((k, other, 1));
            }
        }
    }
    let structure = Structure::from_edges(q, q, &coloured);
    let aut = crate::verify::automorphisms(&structure, &[])
        // there are no known generators to reject
        .expect("no known generators");
    let mut perms: Vec<Vec<usize>> = aut
        .generators
        .iter()
        .map(|g| {
            // the diagonal colours force the same permutation on both
            // sides, so its input half is the class permutation; classes
            // map onto classes of their size, member by member
            let mut images: Vec<usize> = (0..v).collect();
            for (k, (class, _)) in classes.iter().enumerate() {
                let (image, _) = &classes[g.apply(k)];
                for (&x, &y) in class.iter().zip(image) {
                    images[x] = y;
                }
            }
            images
        })
        .collect();
    for (class, _) in classes.iter().filter(|(class, _)| class.len() >= 2) {
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
    let order = order_text(&aut.order, &classes);
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

/// `|Aut(Q)| x k! x ...` with the class sizes largest first and a repeated
/// factor written once with a power (`2!^40`); `|Aut(Q)|` left out when it
/// is 1 and there are classes.
fn order_text(quotient_order: &num_bigint::BigUint, classes: &[(Vec<usize>, bool)]) -> String {
    let mut sizes: Vec<usize> = classes
        .iter()
        .map(|(c, _)| c.len())
        .filter(|&k| k >= 2)
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let mut factors: Vec<String> = sizes
        .chunk_by(|a, b| a == b)
        .map(|run| match run.len() {
            1 => format!("{}!", run[0]),
            m => format!("{}!^{m}", run[0]),
        })
        .collect();
    if factors.is_empty() || *quotient_order != 1u32.into() {
        factors.insert(0, quotient_order.to_string());
    }
    factors.join(" x ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use std::collections::BTreeSet;

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
        // 10001 vertices, one edge: two small generators of Sym(9999), and
        // the edge's ends are closed twins: one swap
        let graph = parse_edge_list("0 10000\n").unwrap();
        let inst = graph_instance(&graph);
        assert_eq!(inst.generators.len(), 3);
        assert!(
            inst.description.contains("order 9999! x 2!"),
            "{}",
            inst.description
        );
    }

    /// The edge list of the complete bipartite graph K_{a,b}.
    fn complete_bipartite(a: usize, b: usize) -> String {
        (0..a)
            .flat_map(|x| (a..a + b).map(move |y| format!("{x} {y}\n")))
            .collect()
    }

    #[test]
    fn twin_classes_match_a_full_search_and_the_generators_are_automorphisms() {
        let complete = |n: usize| -> String {
            (0..n)
                .flat_map(|x| (x + 1..n).map(move |y| format!("{x} {y}\n")))
                .collect()
        };
        let star: String = (1..7).map(|x| format!("0 {x}\n")).collect();
        for text in [
            complete_bipartite(3, 4),
            complete_bipartite(3, 3),
            star,
            complete(5),
            // K_5 with loops on three vertices: two closed classes
            format!("{}0 0\n1 1\n2 2\n", complete(5)),
            // path 0-1-2: the ends are open twins
            "0 1\n1 2\n".to_string(),
            // complete tripartite K_{2,2,3}: three open classes, Aut(Q) = 2
            "0 2\n0 3\n1 2\n1 3\n0 4\n0 5\n0 6\n1 4\n1 5\n1 6\n2 4\n2 5\n2 6\n3 4\n3 5\n3 6\n"
                .to_string(),
            // two triangles joined at a vertex, and an isolated looped pair
            "vertices 7\n0 1\n1 2\n2 0\n0 3\n3 4\n4 0\n5 5\n6 6\n".to_string(),
            // the 4-cycle: opposite vertices are open twins
            "0 1\n1 2\n2 3\n3 0\n".to_string(),
        ] {
            let graph = parse_edge_list(&text).unwrap();
            let inst = graph_instance(&graph);
            assert_eq!(inst.action().order(), searched_order(&graph), "{text:?}");
            let edges: BTreeSet<(usize, usize)> = graph.edges.iter().copied().collect();
            for g in &inst.generators {
                assert_eq!(g.input, g.output);
                for &(a, b) in &graph.edges {
                    let (x, y) = (g.input.apply(a), g.input.apply(b));
                    assert!(edges.contains(&(x.min(y), x.max(y))), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn big_twin_classes_need_only_a_few_generators() {
        let inst = graph_instance(&parse_edge_list(&complete_bipartite(1500, 1500)).unwrap());
        // the two sides swapped, and a swap and a cycle of each side
        assert_eq!(inst.generators.len(), 5);
        assert!(
            inst.description.contains("order 2 x 1500!^2"),
            "{}",
            inst.description
        );
        let star: String = (1..=5000).map(|x| format!("0 {x}\n")).collect();
        let inst = graph_instance(&parse_edge_list(&star).unwrap());
        assert_eq!(inst.generators.len(), 2);
        assert!(
            inst.description.contains("order 5000!"),
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
