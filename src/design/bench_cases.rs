//! The search benchmark instances, shared by `benches/search.rs` and `examples/search_numbers.rs`.
use crate::instance::families;
use crate::instance::Instance;

/// The instances the issue asks to solve within 60 s: the 32 x 32 torus,
/// p4 on an 8 x 8 image, D4 on a 16 x 16 image and S6 on 6 x 6 matrices.
pub fn search_benchmarks() -> Vec<Instance> {
    // The family constructors accept these sizes (all far below the limits).
    vec![
        families::torus(32, 32)
            .expect("valid size")
            .natural_instance(),
        families::p4(8).expect("valid size").natural_instance(),
        families::d4(16).expect("valid size").natural_instance(),
        families::tensor(6, 2, 2).expect("valid size"),
    ]
}
