//! Stabiliser-chain orders and membership against sympy (an oracle no one here wrote).
//!
//! Random groups on up to 12 points (seeded, the same every run): full
//! random generators, generators with small support (intransitive groups)
//! and block-preserving generators (imprimitive groups); plus the named
//! groups. `tests/oracle/group_orders.py` prints sympy's orders and
//! memberships. Needs python3 with sympy; with PARAMSHARE_REQUIRE_ORACLES=1
//! a missing oracle fails the test instead of skipping it.

use crate::oracles::{require_oracle, Oracle};
use num_bigint::BigUint;
use paramshare::group::{named, proved_order, StabilizerChain};
use paramshare::perm::Perm;
use rand::rngs::ChaCha8Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{RngExt, SeedableRng};
use std::io::Write;
use std::process::{Command, Stdio};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/group_orders.py");

/// One group to compare: its generators and permutations to test for membership.
struct Case {
    degree: usize,
    generators: Vec<Perm>,
    tests: Vec<Perm>,
}

fn shuffled(degree: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut images: Vec<usize> = (0..degree).collect();
    images.shuffle(rng);
    images
}

fn perm(images: &[usize]) -> Perm {
    Perm::from_images(images).expect("constructed as a permutation")
}

/// A random generator: fully random, random on a random subset of the
/// points, or preserving blocks of a fixed size.
fn random_generator(degree: usize, block: usize, rng: &mut ChaCha8Rng) -> Perm {
    match rng.random_range(0..3) {
        0 => perm(&shuffled(degree, rng)),
        1 => {
            let size = rng.random_range(1..=degree);
            let support: Vec<usize> = shuffled(degree, rng).into_iter().take(size).collect();
            let mut moved = support.clone();
            moved.shuffle(rng);
            let mut images: Vec<usize> = (0..degree).collect();
            for (&from, &to) in support.iter().zip(&moved) {
                images[from] = to;
            }
            perm(&images)
        }
        _ => {
            // blocks {0..block}, {block..2 block}, ...; the tail past the last full block is fixed
            let blocks = degree / block;
            let top = shuffled(blocks, rng);
            let mut images: Vec<usize> = (0..degree).collect();
            for (b, &to) in top.iter().enumerate() {
                let inside = shuffled(block, rng);
                for (i, &j) in inside.iter().enumerate() {
                    images[b * block + i] = to * block + j;
                }
            }
            perm(&images)
        }
    }
}

fn random_cases(count: usize, seed: u64) -> Vec<Case> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let degree = rng.random_range(1..=12);
            let divisors: Vec<usize> = (1..=degree).filter(|b| degree % b == 0).collect();
            let block = *divisors.choose(&mut rng).expect("1 divides every degree");
            let generators = (0..rng.random_range(0..=3))
                .map(|_| random_generator(degree, block, &mut rng))
                .collect::<Vec<_>>();
            let mut tests: Vec<Perm> = (0..4)
                .map(|_| random_generator(degree, block, &mut rng))
                .collect();
            if let (Some(a), Some(b)) = (generators.first(), generators.last()) {
                tests.push(a.then(b).then(&a.inverse()));
            }
            Case {
                degree,
                generators,
                tests,
            }
        })
        .collect()
}

fn named_cases() -> Vec<Case> {
    let s5 = named::symmetric(5);
    vec![
        Case {
            degree: 24,
            generators: named::mathieu24(),
            tests: vec![Perm::parse_cycles("(0 1)(2 3)", 24).unwrap()],
        },
        Case {
            degree: 48,
            generators: named::rubik_cube(),
            tests: vec![named::rubik_cube()[0].then(&named::rubik_cube()[3])],
        },
        Case {
            degree: 25,
            generators: named::on_ordered_pairs(5, &s5),
            tests: vec![Perm::parse_cycles("(0 1)", 25).unwrap()],
        },
    ]
}

/// Runs the sympy script; one line of answers per case.
fn sympy_answers(cases: &[Case]) -> Vec<String> {
    let images = |p: &Perm| p.to_vec();
    let json = serde_json::Value::Array(
        cases
            .iter()
            .map(|c| {
                serde_json::json!({
                    "degree": c.degree,
                    "generators": c.generators.iter().map(images).collect::<Vec<_>>(),
                    "tests": c.tests.iter().map(images).collect::<Vec<_>>(),
                })
            })
            .collect(),
    );
    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(json.to_string().as_bytes())
        .expect("the script reads its input");
    let out = child.wait_with_output().expect("the script finishes");
    assert!(
        out.status.success(),
        "group_orders.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("the script prints ASCII")
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn orders_and_membership_agree_with_sympy() {
    if !require_oracle(Oracle::Python("sympy"), "the sympy group oracle test") {
        return;
    }
    let mut cases = random_cases(150, 20_261_127);
    cases.extend(named_cases());
    let answers = sympy_answers(&cases);
    assert_eq!(answers.len(), cases.len(), "one answer line per case");
    let mut orders = std::collections::BTreeSet::new();
    let mut members = 0;
    for (case, line) in cases.iter().zip(&answers) {
        let chain = StabilizerChain::new(case.degree, &case.generators);
        let mut ours = vec![chain.order().to_string()];
        ours.extend(
            case.tests
                .iter()
                .map(|t| if chain.contains(t) { "1" } else { "0" }.to_string()),
        );
        assert_eq!(
            ours.join(" "),
            *line,
            "degree {} generators {:?}",
            case.degree,
            case.generators
        );
        orders.insert(chain.order());
        members += ours[1..].iter().filter(|a| *a == "1").count();
    }
    // The random cases must be varied enough to mean something.
    eprintln!(
        "{} cases, {} distinct orders, {members} member tests true",
        cases.len(),
        orders.len()
    );
    assert!(orders.len() >= 30, "only {} distinct orders", orders.len());
    assert!(members >= 50, "only {members} memberships");
    assert!(orders.contains(&BigUint::from(244_823_040u32)));
}

/// Groups shaped for the shortcuts of `proved_order`, relabelled at random:
/// a transposition and a cycle through some of its points, blocks swapped
/// with transpositions inside, a rotation and a reflection (with or
/// without a third generator), and a random r with a power or a random s.
fn shaped_cases(count: usize, seed: u64) -> Vec<Case> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|k| {
            let degree = rng.random_range(3..=12);
            let mut generators = Vec::new();
            let line = |f: &dyn Fn(usize) -> usize| perm(&(0..degree).map(f).collect::<Vec<_>>());
            match k % 4 {
                0 => {
                    let len = rng.random_range(2..=degree);
                    generators.push(line(&|x| if x < len { (x + 1) % len } else { x }));
                    let (a, b) = (rng.random_range(0..degree), rng.random_range(0..degree));
                    if a != b {
                        generators.push(Perm::parse_cycles(&format!("({a} {b})"), degree).unwrap());
                    }
                }
                1 => {
                    let half = degree / 2;
                    generators.push(line(&|x| {
                        if x < 2 * half {
                            (x + half) % (2 * half)
                        } else {
                            x
                        }
                    }));
                    generators.push(Perm::parse_cycles("(0 1)", degree).unwrap());
                    if rng.random_bool(0.5) {
                        generators.push(line(&|x| if x < half { (x + 1) % half } else { x }));
                    }
                }
                2 => {
                    generators.push(line(&|x| (x + 1) % degree));
                    generators.push(line(&|x| (degree - x) % degree));
                    if rng.random_bool(0.3) {
                        generators.push(random_generator(degree, 1, &mut rng));
                    }
                }
                _ => {
                    let r = perm(&shuffled(degree, &mut rng));
                    let s = if rng.random_bool(0.5) {
                        r.pow(rng.random_range(2..6))
                    } else {
                        perm(&shuffled(degree, &mut rng))
                    };
                    generators.extend([r, s]);
                }
            }
            let relabel = perm(&shuffled(degree, &mut rng));
            let inverse = relabel.inverse();
            let generators = generators
                .iter()
                .map(|g| inverse.then(g).then(&relabel))
                .collect();
            Case {
                degree,
                generators,
                tests: Vec::new(),
            }
        })
        .collect()
}

#[test]
fn proved_orders_agree_with_sympy() {
    if !require_oracle(Oracle::Python("sympy"), "the sympy proved-order test") {
        return;
    }
    let mut cases = shaped_cases(200, 13);
    cases.extend(random_cases(100, 7));
    // each group also on two copies of its points, as a layer's joint action
    let doubled: Vec<Case> = cases
        .iter()
        .map(|c| Case {
            degree: 2 * c.degree,
            generators: c
                .generators
                .iter()
                .map(|g| Perm::disjoint_union(g, g))
                .collect(),
            tests: Vec::new(),
        })
        .collect();
    cases.extend(doubled);
    let answers = sympy_answers(&cases);
    assert_eq!(answers.len(), cases.len(), "one answer line per case");
    let mut proved = 0;
    for (case, line) in cases.iter().zip(&answers) {
        if let Some(order) = proved_order(case.degree, &case.generators) {
            // the line is sympy's order, then its membership answers
            assert_eq!(
                order.to_string(),
                line.split(' ').next().unwrap_or(""),
                "degree {} generators {:?}",
                case.degree,
                case.generators
            );
            proved += 1;
        }
    }
    eprintln!(
        "{proved} of {} orders proved, all equal to sympy's",
        cases.len()
    );
    assert!(proved >= 300, "only {proved} proved");
}
