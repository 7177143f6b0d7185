//! A proptest-driven fuzzer for everything that reads user files: arbitrary
//! and mutated instance JSON, mutated layer JSON, and arbitrary small tying
//! matrices. No input may panic, hang or allocate without bound; every
//! rejection must be an error value.
//!
//! By default each target runs a few hundred cases (part of the ordinary
//! test suite). With `PARAMSHARE_FUZZ_SECONDS=N` each target keeps drawing
//! fresh cases for N seconds (CI does this, see `.ci/run`).
//!
//! Guards that turn silent trouble into a failing run:
//! - a counting global allocator refuses any single allocation above
//!   [`MAX_ALLOCATION`] and any live total above [`MAX_LIVE`], printing the
//!   input that asked before the process aborts;
//! - a watchdog aborts, printing the input, when one case runs longer than
//!   [`MAX_CASE_SECONDS`].

use paramshare::design::oracle::BruteForceOracle;
use paramshare::design::{design_layer, DesignOptions, Method};
use paramshare::instance::Instance;
use paramshare::layer::Layer;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// No single allocation while fuzzing may exceed this.
const MAX_ALLOCATION: usize = 1 << 30;
/// Nor may all live allocations together.
const MAX_LIVE: usize = 4 << 30;
/// No single case may run longer than this.
const MAX_CASE_SECONDS: u64 = 30;
/// Layers larger than this are parsed but not designed (they would be
/// legitimate, just slow).
const MAX_DESIGN_ENTRIES: usize = 1 << 16;

/// The system allocator with a cap: refusing makes the process abort with
/// "memory allocation of N bytes failed", after printing the current input.
struct CappedAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static REPORTING: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for CappedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !admit(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() && !admit(new_size - layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            if new_size > layout.size() {
                LIVE.fetch_sub(new_size - layout.size(), Ordering::Relaxed);
            }
        } else if new_size < layout.size() {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        p
    }
}

/// Counts `extra` more live bytes, or refuses (and reports) past the caps.
fn admit(extra: usize) -> bool {
    let live = LIVE.fetch_add(extra, Ordering::Relaxed) + extra;
    if extra <= MAX_ALLOCATION && live <= MAX_LIVE {
        return true;
    }
    LIVE.fetch_sub(extra, Ordering::Relaxed);
    if !REPORTING.swap(true, Ordering::SeqCst) {
        // Stderr is unbuffered; writing a borrowed slice does not allocate.
        let mut err = std::io::stderr();
        let _ = err.write_all(b"\nfuzz: allocation refused (over the fuzzing cap); input was:\n");
        if let Ok(guard) = CURRENT.try_lock() {
            let _ = err.write_all(guard.as_bytes());
        }
        let _ = err.write_all(b"\n");
    }
    false
}

#[global_allocator]
static ALLOCATOR: CappedAllocator = CappedAllocator;

/// The input of the case being run (for the allocator and the watchdog).
static CURRENT: Mutex<String> = Mutex::new(String::new());
/// When the current case started, in milliseconds since the watchdog began; 0 when idle.
static CASE_STARTED_MS: AtomicU64 = AtomicU64::new(0);

/// Starts the watchdog once per process.
fn watchdog() -> Instant {
    static START: Mutex<Option<Instant>> = Mutex::new(None);
    let mut start = START.lock().unwrap();
    if let Some(s) = *start {
        return s;
    }
    let s = Instant::now();
    *start = Some(s);
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(250));
        let began = CASE_STARTED_MS.load(Ordering::Relaxed);
        let now = s.elapsed().as_millis() as u64;
        if began != 0 && now.saturating_sub(began) > MAX_CASE_SECONDS * 1000 {
            let input = CURRENT.lock().map(|g| g.clone()).unwrap_or_default();
            eprintln!(
                "\nfuzz: one case ran over {MAX_CASE_SECONDS}s (a hang); input was:\n{input}"
            );
            std::process::abort();
        }
    });
    s
}

/// Runs `check` under the guards with `label` as the input shown on trouble.
/// Cases run one at a time: the test binary's targets share the guards.
fn guarded<T>(label: &str, check: impl FnOnce() -> T) -> T {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let start = watchdog();
    {
        let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
        current.clear();
        current.push_str(label);
    }
    CASE_STARTED_MS.store(start.elapsed().as_millis() as u64 + 1, Ordering::Relaxed);
    let result = check();
    CASE_STARTED_MS.store(0, Ordering::Relaxed);
    result
}

/// Runs a property either for the default number of cases or, with
/// `PARAMSHARE_FUZZ_SECONDS`, in fresh batches until that time is spent.
fn fuzz<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let seconds: Option<u64> = std::env::var("PARAMSHARE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let batch = Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    };
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let mut total = 0u64;
    loop {
        let mut runner = TestRunner::new(batch.clone());
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("fuzz target {name}: {e}");
        }
        total += batch.cases as u64;
        match deadline {
            Some(d) if Instant::now() < d => continue,
            _ => break,
        }
    }
    println!("fuzz target {name}: {total} cases, no failure");
}

// ---------------------------------------------------------------- inputs

/// A random permutation of `0..n` as an image array.
fn perm(n: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..n).collect::<Vec<usize>>()).prop_shuffle()
}

/// A valid instance: sizes up to 8, up to 3 random generator pairs.
fn valid_instance() -> impl Strategy<Value = Value> {
    (0usize..8, 0usize..8, 0usize..4).prop_flat_map(|(n, m, k)| {
        (
            Just(n),
            Just(m),
            proptest::collection::vec((perm(n), perm(m)), k),
            proptest::option::of((1usize..4, 1usize..4)),
        )
            .prop_map(|(n, m, gens, channels)| {
                let gens: Vec<Value> = gens
                    .into_iter()
                    .map(|(i, o)| json!({"input": i, "output": o}))
                    .collect();
                let mut v =
                    json!({"name": "fuzz", "input_size": n, "output_size": m, "generators": gens});
                if let Some((ci, co)) = channels {
                    v["channels"] = json!({"input": ci, "output": co});
                }
                v
            })
    })
}

/// JSON leaves that exercise every type check and numeric edge.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-3i64..10).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just(16_777_216i64),
            Just(16_777_217),
            Just(i32::MAX as i64),
            Just(u32::MAX as i64),
            Just(-1)
        ]
        .prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
        Just(Value::from("paramshare-layer/1")),
    ]
}

const KEYS: &[&str] = &[
    "name",
    "description",
    "input_size",
    "output_size",
    "generators",
    "input",
    "output",
    "channels",
    "format",
    "tying",
    "parameters",
    "edges",
    "exact",
    "optimal",
    "group_order",
    "automorphism_order",
    "method",
];

/// Arbitrary JSON with the instance and layer vocabulary as object keys.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..8).prop_map(
                |kv| { Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),) }
            ),
        ]
    })
}

/// An instance-shaped object: each field absent, arbitrary, or plausible.
fn instance_shaped() -> impl Strategy<Value = Value> {
    let size = prop_oneof![4 => (0u64..6).prop_map(Value::from), 1 => leaf()];
    let image = prop_oneof![
        4 => proptest::collection::vec((-1i64..7).prop_map(Value::from), 0..7).prop_map(Value::Array),
        1 => arbitrary_json(),
    ];
    let pair = prop_oneof![
        6 => (proptest::option::of(image.clone()), proptest::option::of(image)).prop_map(|(i, o)| {
            let mut m = serde_json::Map::new();
            if let Some(i) = i { m.insert("input".into(), i); }
            if let Some(o) = o { m.insert("output".into(), o); }
            Value::Object(m)
        }),
        1 => arbitrary_json(),
    ];
    let generators = prop_oneof![
        5 => proptest::collection::vec(pair, 0..4).prop_map(Value::Array),
        1 => arbitrary_json(),
    ];
    (
        proptest::option::of(size.clone()),
        proptest::option::of(size),
        proptest::option::of(generators),
        proptest::option::of(arbitrary_json()),
        proptest::option::of(leaf()),
    )
        .prop_map(|(n, m, g, channels, name)| {
            let mut obj = serde_json::Map::new();
            for (k, v) in [
                ("input_size", n),
                ("output_size", m),
                ("generators", g),
                ("channels", channels),
                ("name", name),
            ] {
                if let Some(v) = v {
                    obj.insert(k.into(), v);
                }
            }
            Value::Object(obj)
        })
}

/// One edit of a file's bytes.
#[derive(Clone, Debug)]
enum Mutation {
    Truncate(Index),
    FlipBit(Index, u8),
    Insert(Index, u8),
    Delete(Index, usize),
    /// Replace the k-th number in the text by a hostile token.
    ReplaceNumber(Index, &'static str),
    /// Wrap the whole text in `depth` arrays.
    Nest(usize),
    /// Copy a slice of the text to another place.
    Duplicate(Index, Index, usize),
}

const HOSTILE: &[&str] = &[
    "-1",
    "-4",
    "1e400",
    "1e300",
    "18446744073709551616",
    "16777217",
    "2147483647",
    "2147483646",
    "1000000000",
    "4294967296",
    "4.5",
    "1.0",
    "-0",
    "\"7\"",
    "null",
    "true",
    "[]",
    "{}",
    "[[[[[[[[0]]]]]]]]",
    "99999999999999999999999999999999999999",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<Index>(), 1usize..16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        3 => (any::<Index>(), proptest::sample::select(HOSTILE))
            .prop_map(|(i, t)| Mutation::ReplaceNumber(i, t)),
        1 => (1usize..200).prop_map(Mutation::Nest),
        1 => (any::<Index>(), any::<Index>(), 1usize..40)
            .prop_map(|(a, b, n)| Mutation::Duplicate(a, b, n)),
    ]
}

/// Applies one mutation to `bytes`.
fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len();
    match m {
        Mutation::Truncate(i) if len > 0 => bytes.truncate(i.index(len)),
        Mutation::FlipBit(i, b) if len > 0 => bytes[i.index(len)] ^= 1 << b,
        Mutation::Insert(i, b) => bytes.insert(i.index(len + 1), *b),
        Mutation::Delete(i, n) if len > 0 => {
            let at = i.index(len);
            bytes.drain(at..(at + n).min(len));
        }
        Mutation::ReplaceNumber(i, token) => {
            let numbers: Vec<(usize, usize)> = number_spans(bytes);
            if !numbers.is_empty() {
                let (a, b) = numbers[i.index(numbers.len())];
                bytes.splice(a..b, token.bytes());
            }
        }
        Mutation::Nest(depth) => {
            let mut out = vec![b'['; *depth];
            out.append(bytes);
            out.extend(std::iter::repeat_n(b']', *depth));
            *bytes = out;
        }
        Mutation::Duplicate(a, b, n) if len > 0 => {
            let from = a.index(len);
            let piece: Vec<u8> = bytes[from..(from + n).min(len)].to_vec();
            let to = b.index(len + 1);
            bytes.splice(to..to, piece);
        }
        _ => {}
    }
}

/// Byte ranges of the integer tokens in `bytes`.
fn number_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit()
            || (bytes[i] == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

// ---------------------------------------------------------------- checks

/// Everything `info` and `design --method dense` do with an instance, on
/// the library: none of it may panic. Big-but-valid layers are only size-checked.
fn exercise_instance(inst: &Instance) {
    let entries = inst.input_size.saturating_mul(inst.output_size);
    let size_ok = paramshare::design::check_size(inst.input_size, inst.output_size).is_ok();
    if inst.input_size + inst.output_size > 4096 {
        return;
    }
    let action = inst.action();
    let order = action.order();
    assert!(order >= 1u32.into());
    let _ = (action.is_free_on_inputs(), action.is_free_on_outputs());
    let _ = (action.trivial_on_inputs(), action.trivial_on_outputs());
    if !size_ok || entries > MAX_DESIGN_ENTRIES {
        return;
    }
    // Planted answer: the two edge-orbit algorithms agree.
    assert_eq!(action.edge_orbits(), action.edge_orbits_union_find());
    let layer = design_layer(inst, &action, &DesignOptions::new(Method::Dense))
        .expect("a small instance designs");
    // The written layer reads back as the same layer.
    let text = layer.to_json_string();
    let back = Layer::from_json_str(&text).expect("a written layer reads back");
    assert_eq!(back.tying, layer.tying);
    assert_eq!(back.parameters, layer.parameters);
    assert_eq!(back.edges, layer.edges);
}

/// Parses instance text; on success exercises it; on failure checks the error is usable.
fn check_instance_text(text: &str) {
    match Instance::from_json_str(text) {
        Ok(inst) => exercise_instance(&inst),
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// Parses layer text; an accepted layer must satisfy FORMATS.md and round-trip.
fn check_layer_text(text: &str) {
    match Layer::from_json_str(text) {
        Ok(layer) => {
            let t = &layer.tying;
            assert_eq!((t.rows, t.cols), (layer.output_size, layer.input_size));
            assert_eq!(t.data.len(), t.rows * t.cols);
            assert_eq!(
                layer.edges,
                t.data.iter().filter(|&&v| v >= 0).count() as u64
            );
            let mut seen = vec![false; layer.parameters];
            for &v in &t.data {
                assert!(v >= -1);
                if v >= 0 {
                    seen[v as usize] = true;
                }
            }
            assert!(seen.iter().all(|&s| s), "indices not exactly 0..parameters");
            let again = Layer::from_json_str(&layer.to_json_string()).expect("round trip");
            assert_eq!(again.tying, layer.tying);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

// ---------------------------------------------------------------- targets

#[test]
fn fuzz_arbitrary_instance_json() {
    fuzz(
        "arbitrary instance JSON",
        prop_oneof![arbitrary_json(), instance_shaped()],
        |v| {
            let text = v.to_string();
            guarded(&text, || check_instance_text(&text));
            Ok(())
        },
    );
}

#[test]
fn fuzz_valid_instances_parse_and_design() {
    fuzz("valid instances", valid_instance(), |v| {
        let text = v.to_string();
        guarded(&text, || {
            let inst = Instance::from_json_str(&text).expect("a valid instance parses");
            assert_eq!(Instance::from_json_value(&inst.to_json()).unwrap(), inst);
            exercise_instance(&inst);
        });
        Ok(())
    });
}

#[test]
fn fuzz_mutated_instance_json() {
    let strategy = (
        valid_instance(),
        proptest::bool::ANY,
        proptest::collection::vec(mutation(), 1..5),
    );
    fuzz(
        "mutated instance JSON",
        strategy,
        |(v, pretty, mutations)| {
            let mut bytes = if pretty {
                serde_json::to_vec_pretty(&v).unwrap()
            } else {
                serde_json::to_vec(&v).unwrap()
            };
            for m in &mutations {
                mutate(&mut bytes, m);
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            guarded(&text, || check_instance_text(&text));
            Ok(())
        },
    );
}

/// A valid layer file (the dense design of a valid instance), as text.
fn valid_layer_text() -> impl Strategy<Value = String> {
    valid_instance().prop_map(|v| {
        let inst = Instance::from_json_value(&v).expect("valid instance");
        let action = inst.action();
        design_layer(&inst, &action, &DesignOptions::new(Method::Dense))
            .expect("small design")
            .to_json_string()
    })
}

#[test]
fn fuzz_mutated_layer_json() {
    let strategy = (
        valid_layer_text(),
        proptest::collection::vec(mutation(), 1..5),
    );
    fuzz("mutated layer JSON", strategy, |(text, mutations)| {
        let mut bytes = text.into_bytes();
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        guarded(&text, || check_layer_text(&text));
        Ok(())
    });
}

/// Whether a tying matrix is valid by FORMATS.md, decided independently.
fn tying_is_valid(rows: &[Vec<i64>]) -> bool {
    let flat: Vec<i64> = rows.iter().flatten().copied().collect();
    if flat.iter().any(|&v| v < -1 || v > i32::MAX as i64 - 1) {
        return false;
    }
    let max = flat.iter().copied().max().unwrap_or(-1);
    (0..=max).all(|p| flat.contains(&p))
}

#[test]
fn fuzz_arbitrary_tying_matrices() {
    // Planted answer: whether the parser accepts is decided by `tying_is_valid`.
    let strategy = (0usize..6, 0usize..6).prop_flat_map(|(m, n)| {
        proptest::collection::vec(proptest::collection::vec(-2i64..7, n), m)
            .prop_map(move |rows| (n, rows))
    });
    fuzz("arbitrary tying matrices", strategy, |(n, rows)| {
        let m = rows.len();
        let text = json!({
            "format": "paramshare-layer/1",
            "input_size": n,
            "output_size": m,
            "generators": [],
            "tying": rows,
        })
        .to_string();
        let accepted = guarded(&text, || {
            let result = Layer::from_json_str(&text);
            check_layer_text(&text);
            result.is_ok()
        });
        prop_assert_eq!(accepted, tying_is_valid(&rows), "{}", text);
        Ok(())
    });
}

#[test]
fn fuzz_mutated_instances_through_the_binary() {
    // `design -o`: exit 0 with a valid layer written, or 2 with nothing written.
    let instances = valid_instance().prop_map(|v| serde_json::to_vec(&v).unwrap());
    fuzz_through_binary("design", instances, false);
}

#[test]
fn fuzz_verifier_on_arbitrary_tying_matrices() {
    // Arbitrary tying matrices (any entries >= -1, any shape, sometimes not
    // the action's) with a random group: the verifier never panics, rejects
    // a wrong shape, and, when G preserves the pattern, finds |Aut| equal
    // to the brute-force count (sizes up to 4) and a multiple of |G|.
    let strategy = (
        valid_instance(),
        0usize..5,
        0usize..5,
        proptest::bool::weighted(0.8),
    )
        .prop_flat_map(|(inst, rows, cols, same_shape)| {
            let n = inst["input_size"].as_u64().unwrap() as usize;
            let m = inst["output_size"].as_u64().unwrap() as usize;
            let (r, c) = if same_shape { (m, n) } else { (rows, cols) };
            (
                Just(inst),
                Just((r, c)),
                proptest::collection::vec(-1i32..4, r * c),
                proptest::bool::weighted(0.3),
            )
        });
    fuzz(
        "verifier on tying matrices",
        strategy,
        |(inst, (rows, cols), data, use_dense)| {
            let label = format!("{inst} tying {rows}x{cols} {data:?} dense={use_dense}");
            guarded(&label, || -> Result<(), TestCaseError> {
                let inst = Instance::from_json_value(&inst).expect("valid instance");
                let action = inst.action();
                let tying = if use_dense {
                    paramshare::design::dense_tying(&action)
                } else {
                    paramshare::layer::Tying { rows, cols, data }
                };
                let shape_ok = tying.rows == inst.output_size && tying.cols == inst.input_size;
                let equivariant = shape_ok
                    && action.pairs().iter().all(|g| {
                        (0..tying.rows).all(|m| {
                            (0..tying.cols).all(|n| {
                                tying.get(g.output.apply(m), g.input.apply(n)) == tying.get(m, n)
                            })
                        })
                    });
                match paramshare::verify::verify_exact(&tying, &action) {
                    Ok(verdict) => {
                        prop_assert!(equivariant, "accepted a pattern G does not preserve");
                        let g = action.order();
                        prop_assert_eq!(&verdict.automorphism_order % &g, 0u32.into());
                        prop_assert_eq!(verdict.is_exact(), verdict.automorphism_order == g);
                        if tying.rows <= 4 && tying.cols <= 4 {
                            prop_assert_eq!(
                                verdict.automorphism_order,
                                (BruteForceOracle::all_automorphisms(&tying).len() as u64).into()
                            );
                        }
                    }
                    Err(paramshare::verify::VerifyError::ShapeMismatch { .. }) => {
                        prop_assert!(!shape_ok)
                    }
                    Err(paramshare::verify::VerifyError::NotAnAutomorphism { .. }) => {
                        prop_assert!(shape_ok && !equivariant)
                    }
                }
                Ok(())
            })
        },
    );
}

#[test]
fn fuzz_mutated_layers_through_verify() {
    // `verify -o`: exit 0 (exact) or 1 (not exact) with a valid layer
    // written, or 2 with nothing written.
    let layers = valid_layer_text().prop_map(String::into_bytes);
    fuzz_through_binary("verify", layers, true);
}

/// Runs `paramshare COMMAND INPUT -o OUT` on mutated files from `files`
/// (24 cases, 400 with `PARAMSHARE_FUZZ_SECONDS`: each case starts a
/// process). Exit 0 must leave exactly OUT, a valid layer; exit 2 nothing;
/// exit 1, when `not_exact_allowed` (`verify`), at most OUT (nothing when the
/// pattern is not even G-equivariant). Anything else, such as a panic's 101
/// or a signal, fails.
fn fuzz_through_binary(
    command: &str,
    files: impl Strategy<Value = Vec<u8>>,
    not_exact_allowed: bool,
) {
    let dir = tempfile::tempdir().unwrap();
    let strategy = (files, proptest::collection::vec(mutation(), 0..4));
    let seconds: u64 = std::env::var("PARAMSHARE_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut runner = TestRunner::new(Config {
        cases: if seconds > 0 { 400 } else { 24 },
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |(mut bytes, mutations)| {
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        let input = dir.path().join("input.json");
        let out_dir = dir.path().join("out");
        std::fs::create_dir_all(&out_dir).unwrap();
        let out = out_dir.join("output.json");
        let _ = std::fs::remove_file(&out);
        std::fs::write(&input, &bytes).unwrap();
        let status = assert_cmd::Command::cargo_bin("paramshare")
            .unwrap()
            .arg(command)
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap()
            .status
            .code();
        let left: Vec<_> = std::fs::read_dir(&out_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        match status {
            Some(0) => {
                prop_assert_eq!(left.len(), 1, "{}", text);
                let written = std::fs::read_to_string(&out).unwrap();
                prop_assert!(Layer::from_json_str(&written).is_ok(), "{}", text);
            }
            Some(1) if not_exact_allowed => {
                prop_assert!(left.len() <= 1, "{:?} left for {}", left, text)
            }
            Some(2) => prop_assert!(left.is_empty(), "{:?} left for {}", left, text),
            other => prop_assert!(false, "{} exit {:?} for {}", command, other, text),
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
