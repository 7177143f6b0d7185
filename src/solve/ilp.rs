//! The integer-programming backend: good_lp with microlp (pure Rust branch and bound).
//!
//! Each clause `l1 or ... or lk` becomes the row `sum l_i >= 1` with a
//! negative literal written `1 - x`. good_lp models are not incremental, so
//! every call rebuilds the program from all clauses; a proved lower bound
//! from earlier calls is added as a row (`cost >= bound`), which is valid
//! because clauses only accumulate. Where it is still slow: programs with
//! thousands of long cut rows, where the LP relaxation is weak.
use super::{cost_of, Lit, MinCostSolver, Minimum, Outcome, SolveError};
use good_lp::{
    constraint, variable, Expression, ProblemVariables, ResolutionError, Solution, SolverModel,
};

/// The clauses so far, turned into an integer program at each call.
pub struct IlpSolver {
    weights: Vec<u64>,
    clauses: Vec<Vec<Lit>>,
    lower: u64,
    infeasible: bool,
}

impl IlpSolver {
    /// A solver over `weights.len()` variables, all weights positive.
    pub fn new(weights: Vec<u64>) -> IlpSolver {
        IlpSolver {
            weights,
            clauses: Vec::new(),
            lower: 0,
            infeasible: false,
        }
    }
}

impl MinCostSolver for IlpSolver {
    fn variables(&self) -> usize {
        self.weights.len()
    }

    fn add_clause(&mut self, lits: &[Lit]) {
        if lits.is_empty() {
            self.infeasible = true;
        }
        self.clauses.push(lits.to_vec());
    }

    fn minimize(&mut self, stop: &dyn Fn() -> bool) -> Result<Outcome, SolveError> {
        if self.infeasible {
            return Ok(Outcome::Infeasible);
        }
        if stop() {
            return Ok(Outcome::Stopped {
                lower_bound: self.lower,
            });
        }
        let mut problem = ProblemVariables::new();
        let x: Vec<_> = (0..self.weights.len())
            .map(|_| problem.add(variable().binary()))
            .collect();
        let cost: Expression = x
            .iter()
            .zip(&self.weights)
            .map(|(&v, &w)| w as f64 * v)
            .sum();
        let mut model = problem.minimise(cost.clone()).using(good_lp::microlp);
        for clause in &self.clauses {
            let mut row = Expression::from(0.0);
            for l in clause {
                let v = x[l.var as usize];
                if l.positive {
                    row += v;
                } else {
                    row += 1.0 - v;
                }
            }
            model = model.with(constraint!(row >= 1.0));
        }
        if self.lower > 0 {
            model = model.with(constraint!(cost >= self.lower as f64));
        }
        let solution = match model.solve() {
            Ok(s) => s,
            Err(ResolutionError::Infeasible) => {
                self.infeasible = true;
                return Ok(Outcome::Infeasible);
            }
            Err(e) => return Err(SolveError::Ilp(e.to_string())),
        };
        let chosen: Vec<bool> = x.iter().map(|&v| solution.value(v) > 0.5).collect();
        let cost = cost_of(&self.weights, &chosen);
        self.lower = cost;
        Ok(Outcome::Optimal(Minimum { chosen, cost }))
    }
}
