# Issue 11's targets ("search at scale"), sourced by search-scale.sh and stop-latency.sh.
# Sets the array `cases` to the instance files; with "--quick" as $1 only the 32 x 32 cases.
# Needs $ps (the paramshare binary) and $work (a scratch directory for the tensor instances).
families=instances/families
cases=("$families/c4-32x32.json" "$families/d4-32x32.json" "$families/d4-32x32-pool.json")
if [[ "${1:-}" != "--quick" ]]; then
  "$ps" instance tensor 5 3 3 -o "$work/tensor-5-3-3.json"
  "$ps" instance tensor 8 3 3 -o "$work/tensor-8-3-3.json"
  "$ps" instance tensor 20 3 1 -o "$work/tensor-20-3-1.json"
  cases+=("$families/c4-64x64.json" "$families/d4-64x64.json" "$families/p4-64x64.json"
    "$families/p4m-64x64.json" "$work/tensor-5-3-3.json" "$work/tensor-8-3-3.json"
    "$work/tensor-20-3-1.json")
fi
