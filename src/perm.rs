//! Permutations of `0..n` stored as image arrays: compose, invert, power, cycles, parse.
//!
//! Convention (FORMATS.md): `p[i]` is where `i` goes. Products are written in
//! the order they are applied: `a.then(&b)` maps `i` to `b[a[i]]`.

use num_bigint::BigUint;
use num_integer::Integer;
use std::fmt;

/// A permutation of `0..degree`, stored as its image array.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Perm {
    images: Vec<u32>,
}

/// Why a list of images or a cycle string is not a permutation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PermError {
    /// An image is not below the degree.
    #[error("{value} at position {position} is out of range 0..{last}", last = degree.saturating_sub(1))]
    OutOfRange {
        value: i64,
        position: usize,
        degree: usize,
    },
    /// An image appears twice.
    #[error("{value} appears twice, not a permutation of 0..{last}", last = degree.saturating_sub(1))]
    Repeated { value: usize, degree: usize },
    /// The cycle notation could not be parsed.
    #[error("cannot parse cycle notation: {0}")]
    Syntax(String),
}

impl Perm {
    /// The identity on `0..degree`.
    pub fn identity(degree: usize) -> Perm {
        Perm {
            images: (0..degree as u32).collect(),
        }
    }

    /// Builds a permutation from its image array, checking that it is one.
    pub fn from_images(images: &[usize]) -> Result<Perm, PermError> {
        let degree = images.len();
        let mut seen = vec![false; degree];
        for (position, &value) in images.iter().enumerate() {
            if value >= degree {
                return Err(PermError::OutOfRange {
                    value: value as i64,
                    position,
                    degree,
                });
            }
            if seen[value] {
                return Err(PermError::Repeated { value, degree });
            }
            seen[value] = true;
        }
        Ok(Perm {
            images: images.iter().map(|&v| v as u32).collect(),
        })
    }

    /// Builds a permutation from `u32` images without checking; the caller
    /// guarantees a bijection (checked under `debug_assert!`).
    pub fn from_images_unchecked(images: Vec<u32>) -> Perm {
        let p = Perm { images };
        debug_assert!(p.sanity_check());
        p
    }

    /// Parses cycle notation such as `(0 1 2)(3 4)` (commas allowed) on `0..degree`.
    /// `()` or the empty string is the identity.
    pub fn parse_cycles(text: &str, degree: usize) -> Result<Perm, PermError> {
        let mut images: Vec<u32> = (0..degree as u32).collect();
        let mut moved = vec![false; degree];
        let mut rest = text.trim();
        while !rest.is_empty() {
            let body_end = match (rest.strip_prefix('('), rest.find(')')) {
                (Some(_), Some(end)) => end,
                _ => return Err(PermError::Syntax(format!("expected '(...)' at '{rest}'"))),
            };
            let body = &rest[1..body_end];
            rest = rest[body_end + 1..].trim_start();
            let mut cycle = Vec::new();
            for token in body.split(|c: char| c == ',' || c.is_whitespace()) {
                if token.is_empty() {
                    continue;
                }
                let value: i64 = token
                    .parse()
                    .map_err(|_| PermError::Syntax(format!("'{token}' is not a point")))?;
                if value < 0 || value as u64 >= degree as u64 {
                    return Err(PermError::OutOfRange {
                        value,
                        position: cycle.len(),
                        degree,
                    });
                }
                let v = value as usize;
                if moved[v] {
                    return Err(PermError::Repeated { value: v, degree });
                }
                moved[v] = true;
                cycle.push(v);
            }
            for (k, &from) in cycle.iter().enumerate() {
                images[from] = cycle[(k + 1) % cycle.len()] as u32;
            }
        }
        Ok(Perm { images })
    }

    /// The number of points acted on.
    pub fn degree(&self) -> usize {
        self.images.len()
    }

    /// Where `point` goes.
    #[inline]
    pub fn apply(&self, point: usize) -> usize {
        self.images[point] as usize
    }

    /// The image array.
    pub fn images(&self) -> &[u32] {
        &self.images
    }

    /// The image array as `usize`.
    pub fn to_vec(&self) -> Vec<usize> {
        self.images.iter().map(|&v| v as usize).collect()
    }

    /// True when every point is fixed.
    pub fn is_identity(&self) -> bool {
        self.images.iter().enumerate().all(|(i, &v)| i as u32 == v)
    }

    /// `self` followed by `other`: `i` goes to `other[self[i]]`.
    pub fn then(&self, other: &Perm) -> Perm {
        debug_assert_eq!(self.degree(), other.degree());
        Perm {
            images: self
                .images
                .iter()
                .map(|&v| other.images[v as usize])
                .collect(),
        }
    }

    /// The inverse permutation.
    pub fn inverse(&self) -> Perm {
        let mut images = vec![0u32; self.images.len()];
        for (i, &v) in self.images.iter().enumerate() {
            images[v as usize] = i as u32;
        }
        Perm { images }
    }

    /// `self` raised to `exponent` (negative exponents invert), by repeated squaring.
    pub fn pow(&self, exponent: i64) -> Perm {
        let mut base = if exponent < 0 {
            self.inverse()
        } else {
            self.clone()
        };
        let mut e = exponent.unsigned_abs();
        let mut result = Perm::identity(self.degree());
        while e > 0 {
            if e & 1 == 1 {
                result = result.then(&base);
            }
            base = base.then(&base);
            e >>= 1;
        }
        result
    }

    /// The cycles of length at least two, each starting at its smallest point,
    /// in order of that point.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut seen = vec![false; self.degree()];
        let mut cycles = Vec::new();
        for start in 0..self.degree() {
            if seen[start] || self.apply(start) == start {
                continue;
            }
            let mut cycle = vec![start];
            seen[start] = true;
            let mut x = self.apply(start);
            while x != start {
                seen[x] = true;
                cycle.push(x);
                x = self.apply(x);
            }
            cycles.push(cycle);
        }
        cycles
    }

    /// The order: the least common multiple of the cycle lengths (may exceed 64 bits).
    pub fn order(&self) -> BigUint {
        self.cycles().iter().fold(BigUint::from(1u32), |acc, c| {
            acc.lcm(&BigUint::from(c.len()))
        })
    }

    /// The points this permutation moves, in increasing order.
    pub fn support(&self) -> Vec<usize> {
        (0..self.degree()).filter(|&i| self.apply(i) != i).collect()
    }

    /// Restricts to `range`, which the permutation must map onto itself;
    /// returns `None` when it does not.
    pub fn restrict(&self, range: std::ops::Range<usize>) -> Option<Perm> {
        let start = range.start;
        let mut images = Vec::with_capacity(range.len());
        for i in range.clone() {
            let v = self.apply(i);
            if !range.contains(&v) {
                return None;
            }
            images.push((v - start) as u32);
        }
        Some(Perm { images })
    }

    /// The permutation of `0..a.degree() + b.degree()` acting as `a` on the
    /// first block and as `b` (shifted) on the second.
    pub fn disjoint_union(a: &Perm, b: &Perm) -> Perm {
        let shift = a.degree() as u32;
        let images = a
            .images
            .iter()
            .copied()
            .chain(b.images.iter().map(|&v| v + shift))
            .collect();
        Perm { images }
    }

    /// Checks that the image array is a bijection of `0..degree`.
    pub fn sanity_check(&self) -> bool {
        let mut seen = vec![false; self.images.len()];
        self.images.iter().all(|&v| {
            let v = v as usize;
            v < seen.len() && !std::mem::replace(&mut seen[v], true)
        })
    }
}

impl fmt::Display for Perm {
    /// Cycle notation, `()` for the identity.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cycles = self.cycles();
        if cycles.is_empty() {
            return write!(f, "()");
        }
        for c in cycles {
            write!(f, "(")?;
            for (k, x) in c.iter().enumerate() {
                if k > 0 {
                    write!(f, " ")?;
                }
                write!(f, "{x}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Perm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Perm[{}]{}", self.degree(), self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_invert_power() {
        let p = Perm::from_images(&[1, 2, 0, 4, 3]).unwrap();
        assert_eq!(p.then(&p.inverse()), Perm::identity(5));
        assert_eq!(p.pow(6), Perm::identity(5));
        assert_eq!(p.pow(-1), p.inverse());
        assert_eq!(p.pow(2), p.then(&p));
        assert_eq!(p.order(), BigUint::from(6u32));
        assert_eq!(p.to_string(), "(0 1 2)(3 4)");
    }

    #[test]
    fn then_applies_left_first() {
        let a = Perm::parse_cycles("(0 1)", 3).unwrap();
        let b = Perm::parse_cycles("(1 2)", 3).unwrap();
        // 0 -a-> 1 -b-> 2
        assert_eq!(a.then(&b).apply(0), 2);
    }

    #[test]
    fn parse_round_trip_and_errors() {
        let p = Perm::parse_cycles("(0 1 2)(3, 4)", 6).unwrap();
        assert_eq!(p.to_vec(), vec![1, 2, 0, 4, 3, 5]);
        assert_eq!(Perm::parse_cycles(&p.to_string(), 6).unwrap(), p);
        assert!(matches!(
            Perm::parse_cycles("(0 7)", 6),
            Err(PermError::OutOfRange { value: 7, .. })
        ));
        assert!(matches!(
            Perm::parse_cycles("(0 1)(1 2)", 6),
            Err(PermError::Repeated { value: 1, .. })
        ));
        assert!(Perm::parse_cycles("0 1", 6).is_err());
        assert_eq!(
            Perm::from_images(&[0, 0, 2]).unwrap_err().to_string(),
            "0 appears twice, not a permutation of 0..2"
        );
    }

    #[test]
    fn big_order() {
        // cycles of coprime lengths: the primes up to 53, whose product exceeds 2^64
        let primes = [
            2usize, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53,
        ];
        let mut images = Vec::new();
        for &p in &primes {
            let s = images.len();
            images.extend((0..p).map(|k| s + (k + 1) % p));
        }
        let perm = Perm::from_images(&images).unwrap();
        let expected: BigUint = primes.iter().map(|&p| BigUint::from(p)).product();
        assert_eq!(perm.order(), expected);
        assert!(perm.order() > BigUint::from(u64::MAX));
    }

    fn permutations(max: usize) -> impl proptest::strategy::Strategy<Value = Perm> {
        use proptest::prelude::*;
        (1..=max).prop_flat_map(|n| {
            Just((0..n).collect::<Vec<usize>>())
                .prop_shuffle()
                .prop_map(|images| Perm::from_images(&images).expect("a shuffle is a permutation"))
        })
    }

    proptest::proptest! {
        #[test]
        fn algebra_laws(p in permutations(12), k in -30i64..30) {
            let n = p.degree();
            let id = Perm::identity(n);
            proptest::prop_assert_eq!(p.then(&p.inverse()), id.clone());
            proptest::prop_assert_eq!(p.inverse().then(&p), id.clone());
            // p^k p^-k = 1 and p^(k+1) = p^k p
            proptest::prop_assert_eq!(p.pow(k).then(&p.pow(-k)), id.clone());
            proptest::prop_assert_eq!(p.pow(k + 1), p.pow(k).then(&p));
            // the order is the least positive power giving the identity
            let order: usize = p.order().try_into().expect("order of a degree-12 permutation fits");
            proptest::prop_assert!(p.pow(order as i64).is_identity());
            proptest::prop_assert!((1..order).all(|e| !p.pow(e as i64).is_identity()));
            // cycles cover exactly the support, and printing parses back
            let mut covered: Vec<usize> = p.cycles().concat();
            covered.sort_unstable();
            proptest::prop_assert_eq!(covered, p.support());
            proptest::prop_assert_eq!(Perm::parse_cycles(&p.to_string(), n).unwrap(), p.clone());
            let images = p.to_vec();
            proptest::prop_assert_eq!(Perm::from_images(&images).unwrap(), p);
        }

        #[test]
        fn restriction_undoes_disjoint_union(a in permutations(8), b in permutations(8)) {
            let both = Perm::disjoint_union(&a, &b);
            let (m, n) = (a.degree(), b.degree());
            proptest::prop_assert_eq!(both.restrict(0..m), Some(a.clone()));
            proptest::prop_assert_eq!(both.restrict(m..m + n), Some(b));
            proptest::prop_assert_eq!(both.order() >= a.order(), true);
        }
    }
}
