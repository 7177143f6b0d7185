//! splitmix64, the one 64-bit mixing function: the verifier's refinement traces and the search's seeded tie-breaking both use it.

/// Sebastiano Vigna's splitmix64 finaliser: a cheap, well-mixed 64-bit hash
/// (each input bit flips about half the output bits).
#[inline]
pub(crate) fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
