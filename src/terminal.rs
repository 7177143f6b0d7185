//! Text for a terminal: group orders of more than 15 digits and long cycle lists shortened.
//!
//! Files always keep every digit (a layer's `group_order` is the exact
//! decimal string); what a person reads in a terminal keeps three
//! significant digits and the exponent, `2.63e200`, because 200 digits of
//! an order say nothing more than that. Witness permutations of thousands of
//! points are cut after whole cycles, with a count of what was left out.

/// Orders with more digits than this are written in scientific notation.
pub const MAX_ORDER_DIGITS: usize = 15;

/// Cycle lists longer than this many characters are cut after a whole cycle.
pub const MAX_CYCLES_CHARS: usize = 160;

/// `digits` (a decimal number) as is when it has at most
/// [`MAX_ORDER_DIGITS`] digits, else rounded to three significant digits:
/// `"263..." (201 digits)` becomes `2.63e200`. Text that is not a run of
/// ASCII digits is returned unchanged.
pub fn short_order(digits: &str) -> String {
    if digits.len() <= MAX_ORDER_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits.to_string();
    }
    let exponent = digits.len() - 1;
    // Round the first four digits to three; a carry (9995... -> 1.00e+1) moves the exponent.
    let head: u32 = digits[..4].parse().expect("four ASCII digits parse");
    let mut rounded = (head + 5) / 10;
    let mut exponent = exponent;
    if rounded >= 1000 {
        rounded /= 10;
        exponent += 1;
    }
    format!("{}.{:02}e{exponent}", rounded / 100, rounded % 100)
}

/// `text` with every run of more than [`MAX_ORDER_DIGITS`] digits replaced
/// by [`short_order`] of it (orders inside notes and sentences).
pub fn shorten_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            out.push_str(&short_order(&run));
            run.clear();
            out.push(c);
        }
    }
    out.push_str(&short_order(&run));
    out
}

/// A cycle list such as `(0 1 2)(3 4)` cut after the last whole cycle that
/// fits in [`MAX_CYCLES_CHARS`] characters, followed by how many cycles
/// were left out: `(0 1 2)(3 4) ... and 1200 more cycles`.
pub fn shorten_cycles(cycles: &str) -> String {
    if cycles.len() <= MAX_CYCLES_CHARS {
        return cycles.to_string();
    }
    // Cycles are ASCII, so the byte index is a character boundary.
    let cut = cycles[..MAX_CYCLES_CHARS]
        .rfind(')')
        .map_or(MAX_CYCLES_CHARS, |at| at + 1);
    let left_out = cycles[cut..].matches('(').count();
    if left_out == 0 {
        return cycles.to_string();
    }
    format!("{} ... and {left_out} more cycles", &cycles[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_orders_stay_and_long_ones_round_to_three_digits() {
        assert_eq!(short_order("43252003274489856000"), "4.33e19");
        assert_eq!(short_order("244823040"), "244823040");
        assert_eq!(short_order("999999999999999"), "999999999999999");
        assert_eq!(short_order("9999999999999999"), "1.00e16");
        assert_eq!(short_order("1000000000000000"), "1.00e15");
        assert_eq!(
            short_order("not a number at all, long"),
            "not a number at all, long"
        );
    }

    #[test]
    fn numbers_inside_text_are_shortened() {
        let text = "closure of order 265252859812191058636308480000000 > 720";
        assert_eq!(shorten_numbers(text), "closure of order 2.65e32 > 720");
    }

    #[test]
    fn long_cycle_lists_are_cut_after_a_whole_cycle() {
        let cycles: String = (0..500)
            .map(|i| format!("({} {})", 2 * i, 2 * i + 1))
            .collect();
        let short = shorten_cycles(&cycles);
        assert!(short.len() < MAX_CYCLES_CHARS + 40, "{short}");
        let kept = short.split(" ... ").next().unwrap();
        assert!(kept.ends_with(')'));
        let left: usize = short
            .split("and ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert_eq!(kept.matches('(').count() + left, 500);
        assert_eq!(shorten_cycles("(0 1)"), "(0 1)");
    }
}
