//! The SAT backend: varisat, with the cost bound as an incremental totalizer from rustsat.
//!
//! Minimisation is a bound search over assumptions: the encoding (Bailleux
//! and Boufkhad's totalizer for equal weights, Joshi, Martins and Manquinho's
//! generalized totalizer for unequal ones, both from the rustsat crate) is
//! extended lazily to each bound that is asked, and "cost <= b" is enforced
//! by assumption literals, so clauses learnt in one call stay valid in the
//! next. The lower bound proved by an unsatisfiable probe stays valid after
//! more clauses arrive, and the first probe of every call is that bound, so
//! a counterexample-guided loop whose optimum rarely moves costs one SAT
//! call per round. Where it is still slow: many distinct weights make the
//! generalized totalizer large (it has a node value per reachable sum).
use super::{cost_of, Lit, MinCostSolver, Minimum, Outcome, SolveError};
use num_integer::Integer;
use rustsat::encodings::card::{BoundUpper as _, BoundUpperIncremental as _, Totalizer};
use rustsat::encodings::pb::{BoundUpper as _, BoundUpperIncremental as _, GeneralizedTotalizer};
use rustsat::encodings::CollectClauses;
use rustsat::instances::BasicVarManager;
use rustsat::types::{Clause, Var};
use varisat::ExtendFormula;

/// The cost encoding: plain cardinality when all weights are equal.
enum CostEncoding {
    Equal(Totalizer),
    Weighted(GeneralizedTotalizer),
}

/// Forwards the clauses rustsat produces into varisat.
struct VarisatSink<'s, 'a> {
    solver: &'s mut varisat::Solver<'a>,
    added: usize,
}

fn to_varisat(l: rustsat::types::Lit) -> varisat::Lit {
    varisat::Lit::from_index(l.vidx(), l.is_pos())
}

impl CollectClauses for VarisatSink<'_, '_> {
    fn n_clauses(&self) -> usize {
        self.added
    }

    fn extend_clauses<T>(&mut self, cl_iter: T) -> Result<(), rustsat::OutOfMemory>
    where
        T: IntoIterator<Item = Clause>,
    {
        let mut buffer = Vec::new();
        for clause in cl_iter {
            buffer.clear();
            buffer.extend(clause.iter().map(|&l| to_varisat(l)));
            self.solver.add_clause(&buffer);
            self.added += 1;
        }
        Ok(())
    }
}

/// varisat plus a lazily built cost encoding.
pub struct SatSolver {
    weights: Vec<u64>,
    /// All weights are multiples of `scale`; the encoding counts in units of it.
    scale: u64,
    solver: varisat::Solver<'static>,
    encoding: CostEncoding,
    vars: BasicVarManager,
    /// A proved lower bound on the optimum, in units of `scale`.
    lower: u64,
    infeasible: bool,
}

impl SatSolver {
    /// A solver over `weights.len()` variables, all weights positive.
    pub fn new(weights: Vec<u64>) -> Result<SatSolver, SolveError> {
        let scale = weights.iter().fold(0u64, |g, &w| g.gcd(&w)).max(1);
        if let Some(&w) = weights.iter().find(|&&w| w / scale > usize::MAX as u64 / 4) {
            return Err(SolveError::WeightTooLarge(w));
        }
        let n = weights.len();
        let lits = (0..n).map(|i| rustsat::types::Lit::positive(i as u32));
        let equal = weights.windows(2).all(|w| w[0] == w[1]);
        let encoding = if equal {
            CostEncoding::Equal(lits.collect())
        } else {
            CostEncoding::Weighted(
                lits.zip(weights.iter().map(|&w| (w / scale) as usize))
                    .collect(),
            )
        };
        Ok(SatSolver {
            weights,
            scale,
            solver: varisat::Solver::new(),
            encoding,
            vars: BasicVarManager::from_next_free(Var::new(n as u32)),
            lower: 0,
            infeasible: false,
        })
    }

    fn scaled_weight_sum(&self) -> u64 {
        self.weights.iter().map(|w| w / self.scale).sum()
    }

    /// Solves with "cost <= bound" (in units of `scale`) assumed, if given;
    /// the chosen program variables, or `None` when unsatisfiable.
    fn solve_within(&mut self, bound: Option<u64>) -> Result<Option<Vec<bool>>, SolveError> {
        let mut assumptions: Vec<varisat::Lit> = Vec::new();
        if let Some(b) = bound.filter(|&b| b < self.scaled_weight_sum()) {
            let b = b as usize;
            let mut sink = VarisatSink {
                solver: &mut self.solver,
                added: 0,
            };
            let enforced = match &mut self.encoding {
                CostEncoding::Equal(tot) => {
                    tot.encode_ub_change(b..=b, &mut sink, &mut self.vars)
                        .map_err(|e| SolveError::Sat(e.to_string()))?;
                    tot.enforce_ub(b)
                        .map_err(|e| SolveError::Sat(e.to_string()))?
                }
                CostEncoding::Weighted(gte) => {
                    gte.encode_ub_change(b..=b, &mut sink, &mut self.vars)
                        .map_err(|e| SolveError::Sat(e.to_string()))?;
                    gte.enforce_ub(b)
                        .map_err(|e| SolveError::Sat(e.to_string()))?
                }
            };
            assumptions.extend(enforced.into_iter().map(to_varisat));
        }
        self.solver.assume(&assumptions);
        let sat = self
            .solver
            .solve()
            .map_err(|e| SolveError::Sat(e.to_string()))?;
        if !sat {
            return Ok(None);
        }
        let mut chosen = vec![false; self.weights.len()];
        // A satisfiable answer always has a model; variables absent from every
        // clause are missing from it and stay false, the cheaper value.
        for l in self.solver.model().unwrap_or_default() {
            if l.index() < chosen.len() && l.is_positive() {
                chosen[l.index()] = true;
            }
        }
        Ok(Some(chosen))
    }

    fn scaled_cost(&self, chosen: &[bool]) -> u64 {
        cost_of(&self.weights, chosen) / self.scale
    }
}

impl MinCostSolver for SatSolver {
    fn variables(&self) -> usize {
        self.weights.len()
    }

    fn add_clause(&mut self, lits: &[Lit]) {
        if lits.is_empty() {
            self.infeasible = true;
            return;
        }
        let clause: Vec<varisat::Lit> = lits
            .iter()
            .map(|l| varisat::Lit::from_index(l.var as usize, l.positive))
            .collect();
        self.solver.add_clause(&clause);
    }

    fn minimize(&mut self, stop: &dyn Fn() -> bool) -> Result<Outcome, SolveError> {
        if self.infeasible {
            return Ok(Outcome::Infeasible);
        }
        let stopped = |lower: u64, scale: u64| Outcome::Stopped {
            lower_bound: lower * scale,
        };
        if stop() {
            return Ok(stopped(self.lower, self.scale));
        }
        // Probe the proved lower bound first: after a cut it usually still holds.
        let mut best = self.solve_within(Some(self.lower))?;
        let mut high = match &best {
            Some(chosen) => self.scaled_cost(chosen),
            None => {
                self.lower += 1;
                match self.solve_within(None)? {
                    None => {
                        self.infeasible = true;
                        return Ok(Outcome::Infeasible);
                    }
                    Some(chosen) => {
                        let c = self.scaled_cost(&chosen);
                        best = Some(chosen);
                        c
                    }
                }
            }
        };
        // Binary search between the proved bound and the best assignment seen.
        while self.lower < high {
            if stop() {
                return Ok(stopped(self.lower, self.scale));
            }
            let probe = self.lower + (high - self.lower) / 2;
            match self.solve_within(Some(probe))? {
                Some(chosen) => {
                    high = self.scaled_cost(&chosen);
                    best = Some(chosen);
                }
                None => self.lower = probe + 1,
            }
        }
        // `best` was set on every path that reaches here (first probe or the fallback solve).
        let chosen = best.expect("a satisfying assignment was found before the search");
        Ok(Outcome::Optimal(Minimum {
            cost: high * self.scale,
            chosen,
        }))
    }
}
