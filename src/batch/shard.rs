//! `--shard I/N`: a deterministic slice of a batch's jobs, the same on every machine.
//!
//! A job belongs to shard `hash(KEY.METHOD) mod N`, with FNV-1a (64 bits)
//! as the hash: it depends only on the job's name, never on the machine,
//! the file order or the Rust version (std's `DefaultHasher` promises none
//! of that), so N processes started anywhere agree on the split without
//! talking to each other. Hashing spreads slow and fast instances alike;
//! the methods of one instance land on different shards, so the slow
//! optimal searches are spread too.

use super::BatchJob;

/// The `index`-th of `count` slices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// In `0..count`.
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `I/N`. `I` is taken modulo `N`, so both 0-based numbering
    /// (`0/3 1/3 2/3`, Kubernetes' `JOB_COMPLETION_INDEX`) and 1-based
    /// (`1/3 2/3 3/3`, a Slurm `--array=1-3`) name every shard once.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("'{text}' is not I/N (shard I of N, e.g. 0/4; I from 0 to N)");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 {
            return Err(format!(
                "'{text}': the number of shards N must be at least 1"
            ));
        }
        if index > count {
            return Err(format!(
                "'{text}': shard {index} of {count} does not exist (I runs from 0 to {count}; 0 and {count} are the same shard)"
            ));
        }
        Ok(Shard {
            index: index % count,
            count,
        })
    }

    /// Whether `job` is in this shard.
    pub fn contains(&self, job: &BatchJob) -> bool {
        job_hash(&job.key, job.method.name()) % self.count == self.index
    }
}

/// FNV-1a of `KEY.METHOD` (the job's result stem).
pub fn job_hash(key: &str, method: &str) -> u64 {
    fnv1a(
        key.bytes()
            .chain(std::iter::once(b'.'))
            .chain(method.bytes()),
    )
}

/// The 64-bit FNV-1a hash of `bytes`.
fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.fold(OFFSET, |h, b| (h ^ b as u64).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::Method;
    use std::path::PathBuf;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        // from the FNV test suite (Fowler, Noll, Vo)
        assert_eq!(fnv1a("".bytes()), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a".bytes()), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar".bytes()), 0x8594_4171_f739_67e8);
        assert_eq!(job_hash("foo", "bar"), fnv1a("foo.bar".bytes()));
    }

    #[test]
    fn every_job_is_in_exactly_one_shard_in_both_numberings() {
        let jobs: Vec<BatchJob> = (0..200)
            .flat_map(|i| {
                [Method::Dense, Method::Sparse, Method::Optimal].map(|method| BatchJob {
                    key: format!("instance-{i}"),
                    path: PathBuf::from(format!("{i}.json")),
                    method,
                    problem: None,
                })
            })
            .collect();
        for n in [1u64, 2, 3, 7] {
            let zero_based: Vec<Shard> = (0..n)
                .map(|i| Shard::parse(&format!("{i}/{n}")).unwrap())
                .collect();
            let one_based: Vec<Shard> = (1..=n)
                .map(|i| Shard::parse(&format!("{i}/{n}")).unwrap())
                .collect();
            for shards in [&zero_based, &one_based] {
                let mut sizes = vec![0usize; n as usize];
                for job in &jobs {
                    let owners: Vec<usize> = (0..shards.len())
                        .filter(|&s| shards[s].contains(job))
                        .collect();
                    assert_eq!(owners.len(), 1, "{} {:?}", job.key, job.method);
                    sizes[owners[0]] += 1;
                }
                // 600 jobs: each of n shards within 40% of the mean
                let mean = jobs.len() / n as usize;
                assert!(
                    sizes
                        .iter()
                        .all(|&s| s * 10 >= mean * 6 && s * 10 <= mean * 14),
                    "{n} shards: {sizes:?}"
                );
            }
        }
    }

    #[test]
    fn bad_shards_are_refused() {
        for text in ["", "1", "a/3", "1/0", "4/3", "-1/3", "1/3/4"] {
            assert!(Shard::parse(text).is_err(), "{text}");
        }
        assert_eq!(Shard::parse("3/3").unwrap(), Shard::parse("0/3").unwrap());
    }
}
