#!/usr/bin/env bash
# Regenerates every instance in this directory, and README.md, with `paramshare instance`.
#
# Usage: instances/regenerate.sh            (builds the CLI with cargo first)
#        PARAMSHARE=/path/to/paramshare instances/regenerate.sh
# Each file is written atomically by the CLI; README.md gets one line per
# file with its sizes and the group order computed by `paramshare info`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
if [ -z "${PARAMSHARE:-}" ]; then
    cargo build --quiet --manifest-path ../Cargo.toml
    PARAMSHARE="${CARGO_TARGET_DIR:-../target}/debug/paramshare"
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

readme="$scratch/README.md"
cat > "$readme" <<'EOF'
# Bundled instances

Made by `instances/regenerate.sh` with `paramshare instance` (do not edit by
hand: change the script and rerun it). Format: [docs/FORMATS.md](../docs/FORMATS.md#instance).
Each line: file, inputs N x outputs M, the group order (computed by
`paramshare info`), and what the instance is. The top level holds only the
paper's small examples (other test suites run every method on each of
them); named groups and realistic sizes live in groups/ and families/.
EOF

section() { printf '\n## %s\n\n' "$1" >> "$readme"; }

# make NAME "NOTE" FAMILY ARGS...: writes NAME.json and its README line.
make() {
    local name="$1" note="$2"
    shift 2
    "$PARAMSHARE" instance "$@" --name "$(basename "$name")" -o "$name.json"
    local info sizes order
    # --json keeps every digit of the order (the text report shortens long ones)
    info="$("$PARAMSHARE" info --json "$name.json")"
    sizes="$(python3 -c 'import json, sys; r = json.load(sys.stdin); print(r["input_size"], "x", r["output_size"])' <<< "$info")"
    order="$(python3 -c 'import json, sys; print(json.load(sys.stdin)["group_order"])' <<< "$info")"
    printf -- '- `%s.json`: %s, order %s. %s\n' "$name" "$sizes" "$order" "$note" >> "$readme"
}

# part FAMILY ARGS...: a scratch instance for products, printed as its path.
part() {
    local file
    file="$(mktemp "$scratch/part-XXXX.json")"
    "$PARAMSHARE" instance "$@" -o "$file"
    echo "$file"
}

section "The paper's worked examples"
make deepsets-5 "DeepSets: S5 on a set of 5, inputs and outputs alike; dense W = w1 I + w2 11^T." \
    symmetric 5
make deepsets-pool-5 "DeepSets pooling: S5 on 5 inputs, one invariant output." \
    symmetric 5 --output-action trivial
make nested-sets-3x4 "Nested sets: S4 wr S3, 3 sets of 4 elements; dense has 3 parameters." \
    sets 4 3
make mirror-4 "Mirror symmetry, n even: Z2 reversing 4 points (free, 2 orbits)." \
    cycles 4 4 "(0 3)(1 2)"
make mirror-5 "Mirror symmetry, n odd: Z2 reversing 5 points; the middle point is fixed (not free)." \
    cycles 5 5 "(0 4)(1 3)"
make rings-c4-8 "C4 turning two rings of 4 points, inputs = outputs; the paper's H = {1, 3} is not exact here." \
    cycles 8 8 "(0 1 2 3)(4 5 6 7)"
make reverse-convolution "Z6 as +1 mod 3 on 3 inputs and -1 mod 6 on 6 outputs; the element 3 moves only outputs, so no pattern is exact." \
    cycles 3 6 "(0 1 2) / (0 5 4 3 2 1)"
rowflip="$(part cycles 4 1 "(0 3)(1 2) / ()")"
rows="$(part cycles 4 1)"
shift5="$(part cyclic 5)"
make fig1-z5xz2-rowflip "Fig. 1, first reading: 4 x 5 image, column shifts (also shifting the length-5 output) and a flip of the 4 rows that leaves the output alone (Z5 x Z2); no exact pattern." \
    product "$rowflip" "$shift5" --description "Z5 x Z2 on a 4 x 5 image (pixel r*5+c): circular column shifts also shifting the 5 outputs, and a row flip leaving the outputs alone"
mirror5="$(part dihedral 5)"
make fig1-d5-mirror "Fig. 1, second reading: 4 x 5 image, column shifts and a left-right mirror of the columns that also mirrors the output (D5); exact patterns exist." \
    product "$rows" "$mirror5" --description "D5 on a 4 x 5 image (pixel r*5+c): circular column shifts and a column mirror, acting alike on the 5 outputs"
make group-convolution-d4 "Group convolution: D4 on the 4 corners of a square in, outputs indexed by the 8 group elements." \
    dihedral 4 --output-action regular
make group-convolution-p4-8x8 "Group convolution lifting layer: p4 on an 8 x 8 torus image in, 256 outputs indexed by p4's elements." \
    p4 8 --output-action regular

section "DESIGN.md counterexamples to the paper's semiregularity claim"
make cyclic-4 "C4 acting regularly on 4 inputs and 4 outputs; the paper's H = {1, 3} has Aut of order 8." \
    cyclic 4
make cyclic-6 "C6 acting regularly; H = {1, 5} has Aut of order 18." \
    cyclic 6
make klein-regular "Klein four-group acting regularly on 4 points; H = {a, b} has Aut of order 8." \
    cycles 4 4 "(0 1)(2 3)" "(0 2)(1 3)"
make d3-regular "D3 acting regularly on its 6 elements, inputs and outputs; two reflections give Aut of order 18." \
    dihedral 3 --input-action regular --output-action regular

section "Named groups (instances/groups/)"
mkdir -p groups families
make groups/alternating-4 "A4 (even permutations) on 4 points." \
    alternating 4
make groups/rubik-cube "Rubik's cube group on its 48 moving facets, the six face turns (sympy's rubik_cube_generators), order 43252003274489856000." \
    cycles 48 48 \
    "(0 2 7 5)(1 4 6 3)(8 32 24 16)(9 33 25 17)(10 34 26 18)" \
    "(0 16 40 39)(3 19 43 36)(5 21 45 34)(8 10 15 13)(9 12 14 11)" \
    "(5 24 42 15)(6 27 41 12)(7 29 40 10)(16 18 23 21)(17 20 22 19)" \
    "(2 37 42 18)(4 35 44 20)(7 32 47 23)(24 26 31 29)(25 28 30 27)" \
    "(0 13 47 26)(1 11 46 28)(2 8 45 31)(32 34 39 37)(33 36 38 35)" \
    "(13 21 29 37)(14 22 30 38)(15 23 31 39)(40 42 47 45)(41 44 46 43)"
make groups/m24 "Mathieu group M24 on 24 points (the 23-cycle, an element of order 5 and an involution), order 244823040." \
    cycles 24 24 \
    "(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22)" \
    "(2 16 9 6 8)(3 12 13 18 4)(7 17 10 11 22)(14 19 21 20 15)" \
    "(0 23)(1 22)(2 11)(3 15)(4 17)(5 9)(6 19)(7 13)(8 20)(10 16)(12 21)(14 18)"

section "Families at realistic sizes (instances/families/)"
for n in 32 64; do
    make "families/d4-${n}x${n}" "D4 turning and mirroring a ${n} x ${n} image about its centre." d4 "$n"
    make "families/c4-${n}x${n}" "C4 turning a ${n} x ${n} image about its centre." c4 "$n"
    make "families/p4-${n}x${n}" "p4: translations and quarter turns of a ${n} x ${n} torus image." p4 "$n"
    make "families/p4m-${n}x${n}" "p4m: translations, quarter turns and mirrors of a ${n} x ${n} torus image." p4m "$n"
    make "families/torus-${n}x${n}" "Translations of a ${n} x ${n} torus (2-D circular convolution)." torus "$n" "$n"
done
make families/d4-32x32-pool "D4 on a 32 x 32 image in, one invariant output." d4 32 --output-action trivial
for n in 10 20 30 50; do
    make "families/s${n}-matrices" "S${n} on ${n} x ${n} matrices in and out (2-index tensors); dense has Bell(4) = 15 parameters." tensor "$n" 2 2
done
make families/s10-vector-to-matrix "S10 on vectors in (10) and 10 x 10 matrices out; Bell(3) = 5 parameters." tensor 10 1 2
make families/s10-matrix-to-vector "S10 on 10 x 10 matrices in and vectors out; Bell(3) = 5 parameters." tensor 10 2 1
make families/s6-3tensor-to-vector "S6 on 3-index tensors in (216) and vectors out; Bell(4) = 15 parameters." tensor 6 3 1
make families/s20-graph-invariant "S20 on 20 x 20 adjacency matrices in, one invariant output; Bell(2) = 2 parameters." tensor 20 2 0
make families/cyclic-64 "C64: 1-D circular convolution on 64 points." cyclic 64
make families/dihedral-16 "D16 rotating and reflecting 16 points on a circle." dihedral 16
make families/symmetric-100 "S100 on a set of 100 (DeepSets at scale)." symmetric 100
make families/alternating-10 "A10 on 10 points." alternating 10
make families/nested-sets-10x20 "S20 wr S10: 10 sets of 20 elements (200 points)." sets 20 10
ring="$(part dihedral 8)"
team="$(part symmetric 4)"
make families/d8-x-s4 "Product D8 x S4 on 8 x 4 = 32 points: 4 interchangeable rings of 8." product "$ring" "$team"
make families/cyclic-16-channels "C16 with 3 input and 16 output channels." cyclic 16 --channels 3:16

mv "$readme" README.md
echo "regenerated $(ls ./*.json ./*/*.json | wc -l) instances and README.md in $here"
