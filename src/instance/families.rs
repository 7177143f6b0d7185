//! Family constructors: instances for the standard groups, their actions on inputs and outputs, products and channels.
//!
//! Every group is given by a few generators (two to four), never by listing
//! its elements; the regular action is the one exception, and it enumerates
//! the group only up to [`REGULAR_ORDER_LIMIT`] elements.
//!
//! Index conventions: an image pixel `(r, c)` of an `a x b` grid is point
//! `r * b + c`; a tensor index `(i_1, ..., i_k)` over `0..n` is the base-`n`
//! number `i_1 i_2 ... i_k` (first index most significant); in nested sets
//! element `e` of set `s` is point `s * k + e`; in a product the pair
//! `(x, y)` is point `x * size_of_second + y`.

pub use super::graph::{graph_instance, parse_edge_list, EdgeListError, GraphEdges};
use super::{Channels, Instance, MAX_SIDE};
use crate::action::GeneratorPair;
use crate::group::StabilizerChain;
use crate::perm::{Perm, PermError};
use std::fmt;
use std::str::FromStr;

/// The largest group whose regular action (on its own elements) we build.
pub const REGULAR_ORDER_LIMIT: usize = 40_320;

/// The most channels a side may have (as in the instance reader).
pub const MAX_CHANNELS: usize = 1 << 16;

/// Why a family's arguments do not describe an instance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FamilyError {
    /// An argument is out of range for its family; `argument` names it.
    #[error("{argument}: {message}")]
    Argument { argument: String, message: String },
    /// A generator given in cycle notation is not a permutation.
    #[error("generator {index} ({side}): {source}")]
    Generator {
        index: usize,
        side: &'static str,
        source: PermError,
    },
}

fn argument_error(argument: &str, message: impl Into<String>) -> FamilyError {
    FamilyError::Argument {
        argument: argument.into(),
        message: message.into(),
    }
}

/// Checks `1 <= value` (or `minimum <= value`) and `value <= MAX_SIDE`.
fn check_range(argument: &str, value: usize, minimum: usize) -> Result<(), FamilyError> {
    if value < minimum {
        return Err(argument_error(
            argument,
            format!("{value} is too small (at least {minimum})"),
        ));
    }
    if value as u64 > MAX_SIDE {
        return Err(argument_error(
            argument,
            format!("{value} is too large (at most {MAX_SIDE} points per side)"),
        ));
    }
    Ok(())
}

/// `count` points on one side, checked against [`MAX_SIDE`] without overflow.
fn checked_side(argument: &str, factors: &[usize]) -> Result<usize, FamilyError> {
    let mut total: u64 = 1;
    for &f in factors {
        total = total.saturating_mul(f as u64);
    }
    if total > MAX_SIDE {
        return Err(argument_error(
            argument,
            format!("{total} points is too many (at most {MAX_SIDE} per side)"),
        ));
    }
    Ok(total as usize)
}

/// The permutation `i -> f(i)` of `0..degree`; `f` must be a bijection.
fn perm_from_fn(degree: usize, f: impl Fn(usize) -> usize) -> Perm {
    let images: Vec<usize> = (0..degree).map(f).collect();
    Perm::from_images(&images).expect("family maps are bijections by construction")
}

/// Drops identities and repeated generators, keeping the first occurrence.
fn tidy(gens: Vec<Perm>) -> Vec<Perm> {
    let mut kept: Vec<Perm> = Vec::with_capacity(gens.len());
    for g in gens {
        if !g.is_identity() && !kept.contains(&g) {
            kept.push(g);
        }
    }
    kept
}

/// One family's group acting on its natural set of `degree` points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupAction {
    /// A short file-friendly name, e.g. `dihedral-5`.
    pub name: String,
    /// What the group is and how it acts, in one phrase.
    pub description: String,
    pub degree: usize,
    pub generators: Vec<Perm>,
}

/// How the group acts on one side of the layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideAction {
    /// The family's own action (n points, the image pixels, ...).
    Natural,
    /// Every element fixes all of this many points (trivial:1 on the
    /// outputs is invariant pooling).
    Trivial(usize),
    /// The group acting on its own elements by left multiplication (group
    /// convolution); point 0 is the identity, elements sorted by image array.
    Regular,
}

impl FromStr for SideAction {
    type Err = String;

    /// Parses `natural` (or `same`), `trivial`, `trivial:K` or `regular`.
    fn from_str(text: &str) -> Result<SideAction, String> {
        match text {
            "natural" | "same" => Ok(SideAction::Natural),
            "trivial" => Ok(SideAction::Trivial(1)),
            "regular" => Ok(SideAction::Regular),
            other => match other.strip_prefix("trivial:").map(str::parse::<usize>) {
                Some(Ok(k)) if k >= 1 && k as u64 <= MAX_SIDE => Ok(SideAction::Trivial(k)),
                _ => Err(format!(
                    "'{other}' is not an action: use natural, trivial, trivial:K (K from 1 to {MAX_SIDE}) or regular"
                )),
            },
        }
    }
}

impl fmt::Display for SideAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SideAction::Natural => write!(f, "natural"),
            SideAction::Trivial(k) => write!(f, "trivial:{k}"),
            SideAction::Regular => write!(f, "regular"),
        }
    }
}

impl GroupAction {
    fn new(name: String, description: String, degree: usize, generators: Vec<Perm>) -> Self {
        GroupAction {
            name,
            description,
            degree,
            generators: tidy(generators),
        }
    }

    /// The generators' images under `side`, with that side's size; fails
    /// for the regular action of a group above [`REGULAR_ORDER_LIMIT`].
    fn side(&self, side: SideAction, argument: &str) -> Result<(usize, Vec<Perm>), FamilyError> {
        match side {
            SideAction::Natural => Ok((self.degree, self.generators.clone())),
            SideAction::Trivial(k) => {
                check_range(argument, k, 1)?;
                Ok((k, vec![Perm::identity(k); self.generators.len()]))
            }
            SideAction::Regular => self.regular(argument),
        }
    }

    /// The left-regular action: generator `s` sends element `h` to `s h`
    /// (`h` applied first, then `s`), a homomorphism for `Perm::then`.
    fn regular(&self, argument: &str) -> Result<(usize, Vec<Perm>), FamilyError> {
        let chain = StabilizerChain::new(self.degree, &self.generators);
        let mut elements = chain.elements(REGULAR_ORDER_LIMIT).ok_or_else(|| {
            argument_error(
                argument,
                format!(
                    "the regular action of {} (order {}) has too many points (at most {REGULAR_ORDER_LIMIT})",
                    self.name,
                    chain.order()
                ),
            )
        })?;
        elements.sort();
        let gens = self
            .generators
            .iter()
            .map(|s| {
                perm_from_fn(elements.len(), |i| {
                    let image = elements[i].then(s);
                    elements
                        .binary_search(&image)
                        .expect("the group is closed under multiplication")
                })
            })
            .collect();
        Ok((elements.len(), gens))
    }

    /// The instance where this group acts on the inputs by `input` and on
    /// the outputs by `output`.
    pub fn instance(&self, input: SideAction, output: SideAction) -> Result<Instance, FamilyError> {
        let (input_size, input_gens) = self.side(input, "input action")?;
        let (output_size, output_gens) = self.side(output, "output action")?;
        let mut name = self.name.clone();
        for (tag, side) in [("in", input), ("out", output)] {
            match side {
                SideAction::Natural => {}
                SideAction::Trivial(k) => name.push_str(&format!("-{tag}-trivial{k}")),
                SideAction::Regular => name.push_str(&format!("-{tag}-regular")),
            }
        }
        let describe = |side: SideAction| match side {
            SideAction::Natural => "the same action".to_string(),
            SideAction::Trivial(1) => "1 fixed point (invariant)".to_string(),
            SideAction::Trivial(k) => format!("{k} fixed points (invariant)"),
            SideAction::Regular => "the group's own elements (regular action)".to_string(),
        };
        let description = match (input, output) {
            (SideAction::Natural, SideAction::Natural) => {
                format!("{}; inputs and outputs alike", self.description)
            }
            (SideAction::Natural, out) => {
                format!(
                    "{} on the inputs; outputs: {}",
                    self.description,
                    describe(out)
                )
            }
            (inp, out) => format!(
                "{}; inputs: {}; outputs: {}",
                self.description,
                describe(inp),
                describe(out)
            ),
        };
        Ok(Instance {
            name,
            description,
            input_size,
            output_size,
            generators: input_gens
                .into_iter()
                .zip(output_gens)
                .map(|(input, output)| GeneratorPair { input, output })
                .collect(),
            channels: Channels::default(),
        })
    }

    /// The same action on inputs and outputs.
    pub fn natural_instance(&self) -> Instance {
        self.instance(SideAction::Natural, SideAction::Natural)
            .expect("the natural action on both sides always exists")
    }
}

/// The `n`-cycle `i -> i + 1 mod n` on `0..n`.
fn rotation(n: usize) -> Perm {
    perm_from_fn(n, |i| (i + 1) % n)
}

/// The cyclic group C_n rotating `n` points (`n >= 1`).
pub fn cyclic(n: usize) -> Result<GroupAction, FamilyError> {
    check_range("n", n, 1)?;
    Ok(GroupAction::new(
        format!("cyclic-{n}"),
        format!("C{n} (order {n}) rotating {n} points"),
        n,
        vec![rotation(n)],
    ))
}

/// The dihedral group D_n (order 2n) of an n-gon on its `n` vertices (`n >= 3`).
pub fn dihedral(n: usize) -> Result<GroupAction, FamilyError> {
    check_range("n", n, 3)?;
    Ok(GroupAction::new(
        format!("dihedral-{n}"),
        format!(
            "D{n} (order {}) rotating and reflecting {n} points on a circle",
            2 * n
        ),
        n,
        vec![rotation(n), perm_from_fn(n, |i| (n - i) % n)],
    ))
}

/// The transposition (0 1) and the n-cycle: generators of S_n.
fn symmetric_generators(n: usize) -> Vec<Perm> {
    let swap = perm_from_fn(n, |i| match i {
        0 if n >= 2 => 1,
        1 => 0,
        _ => i,
    });
    tidy(vec![swap, rotation(n)])
}

/// The symmetric group S_n permuting `n` points (`n >= 1`).
pub fn symmetric(n: usize) -> Result<GroupAction, FamilyError> {
    check_range("n", n, 1)?;
    Ok(GroupAction::new(
        format!("symmetric-{n}"),
        format!("S{n} (order {n}!) permuting {n} points"),
        n,
        symmetric_generators(n),
    ))
}

/// The alternating group A_n on `n` points (`n >= 1`; trivial below 3),
/// generated by (0 1 2) and the cycle (0 ... n-1) for odd `n`, (1 ... n-1) for even `n`.
pub fn alternating(n: usize) -> Result<GroupAction, FamilyError> {
    check_range("n", n, 1)?;
    let gens = if n < 3 {
        Vec::new()
    } else {
        let three_cycle = perm_from_fn(n, |i| if i < 3 { (i + 1) % 3 } else { i });
        let long = if n % 2 == 1 {
            rotation(n)
        } else {
            perm_from_fn(n, |i| if i == 0 { 0 } else { i % (n - 1) + 1 })
        };
        vec![three_cycle, long]
    };
    Ok(GroupAction::new(
        format!("alternating-{n}"),
        format!("A{n} (order {n}!/2) permuting {n} points by even permutations"),
        n,
        gens,
    ))
}

/// Translations of an `a x b` torus (Z_a x Z_b), pixel `(r, c)` at `r * b + c`.
pub fn torus(a: usize, b: usize) -> Result<GroupAction, FamilyError> {
    check_range("rows", a, 1)?;
    check_range("columns", b, 1)?;
    let size = checked_side("rows x columns", &[a, b])?;
    let down = perm_from_fn(size, |p| ((p / b + 1) % a) * b + p % b);
    let right = perm_from_fn(size, |p| (p / b) * b + (p % b + 1) % b);
    Ok(GroupAction::new(
        format!("torus-{a}x{b}"),
        format!(
            "Z{a} x Z{b} (order {}): circular translations of the {a} x {b} image",
            a * b
        ),
        size,
        vec![down, right],
    ))
}

/// p4 (or p4m with `flips`): translations and quarter turns (and mirrors) of an `n x n` torus image.
fn wallpaper(n: usize, flips: bool) -> Result<GroupAction, FamilyError> {
    check_range("n", n, 3)?;
    let size = checked_side("n x n", &[n, n])?;
    let right = perm_from_fn(size, |p| (p / n) * n + (p % n + 1) % n);
    // quarter turn about pixel (0, 0): (r, c) -> (c, -r)
    let turn = perm_from_fn(size, |p| (p % n) * n + (n - p / n) % n);
    let mut gens = vec![right, turn];
    let (name, group, order) = if flips {
        // mirror about column 0: (r, c) -> (r, -c)
        gens.push(perm_from_fn(size, |p| (p / n) * n + (n - p % n) % n));
        ("p4m", "translations, quarter turns and mirrors", 8 * n * n)
    } else {
        ("p4", "translations and quarter turns", 4 * n * n)
    };
    Ok(GroupAction::new(
        format!("{name}-{n}x{n}"),
        format!("{name} (order {order}): {group} of the {n} x {n} torus image"),
        size,
        gens,
    ))
}

/// The wallpaper group p4 on an `n x n` torus image (`n >= 3`): order 4n^2.
pub fn p4(n: usize) -> Result<GroupAction, FamilyError> {
    wallpaper(n, false)
}

/// The wallpaper group p4m on an `n x n` torus image (`n >= 3`): order 8n^2.
pub fn p4m(n: usize) -> Result<GroupAction, FamilyError> {
    wallpaper(n, true)
}

/// C4 (or D4 with `flips`): quarter turns (and mirrors) of an `n x n` image about its centre.
fn point_group(n: usize, flips: bool) -> Result<GroupAction, FamilyError> {
    check_range("n", n, 2)?;
    let size = checked_side("n x n", &[n, n])?;
    // (r, c) -> (c, n - 1 - r): a quarter turn about the centre
    let turn = perm_from_fn(size, |p| (p % n) * n + (n - 1 - p / n));
    let mut gens = vec![turn];
    let (name, group, order) = if flips {
        // (r, c) -> (r, n - 1 - c): left-right mirror
        gens.push(perm_from_fn(size, |p| (p / n) * n + (n - 1 - p % n)));
        ("d4", "D4 (order 8): quarter turns and mirrors", 8)
    } else {
        ("c4", "C4 (order 4): quarter turns", 4)
    };
    debug_assert!(order == 4 || order == 8);
    Ok(GroupAction::new(
        format!("{name}-{n}x{n}"),
        format!("{group} of the {n} x {n} image about its centre"),
        size,
        gens,
    ))
}

/// C4 turning an `n x n` image about its centre (`n >= 2`).
pub fn c4(n: usize) -> Result<GroupAction, FamilyError> {
    point_group(n, false)
}

/// D4 turning and mirroring an `n x n` image about its centre (`n >= 2`).
pub fn d4(n: usize) -> Result<GroupAction, FamilyError> {
    point_group(n, true)
}

/// Nested sets: S_k wr S_d permuting `d` sets of `k` elements (element `e`
/// of set `s` is point `s * k + e`); order k!^d d!.
pub fn nested_sets(k: usize, d: usize) -> Result<GroupAction, FamilyError> {
    check_range("set size", k, 1)?;
    check_range("sets", d, 1)?;
    let size = checked_side("sets x set size", &[k, d])?;
    let within = |f: &dyn Fn(usize) -> usize| perm_from_fn(size, |p| if p < k { f(p) } else { p });
    let between = |f: &dyn Fn(usize) -> usize| perm_from_fn(size, |p| f(p / k) * k + p % k);
    let swap = |x: usize| match x {
        0 => 1,
        1 => 0,
        _ => x,
    };
    let mut gens = Vec::new();
    if k >= 2 {
        gens.push(within(&swap));
        gens.push(within(&|e| (e + 1) % k));
    }
    if d >= 2 {
        gens.push(between(&swap));
        gens.push(between(&|s| (s + 1) % d));
    }
    Ok(GroupAction::new(
        // "D sets of K" in words: the bundled nested-sets-3x4 (3 sets of 4) was
        // named by hand, and "KxD" after the argument order read the other way
        format!("nested-sets-{d}-sets-of-{k}"),
        format!("S{k} wr S{d} (order {k}!^{d} {d}!): {d} sets of {k} elements, permuted within and between sets"),
        size,
        gens,
    ))
}

/// Lifts a permutation of `0..n` to `k`-tuples over `0..n` (base-`n` indices).
fn lift_to_tuples(sigma: &Perm, n: usize, k: u32, size: usize) -> Perm {
    perm_from_fn(size, |mut t| {
        let (mut image, mut place) = (0, 1);
        for _ in 0..k {
            image += sigma.apply(t % n) * place;
            t /= n;
            place *= n;
        }
        image
    })
}

/// S_n acting on `k`-index tensors in (n^k inputs) and `l`-index tensors
/// out (n^l outputs), the same permutation on every index.
pub fn tensor(n: usize, k: usize, l: usize) -> Result<Instance, FamilyError> {
    check_range("n", n, 1)?;
    let input_size = checked_side("n^k", &vec![n; k])?;
    let output_size = checked_side("n^l", &vec![n; l])?;
    let generators = symmetric_generators(n)
        .iter()
        .map(|s| GeneratorPair {
            input: lift_to_tuples(s, n, k as u32, input_size),
            output: lift_to_tuples(s, n, l as u32, output_size),
        })
        .collect();
    Ok(Instance {
        name: format!("tensor-s{n}-{k}to{l}"),
        description: format!(
            "S{n} acting on {k}-index tensors in ({input_size} inputs) and {l}-index tensors out ({output_size} outputs), permuting every index alike"
        ),
        input_size,
        output_size,
        generators,
        channels: Channels::default(),
    })
}

/// `p` on the first factor of an `a x b` product (`first`) or the second.
fn on_factor(p: &Perm, a: usize, b: usize, first: bool) -> Perm {
    if first {
        perm_from_fn(a * b, |x| p.apply(x / b) * b + x % b)
    } else {
        perm_from_fn(a * b, |x| (x / b) * b + p.apply(x % b))
    }
}

/// The direct product G1 x G2 acting on N1 x N2 and M1 x M2 (pair `(x, y)`
/// at `x * size2 + y`); channel counts multiply.
pub fn product(first: &Instance, second: &Instance) -> Result<Instance, FamilyError> {
    let (n1, n2) = (first.input_size, second.input_size);
    let (m1, m2) = (first.output_size, second.output_size);
    let input_size = checked_side("input sizes", &[n1, n2])?;
    let output_size = checked_side("output sizes", &[m1, m2])?;
    let lift = |g: &GeneratorPair, is_first: bool| GeneratorPair {
        input: on_factor(&g.input, n1, n2, is_first),
        output: on_factor(&g.output, m1, m2, is_first),
    };
    let generators = first
        .generators
        .iter()
        .map(|g| lift(g, true))
        .chain(second.generators.iter().map(|g| lift(g, false)))
        .collect();
    let channels = Channels {
        input: first.channels.input * second.channels.input,
        output: first.channels.output * second.channels.output,
    };
    if channels.input > MAX_CHANNELS || channels.output > MAX_CHANNELS {
        return Err(argument_error(
            "channels",
            format!(
                "the product has {} x {} channels, more than {MAX_CHANNELS}",
                channels.input, channels.output
            ),
        ));
    }
    Ok(Instance {
        name: format!("{}-x-{}", first.name, second.name),
        description: format!(
            "direct product of [{}] and [{}], acting on pairs",
            first.description, second.description
        ),
        input_size,
        output_size,
        generators,
        channels,
    })
}

/// An instance from generators in cycle notation: each entry is
/// `"INPUT_CYCLES / OUTPUT_CYCLES"`, or just `"CYCLES"` for the same
/// cycles on both sides (e.g. `"(0 1 2) / (0 5 4 3 2 1)"`).
pub fn from_cycles(
    input_size: usize,
    output_size: usize,
    generators: &[String],
) -> Result<Instance, FamilyError> {
    check_range("inputs", input_size, 1)?;
    check_range("outputs", output_size, 1)?;
    let mut pairs = Vec::with_capacity(generators.len());
    for (index, text) in generators.iter().enumerate() {
        let (input_text, output_text) = match text.split_once('/') {
            Some((i, o)) => (i, o),
            None => (text.as_str(), text.as_str()),
        };
        let parse = |text: &str, degree: usize, side: &'static str| {
            Perm::parse_cycles(text, degree).map_err(|source| FamilyError::Generator {
                index,
                side,
                source,
            })
        };
        pairs.push(GeneratorPair {
            input: parse(input_text, input_size, "input")?,
            output: parse(output_text, output_size, "output")?,
        });
    }
    Ok(Instance {
        name: "cycles".into(),
        description: format!(
            "a group given by {} generator{} in cycle notation on {input_size} inputs and {output_size} outputs",
            pairs.len(),
            if pairs.len() == 1 { "" } else { "s" }
        ),
        input_size,
        output_size,
        generators: pairs,
        channels: Channels::default(),
    })
}

/// `instance` with `input` and `output` channels (each from 1 to [`MAX_CHANNELS`]).
pub fn with_channels(
    mut instance: Instance,
    input: usize,
    output: usize,
) -> Result<Instance, FamilyError> {
    for (argument, k) in [("input channels", input), ("output channels", output)] {
        if k == 0 || k > MAX_CHANNELS {
            return Err(argument_error(
                argument,
                format!("{k} is out of range 1..{MAX_CHANNELS}"),
            ));
        }
    }
    instance.channels = Channels { input, output };
    Ok(instance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    fn order(g: &GroupAction) -> BigUint {
        StabilizerChain::new(g.degree, &g.generators).order()
    }

    fn factorial(n: u32) -> BigUint {
        (1..=n).map(BigUint::from).product()
    }

    #[test]
    fn orders_of_point_families() {
        assert_eq!(order(&cyclic(7).unwrap()), BigUint::from(7u32));
        assert_eq!(order(&cyclic(1).unwrap()), BigUint::from(1u32));
        for n in 3..9 {
            assert_eq!(order(&dihedral(n).unwrap()), BigUint::from(2 * n));
        }
        for n in 1..9u32 {
            assert_eq!(order(&symmetric(n as usize).unwrap()), factorial(n));
            let alt = if n < 2 {
                BigUint::from(1u32)
            } else {
                factorial(n) / 2u32
            };
            assert_eq!(order(&alternating(n as usize).unwrap()), alt, "A{n}");
        }
    }

    #[test]
    fn orders_of_image_families() {
        assert_eq!(order(&torus(3, 5).unwrap()), BigUint::from(15u32));
        for n in [3usize, 4, 6] {
            assert_eq!(order(&p4(n).unwrap()), BigUint::from(4 * n * n));
            assert_eq!(order(&p4m(n).unwrap()), BigUint::from(8 * n * n));
        }
        for n in [2usize, 3, 8] {
            assert_eq!(order(&c4(n).unwrap()), BigUint::from(4u32));
            assert_eq!(order(&d4(n).unwrap()), BigUint::from(8u32));
        }
    }

    #[test]
    fn nested_sets_order_and_generator_count() {
        let g = nested_sets(3, 4).unwrap();
        assert_eq!(g.degree, 12);
        assert!(g.generators.len() <= 4);
        assert_eq!(order(&g), factorial(3).pow(4) * factorial(4));
        assert_eq!(nested_sets(1, 1).unwrap().generators.len(), 0);
    }

    #[test]
    fn regular_action_is_regular() {
        let inst = dihedral(5)
            .unwrap()
            .instance(SideAction::Natural, SideAction::Regular)
            .unwrap();
        assert_eq!(inst.output_size, 10);
        let action = inst.action();
        assert_eq!(action.order(), BigUint::from(10u32));
        assert!(action.is_free_on_outputs());
        assert_eq!(action.output_orbits().len(), 1);
        assert!(action.trivial_on_outputs().is_empty());
        assert!(action.trivial_on_inputs().is_empty());
    }

    #[test]
    fn trivial_output_is_pooling() {
        let inst = symmetric(5)
            .unwrap()
            .instance(SideAction::Natural, SideAction::Trivial(1))
            .unwrap();
        assert_eq!(inst.output_size, 1);
        assert_eq!(inst.action().edge_orbits().count(), 1);
    }

    #[test]
    fn tensor_and_product_shapes() {
        let t = tensor(4, 2, 1).unwrap();
        assert_eq!((t.input_size, t.output_size), (16, 4));
        assert_eq!(t.action().order(), factorial(4));
        let p = product(&cyclic(3).unwrap().natural_instance(), &t).unwrap();
        assert_eq!((p.input_size, p.output_size), (48, 12));
        assert_eq!(p.action().order(), factorial(4) * 3u32);
    }

    #[test]
    fn cycles_and_errors() {
        let inst = from_cycles(3, 6, &["(0 1 2) / (0 5 4 3 2 1)".into()]).unwrap();
        assert_eq!(inst.action().order(), BigUint::from(6u32));
        let err = from_cycles(3, 3, &["(0 1)".into(), "(0 7)".into()]).unwrap_err();
        assert!(
            err.to_string().starts_with("generator 1 (input): "),
            "{err}"
        );
        assert_eq!(
            dihedral(2).unwrap_err().to_string(),
            "n: 2 is too small (at least 3)"
        );
        assert!(tensor(100, 5, 0).is_err());
        assert!("trivial:0".parse::<SideAction>().is_err());
        assert_eq!("trivial:3".parse(), Ok(SideAction::Trivial(3)));
        assert!(with_channels(cyclic(2).unwrap().natural_instance(), 0, 1).is_err());
    }
}
