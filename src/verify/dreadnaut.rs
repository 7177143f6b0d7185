//! Export of a structure as a vertex-coloured graph in nauty's dreadnaut syntax.
//!
//! Encoding: vertices `0..N` are the inputs and `N..N+M` the outputs; every
//! edge `(n, m)` of colour `c` becomes a subdivision vertex joined to `n` and
//! to `N + m`, numbered from `N + M` on in order of colour. The partition
//! command `f=[inputs | outputs | colour 0 | colour 1 | ...]` keeps each class
//! fixed setwise. This is sound: a graph automorphism permutes the inputs,
//! the outputs and the subdivision vertices of each colour among themselves,
//! and a subdivision vertex is determined by its two neighbours, so graph
//! automorphisms and structure automorphisms correspond one to one.

use super::structure::Structure;
use std::io::{self, Write};

/// Writes `structure` as a dreadnaut script that prints the automorphism
/// group order (`grpsize=`) when piped into `dreadnaut`. Prepend `At` for
/// Traces or `As` for sparse nauty.
pub fn write_dreadnaut(structure: &Structure, out: &mut dyn Write) -> io::Result<()> {
    let (n_in, n_out) = (structure.inputs(), structure.outputs());
    let points = structure.points();
    // Subdivision vertices grouped by colour: counting sort over the edges.
    let mut per_colour = vec![0usize; structure.colours()];
    for m in n_in..points {
        for &(_, c) in structure.neighbours(m) {
            per_colour[c as usize] += 1;
        }
    }
    let mut next = Vec::with_capacity(per_colour.len());
    let mut total = 0;
    for &k in &per_colour {
        next.push(total);
        total += k;
    }
    // by_colour[s - N - M]: the (input, output) ends of subdivision vertex s
    let mut by_colour = vec![(0u32, 0u32); total];
    for m in n_in..points {
        for &(n, c) in structure.neighbours(m) {
            by_colour[next[c as usize]] = (n, m as u32);
            next[c as usize] += 1;
        }
    }
    writeln!(
        out,
        "! paramshare structure: {n_in} inputs, {n_out} outputs, {} coloured edges as subdivision vertices",
        structure.edges()
    )?;
    writeln!(out, "n={} $=0 g", points + total)?;
    // Vertices in increasing order, each line ending with ';' (next vertex)
    // except the last, which ends the graph with '.'.
    for (k, (n, m)) in by_colour.iter().enumerate() {
        let end = if k + 1 == total { '.' } else { ';' };
        writeln!(out, "{}: {n} {m}{end}", points + k)?;
    }
    if total == 0 {
        writeln!(out, ".")?;
    }
    let mut cells = Vec::new();
    let mut start = 0;
    for size in [n_in, n_out].into_iter().chain(per_colour.iter().copied()) {
        if size > 0 {
            cells.push(format!("{}:{}", start, start + size - 1));
        }
        start += size;
    }
    writeln!(out, "f=[{}]", cells.join("|"))?;
    writeln!(out, "-a -m x")
}
