//! Group and automorphism code written for this suite alone: it imports nothing from paramshare.
//!
//! Everything the suite trusts is decided here: edge orbits (union-find),
//! group orders and membership (Schreier-Sims as in Holt, Eick and
//! O'Brien, *Handbook of Computational Group Theory*, 4.4.2, with its
//! STRIP), and whether a pattern's automorphism group is exactly a target
//! group (individualisation and 1-dimensional colour refinement, run on two
//! colourings side by side, as in McKay's canonical augmentation but
//! without any of nauty's pruning). It is slow and simple on purpose: its
//! value is that a bug in paramshare's verifier, chain or bounds cannot
//! hide behind the same bug here.

/// A permutation as its image array: `p[i]` is where `i` goes.
pub type Images = Vec<u32>;

pub fn identity(degree: usize) -> Images {
    (0..degree as u32).collect()
}

/// `a` first, then `b`.
pub fn then(a: &Images, b: &Images) -> Images {
    a.iter().map(|&x| b[x as usize]).collect()
}

pub fn inverse(a: &Images) -> Images {
    let mut inv = vec![0u32; a.len()];
    for (i, &x) in a.iter().enumerate() {
        inv[x as usize] = i as u32;
    }
    inv
}

pub fn is_identity(a: &Images) -> bool {
    a.iter().enumerate().all(|(i, &x)| x as usize == i)
}

/// The order of `a`: the lcm of its cycle lengths.
pub fn element_order(a: &Images) -> u128 {
    let mut seen = vec![false; a.len()];
    let mut order: u128 = 1;
    for start in 0..a.len() {
        if seen[start] {
            continue;
        }
        let mut len = 0u128;
        let mut x = start;
        while !seen[x] {
            seen[x] = true;
            x = a[x] as usize;
            len += 1;
        }
        order = order / gcd(order, len) * len;
    }
    order
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// One level of a stabiliser chain: its base point, the strong generators
/// fixing the earlier base points, and the orbit with coset representatives.
struct Level {
    point: usize,
    gens: Vec<Images>,
    /// `reps[x]`: an element mapping `point` to `x`, for `x` in the orbit.
    reps: Vec<Option<Images>>,
    orbit: Vec<usize>,
}

impl Level {
    fn recompute_orbit(&mut self, degree: usize) {
        self.reps = vec![None; degree];
        self.reps[self.point] = Some(identity(degree));
        self.orbit = vec![self.point];
        let mut i = 0;
        while i < self.orbit.len() {
            let x = self.orbit[i];
            for g in &self.gens {
                let y = g[x] as usize;
                if self.reps[y].is_none() {
                    let rep = then(self.reps[x].as_ref().expect("x is in the orbit"), g);
                    self.reps[y] = Some(rep);
                    self.orbit.push(y);
                }
            }
            i += 1;
        }
    }
}

/// A base and strong generating set, by the deterministic Schreier-Sims algorithm.
pub struct Chain {
    degree: usize,
    levels: Vec<Level>,
}

impl Chain {
    /// The chain of `<gens>` whose base starts with `base_prefix`.
    pub fn new(degree: usize, gens: &[Images], base_prefix: &[usize]) -> Chain {
        let gens: Vec<Images> = gens.iter().filter(|g| !is_identity(g)).cloned().collect();
        let mut base: Vec<usize> = base_prefix.to_vec();
        for g in &gens {
            if base.iter().all(|&b| g[b] as usize == b) {
                let moved = (0..degree)
                    .find(|&i| g[i] as usize != i)
                    .expect("not the identity");
                base.push(moved);
            }
        }
        let mut chain = Chain {
            degree,
            levels: base
                .iter()
                .map(|&point| Level {
                    point,
                    gens: Vec::new(),
                    reps: Vec::new(),
                    orbit: Vec::new(),
                })
                .collect(),
        };
        for level in 0..chain.levels.len() {
            let fixing: Vec<Images> = gens
                .iter()
                .filter(|g| base[..level].iter().all(|&b| g[b] as usize == b))
                .cloned()
                .collect();
            chain.levels[level].gens = fixing;
            chain.levels[level].recompute_orbit(degree);
        }
        chain.complete();
        chain
    }

    /// Holt's SCHREIERSIMS: from the deepest level up, every Schreier
    /// generator must strip to the identity below its level.
    fn complete(&mut self) {
        let mut i = self.levels.len();
        while i > 0 {
            let level = i - 1;
            let mut all_strip = true;
            'scan: for oi in 0..self.levels[level].orbit.len() {
                let beta = self.levels[level].orbit[oi];
                for gi in 0..self.levels[level].gens.len() {
                    let x = &self.levels[level].gens[gi];
                    let u_beta = self.levels[level].reps[beta].as_ref().expect("in orbit");
                    let image = x[beta] as usize;
                    let u_image = self.levels[level].reps[image]
                        .as_ref()
                        .expect("orbit closed");
                    let h = then(&then(u_beta, x), &inverse(u_image));
                    let (residue, j) = self.strip(&h, level + 1);
                    if j < self.levels.len() || !is_identity(&residue) {
                        all_strip = false;
                        let mut j = j;
                        if j == self.levels.len() {
                            let moved = (0..self.degree)
                                .find(|&p| residue[p] as usize != p)
                                .expect("a non-identity residue moves a point");
                            self.levels.push(Level {
                                point: moved,
                                gens: Vec::new(),
                                reps: Vec::new(),
                                orbit: Vec::new(),
                            });
                            j = self.levels.len() - 1;
                        }
                        for l in level + 1..=j {
                            self.levels[l].gens.push(residue.clone());
                            self.levels[l].recompute_orbit(self.degree);
                        }
                        i = j + 1;
                        break 'scan;
                    }
                }
            }
            if all_strip {
                i -= 1;
            }
        }
    }

    /// Sifts `g` from level `from`: the residue and the level where it
    /// left the chain (`levels.len()` when it passed every level).
    fn strip(&self, g: &Images, from: usize) -> (Images, usize) {
        let mut g = g.clone();
        for (l, level) in self.levels.iter().enumerate().skip(from) {
            let beta = g[level.point] as usize;
            match &level.reps[beta] {
                None => return (g, l),
                Some(u) => g = then(&g, &inverse(u)),
            }
        }
        (g, self.levels.len())
    }

    pub fn contains(&self, g: &Images) -> bool {
        let (residue, j) = self.strip(g, 0);
        j == self.levels.len() && is_identity(&residue)
    }

    pub fn order(&self) -> u128 {
        self.levels.iter().map(|l| l.orbit.len() as u128).product()
    }

    /// The strong generators fixing the first `level` base points.
    pub fn level_generators(&self, level: usize) -> &[Images] {
        self.levels.get(level).map_or(&[], |l| &l.gens)
    }

    /// Every element, or `None` when there are more than `limit`.
    pub fn elements(&self, limit: u128) -> Option<Vec<Images>> {
        if self.order() > limit {
            return None;
        }
        let mut all = vec![identity(self.degree)];
        for level in self.levels.iter().rev() {
            let mut next = Vec::with_capacity(all.len() * level.orbit.len());
            for &x in &level.orbit {
                let u = level.reps[x].as_ref().expect("in orbit");
                for e in &all {
                    next.push(then(e, u));
                }
            }
            all = next;
        }
        Some(all)
    }
}

/// A coloured bipartite pattern: `colour[m * inputs + n]` is the colour of
/// the edge from input `n` to output `m`, or -1.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub inputs: usize,
    pub outputs: usize,
    pub colour: Vec<i32>,
}

impl Pattern {
    fn degree(&self) -> usize {
        self.inputs + self.outputs
    }

    /// Whether the joint permutation `s` (inputs first) keeps every colour.
    pub fn preserved_by(&self, s: &Images) -> bool {
        let n = self.inputs;
        if (0..n).any(|i| s[i] as usize >= n) {
            return false;
        }
        (0..self.outputs).all(|m| {
            let sm = s[n + m] as usize - n;
            (0..n).all(|i| self.colour[sm * n + s[i] as usize] == self.colour[m * n + i])
        })
    }

    /// Neighbours of every point, with edge colours, in both directions.
    fn adjacency(&self) -> Vec<Vec<(i32, usize)>> {
        let n = self.inputs;
        let mut adj = vec![Vec::new(); self.degree()];
        for m in 0..self.outputs {
            for i in 0..n {
                let c = self.colour[m * n + i];
                if c >= 0 {
                    adj[i].push((c, n + m));
                    adj[n + m].push((c, i));
                }
            }
        }
        adj
    }
}

/// Refines two colourings together until stable: each point's new colour
/// is the rank of (old colour, sorted multiset of (edge colour, neighbour
/// colour)) among all signatures of both. `false` when the two multisets of
/// signatures differ (no isomorphism maps one colouring onto the other).
fn refine_pair(adj: &[Vec<(i32, usize)>], left: &mut [usize], right: &mut [usize]) -> bool {
    let mut classes = count_classes(left);
    loop {
        let signature = |colours: &[usize], v: usize| {
            let mut around: Vec<(i32, usize)> =
                adj[v].iter().map(|&(c, u)| (c, colours[u])).collect();
            around.sort_unstable();
            (colours[v], around)
        };
        let ls: Vec<_> = (0..left.len()).map(|v| signature(left, v)).collect();
        let rs: Vec<_> = (0..right.len()).map(|v| signature(right, v)).collect();
        let mut sorted_l = ls.clone();
        let mut sorted_r = rs.clone();
        sorted_l.sort();
        sorted_r.sort();
        if sorted_l != sorted_r {
            return false;
        }
        sorted_l.dedup();
        let rank = |s: &(usize, Vec<(i32, usize)>)| sorted_l.binary_search(s).expect("present");
        for v in 0..left.len() {
            left[v] = rank(&ls[v]);
            right[v] = rank(&rs[v]);
        }
        let now = sorted_l.len();
        if now == classes {
            return true;
        }
        classes = now;
    }
}

fn count_classes(colours: &[usize]) -> usize {
    let mut c = colours.to_vec();
    c.sort_unstable();
    c.dedup();
    c.len()
}

/// Searches for an isomorphism from the `left` colouring to the `right`
/// one (both already refined together): an automorphism of the pattern
/// mapping each left colour class onto the right one.
fn find_isomorphism(
    pattern: &Pattern,
    adj: &[Vec<(i32, usize)>],
    left: &[usize],
    right: &[usize],
) -> Option<Images> {
    let degree = left.len();
    // The smallest colour with more than one point.
    let mut sizes = vec![0usize; degree + 1];
    for &c in left {
        sizes[c] += 1;
    }
    let Some(target) = (0..sizes.len()).find(|&c| sizes[c] > 1) else {
        let mut where_right = vec![0u32; degree];
        for v in 0..degree {
            where_right[right[v]] = v as u32;
        }
        let s: Images = (0..degree).map(|v| where_right[left[v]]).collect();
        return pattern.preserved_by(&s).then_some(s);
    };
    let v = (0..degree)
        .find(|&v| left[v] == target)
        .expect("class is not empty");
    let fresh = degree + 1;
    for w in (0..degree).filter(|&w| right[w] == target) {
        let (mut l, mut r) = (left.to_vec(), right.to_vec());
        l[v] = fresh;
        r[w] = fresh;
        if refine_pair(adj, &mut l, &mut r) {
            if let Some(s) = find_isomorphism(pattern, adj, &l, &r) {
                return Some(s);
            }
        }
    }
    None
}

/// The answer about a pattern and a target group inside its automorphism group.
pub enum Exactness {
    Exact,
    /// Automorphisms outside the target that, with it, generate Aut(pattern).
    Larger(Vec<Images>),
}

/// Whether Aut(`pattern`) equals `<target>` (which must lie inside it);
/// with `all`, every generator of Aut beyond the target is found (for a
/// closure), otherwise the search stops at the first.
///
/// Base b_0..b_k: the first path of individualise-and-refine to a discrete
/// colouring. From the deepest level up, every point of b_l's cell is
/// either in the orbit of b_l under the group known at that level (the
/// target's stabiliser of b_0..b_{l-1} and the automorphisms found so far
/// that fix them), or is tried: an isomorphism search from (b_0..b_{l-1},
/// b_l) to (b_0..b_{l-1}, x). When nothing new is found the orbits of Aut
/// and of the known group agree at every level, so the orders agree.
pub fn exactness(pattern: &Pattern, target: &[Images], all: bool) -> Exactness {
    let degree = pattern.degree();
    let adj = pattern.adjacency();
    let sides: Vec<usize> = (0..degree)
        .map(|v| usize::from(v >= pattern.inputs))
        .collect();
    // The first path, remembering the refined colouring before each choice.
    let mut colouring = sides.clone();
    let mut scratch = sides.clone();
    refine_pair(&adj, &mut colouring, &mut scratch);
    let mut path: Vec<(usize, Vec<usize>)> = Vec::new();
    loop {
        let mut sizes = vec![0usize; degree + 2];
        for &c in &colouring {
            sizes[c] += 1;
        }
        let Some(cell) = (0..sizes.len()).find(|&c| sizes[c] > 1) else {
            break;
        };
        let b = (0..degree)
            .find(|&v| colouring[v] == cell)
            .expect("cell not empty");
        path.push((b, colouring.clone()));
        colouring[b] = degree + 1;
        let mut copy = colouring.clone();
        refine_pair(&adj, &mut colouring, &mut copy);
    }
    let base: Vec<usize> = path.iter().map(|(b, _)| *b).collect();
    let known = Chain::new(degree, target, &base);
    let mut found: Vec<(usize, Images)> = Vec::new();
    for level in (0..path.len()).rev() {
        let (b, before) = &path[level];
        loop {
            // The orbit of b under the known group at this level.
            let mut gens: Vec<&Images> = known.level_generators(level).iter().collect();
            gens.extend(found.iter().filter(|(l, _)| *l >= level).map(|(_, g)| g));
            let mut in_orbit = vec![false; degree];
            in_orbit[*b] = true;
            let mut queue = vec![*b];
            while let Some(x) = queue.pop() {
                for g in &gens {
                    let y = g[x] as usize;
                    if !in_orbit[y] {
                        in_orbit[y] = true;
                        queue.push(y);
                    }
                }
            }
            let cell = before[*b];
            let fresh = degree + 1;
            let mut new = None;
            for x in (0..degree).filter(|&x| before[x] == cell && !in_orbit[x]) {
                let (mut l, mut r) = (before.clone(), before.clone());
                l[*b] = fresh;
                r[x] = fresh;
                if refine_pair(&adj, &mut l, &mut r) {
                    if let Some(s) = find_isomorphism(pattern, &adj, &l, &r) {
                        new = Some(s);
                        break;
                    }
                }
            }
            match new {
                None => break,
                Some(s) => {
                    if !all {
                        return Exactness::Larger(vec![s]);
                    }
                    found.push((level, s));
                }
            }
        }
    }
    if found.is_empty() {
        Exactness::Exact
    } else {
        Exactness::Larger(found.into_iter().map(|(_, g)| g).collect())
    }
}

/// The G-orbits of input-output pairs, by union-find over the generators:
/// `orbit_of[m * inputs + n]`, numbered by first appearance.
pub fn edge_orbits(inputs: usize, outputs: usize, gens: &[Images]) -> (Vec<u32>, usize) {
    let total = inputs * outputs;
    let mut parent: Vec<usize> = (0..total).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for g in gens {
        for m in 0..outputs {
            let gm = g[inputs + m] as usize - inputs;
            for (n, &gn) in g[..inputs].iter().enumerate() {
                let a = find(&mut parent, m * inputs + n);
                let b = find(&mut parent, gm * inputs + gn as usize);
                if a != b {
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut label = vec![u32::MAX; total];
    let mut next = 0u32;
    let orbit_of: Vec<u32> = (0..total)
        .map(|e| {
            let r = find(&mut parent, e);
            if label[r] == u32::MAX {
                label[r] = next;
                next += 1;
            }
            label[r]
        })
        .collect();
    (orbit_of, next as usize)
}

/// The smallest symmetric generating set of `<gens>` (listed as `elements`),
/// by trying every union of inverse classes of each size in turn, up to
/// `max_size`; `None` if none so small generates.
pub fn smallest_symmetric_generating_set(
    degree: usize,
    elements: &[Images],
    order: u128,
    max_size: usize,
) -> Option<usize> {
    if order == 1 {
        return Some(0);
    }
    let mut classes: Vec<Vec<Images>> = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for e in elements {
        if is_identity(e) || taken.contains(e) {
            continue;
        }
        let inv = inverse(e);
        taken.insert(e.clone());
        taken.insert(inv.clone());
        if inv == *e {
            classes.push(vec![e.clone()]);
        } else {
            classes.push(vec![e.clone(), inv]);
        }
    }
    let generates = |chosen: &[usize]| {
        let gens: Vec<Images> = chosen.iter().flat_map(|&c| classes[c].clone()).collect();
        Chain::new(degree, &gens, &[]).order() == order
    };
    // Depth-first over increasing class indices, total size exactly `size`.
    fn search(
        classes: &[Vec<Images>],
        start: usize,
        left: usize,
        chosen: &mut Vec<usize>,
        generates: &dyn Fn(&[usize]) -> bool,
    ) -> bool {
        if left == 0 {
            return generates(chosen);
        }
        for c in start..classes.len() {
            let size = classes[c].len();
            if size <= left {
                chosen.push(c);
                if search(classes, c + 1, left - size, chosen, generates) {
                    return true;
                }
                chosen.pop();
            }
        }
        false
    }
    (1..=max_size).find(|&size| search(&classes, 0, size, &mut Vec::new(), &generates))
}
