//! The memory budget: how many bytes a design may use, from `--memory-limit` or the machine's own limits.
//!
//! Two ceilings are kept, because two different things kill a process:
//!
//! - *resident memory* (what the OOM killer and a cgroup count): the
//!   `--memory-limit` value, or by default the smaller of physical memory
//!   and the cgroup limit (v2 `memory.max`, v1 `memory.limit_in_bytes`),
//!   less [`margin`];
//! - *address space* (what `RLIMIT_AS`, `ulimit -v` or `prlimit --as`
//!   count, where a failed allocation aborts a Rust program): the soft
//!   limit less [`margin`], whatever `--memory-limit` says.
//!
//! Callers ask [`MemoryBudget::fits`] before a large allocation, with its
//! size, and take a cheaper path (or stop with the best verified result)
//! when it does not fit; long searches also poll
//! [`MemoryBudget::exceeded`] with their stop condition. Usage is read from
//! `/proc/self/statm` (Linux); elsewhere it reads as 0 and only the
//! explicit size checks apply.
use std::fmt;

/// A memory budget in bytes (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryBudget {
    /// The most resident memory the process may use.
    resident: u64,
    /// The most address space it may map (`u64::MAX`: no `RLIMIT_AS`).
    address_space: u64,
}

/// What is kept free below a limit: a tenth of it, at least 256 MiB, at
/// most 2 GiB (thread stacks, allocator slack, and the growth of a solver
/// between two polls).
pub fn margin(limit: u64) -> u64 {
    (limit / 10).clamp(256 << 20, 2 << 30).min(limit / 2)
}

impl MemoryBudget {
    /// The default budget: physical memory, the cgroup limit and
    /// `RLIMIT_AS`, each less [`margin`].
    pub fn from_machine() -> MemoryBudget {
        let resident = [physical_memory(), cgroup_limit()]
            .into_iter()
            .flatten()
            .min()
            .map_or(u64::MAX, |l| l - margin(l));
        MemoryBudget {
            resident,
            address_space: address_space_limit().map_or(u64::MAX, |l| l - margin(l)),
        }
    }

    /// A budget of `bytes` of resident memory (`--memory-limit`); the
    /// address-space limit, if any, still applies.
    pub fn with_limit(bytes: u64) -> MemoryBudget {
        MemoryBudget {
            resident: bytes,
            ..MemoryBudget::from_machine()
        }
    }

    /// The smaller of the two ceilings, in bytes: what a single structure may never exceed.
    pub fn limit(&self) -> u64 {
        self.resident.min(self.address_space)
    }

    /// Whether `bytes` more can be allocated now without crossing a ceiling.
    pub fn fits(&self, bytes: u128) -> bool {
        let usage = Usage::now();
        u128::from(usage.resident) + bytes <= u128::from(self.resident)
            && u128::from(usage.address_space) + bytes <= u128::from(self.address_space)
    }

    /// Whether usage has already crossed a ceiling.
    pub fn exceeded(&self) -> bool {
        !self.fits(0)
    }
}

impl Default for MemoryBudget {
    fn default() -> MemoryBudget {
        MemoryBudget::from_machine()
    }
}

impl fmt::Display for MemoryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", format_bytes(self.limit()))
    }
}

/// `bytes` in the largest binary unit that keeps one decimal (e.g. "5.4 GiB").
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes == u64::MAX {
        return "unlimited".into();
    }
    let mut value = bytes as f64;
    let mut unit = "bytes";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    if unit == "bytes" {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {unit}")
    }
}

/// Parses a byte count: digits with an optional suffix K, M, G or T
/// (binary: K = 1024; case-insensitive, a trailing "B" or "iB" allowed),
/// e.g. `6G`, `512M`, `6000000000`. The error says what was wrong.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let stripped = lower
        .strip_suffix("ib")
        .or_else(|| lower.strip_suffix('b'))
        .unwrap_or(&lower);
    let (digits, shift) = match stripped.chars().last() {
        Some('k') => (&stripped[..stripped.len() - 1], 10),
        Some('m') => (&stripped[..stripped.len() - 1], 20),
        Some('g') => (&stripped[..stripped.len() - 1], 30),
        Some('t') => (&stripped[..stripped.len() - 1], 40),
        _ => (stripped, 0),
    };
    let value: u64 = digits.trim().parse().map_err(|_| {
        format!("{text:?} is not a byte count (digits with an optional K, M, G or T, e.g. 6G)")
    })?;
    if value == 0 {
        return Err(format!("{text:?}: the memory limit must be positive"));
    }
    value
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("{text:?} is too large"))
}

/// The process's current memory use, in bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Usage {
    resident: u64,
    address_space: u64,
}

impl Usage {
    /// Read from `/proc/self/statm` (zero where it cannot be read).
    fn now() -> Usage {
        let Ok(text) = std::fs::read_to_string("/proc/self/statm") else {
            return Usage::default();
        };
        let mut fields = text
            .split_whitespace()
            .map(|f| f.parse::<u64>().unwrap_or(0));
        let page = page_size();
        let address_space = fields.next().unwrap_or(0) * page;
        let resident = fields.next().unwrap_or(0) * page;
        Usage {
            resident,
            address_space,
        }
    }
}

fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions; it returns -1 on error.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 {
        size as u64
    } else {
        4096
    }
}

/// `MemTotal` from `/proc/meminfo`.
fn physical_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kib * 1024)
}

/// The soft `RLIMIT_AS`, if finite.
fn address_space_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit through a valid pointer.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } == 0;
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

/// The memory limit of this process's cgroup (v2 or v1), if one is set.
fn cgroup_limit() -> Option<u64> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let mut candidates: Vec<String> = Vec::new();
    for line in membership.lines() {
        let mut parts = line.splitn(3, ':');
        let (id, controllers, path) = (parts.next(), parts.next(), parts.next());
        let path = path.unwrap_or("/").trim_end_matches('/');
        if id == Some("0") && controllers == Some("") {
            candidates.push(format!("/sys/fs/cgroup{path}/memory.max"));
        } else if controllers.is_some_and(|c| c.split(',').any(|c| c == "memory")) {
            candidates.push(format!("/sys/fs/cgroup/memory{path}/memory.limit_in_bytes"));
        }
    }
    // Inside a container the cgroup is usually mounted at the root.
    candidates.push("/sys/fs/cgroup/memory.max".into());
    candidates.push("/sys/fs/cgroup/memory/memory.limit_in_bytes".into());
    candidates
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        // "max" (v2) and values near 2^63 (v1) mean no limit.
        .filter_map(|v| v.trim().parse::<u64>().ok())
        .filter(|&v| v < 1 << 60)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_counts_parse_with_binary_suffixes() {
        assert_eq!(parse_bytes("6000000000"), Ok(6_000_000_000));
        assert_eq!(parse_bytes("512M"), Ok(512 << 20));
        assert_eq!(parse_bytes("6g"), Ok(6 << 30));
        assert_eq!(parse_bytes("2GiB"), Ok(2 << 30));
        assert_eq!(parse_bytes("64KB"), Ok(64 << 10));
        assert!(parse_bytes("lots")
            .unwrap_err()
            .contains("not a byte count"));
        assert!(parse_bytes("0").is_err());
        assert!(parse_bytes("99999999999T")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn the_default_budget_is_below_physical_memory_and_usage_is_read() {
        let budget = MemoryBudget::from_machine();
        if let Some(total) = physical_memory() {
            assert!(budget.limit() < total);
        }
        assert!(Usage::now().resident > 0);
        assert!(budget.fits(1 << 20));
        assert!(!budget.fits(u128::from(u64::MAX)));
        // A budget smaller than what the test process already holds is exceeded.
        assert!(MemoryBudget::with_limit(4096).exceeded());
    }

    #[test]
    fn margins_scale_with_the_limit() {
        assert_eq!(margin(10 << 30), 1 << 30);
        assert_eq!(margin(1 << 30), 256 << 20);
        assert_eq!(margin(100 << 30), 2 << 30);
        assert_eq!(margin(100 << 20), 50 << 20);
    }
}
