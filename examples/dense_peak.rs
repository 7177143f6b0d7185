//! Times one dense design through the library (instance -> action -> tying), for peak-memory runs under /usr/bin/time -v.
//!
//! Usage: cargo run --release --example dense_peak -- d4 64
//!        cargo run --release --example dense_peak -- tensor 30 2 2

use paramshare::design::dense_tying;
use paramshare::instance::families;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize| -> usize {
        args.get(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("argument {i} must be a number: d4 N | tensor N K L"))
    };
    let start = Instant::now();
    let instance = match args.first().map(String::as_str) {
        Some("d4") => families::d4(number(1))
            .expect("valid side")
            .natural_instance(),
        Some("tensor") => families::tensor(number(1), number(2), number(3)).expect("valid sizes"),
        _ => panic!("usage: dense_peak d4 N | dense_peak tensor N K L"),
    };
    let action = instance.action();
    let chain_done = start.elapsed();
    let orbits = action.edge_orbits();
    let orbits_done = start.elapsed();
    let count = orbits.count();
    drop(orbits);
    let tying = dense_tying(&action);
    let total = start.elapsed();
    println!(
        "{}: {} x {}, {} parameters (= {count}); action {:.4} s, edge orbits {:.4} s, whole dense_tying {:.4} s",
        instance.name,
        instance.output_size,
        instance.input_size,
        tying.parameters(),
        chain_done.as_secs_f64(),
        (orbits_done - chain_done).as_secs_f64(),
        (total - orbits_done).as_secs_f64(),
    );
}
