#!/usr/bin/env python3
"""Load a paramshare NPY export, build W from random shared weights, and check equivariance.

Usage:
    paramshare design instances/cyclic-4.json -o cyclic-4.layer.json
    paramshare design instances/cyclic-4.json --format npy -o cyclic-4.npy
    python3 examples/numpy_equivariance.py cyclic-4.layer.json cyclic-4.npy

The layer file (JSON) supplies the group generators; the NPY file the tying
matrix T (int32, -1 for no edge). W[m, n] = w[T[m, n]] for random shared
weights w, 0 where T is -1. The tied bias is b[m] = c[B[m]] for random bias
parameters c, where B is the bias tying: FILE.bias.npy beside FILE.npy, the
safetensors tensor "bias_tying", or the layer file's "bias_tying" (no bias
if none is there). For every generator g (a permutation of the inputs and
one of the outputs) the script checks W (g.x) + b = g.(W x + b) for random
x. An export with channels expanded (--expand-channels) has K input and K'
output channel blocks; g then acts on each block alike. An optional
--safetensors FILE is read too (its format is simple enough for numpy alone)
and must hold the same matrix.

With --batch DIR it checks every KEY.METHOD.layer.json in a `paramshare
batch` output directory that has a KEY.METHOD.npy beside it (and the
.safetensors file, if present):

    paramshare batch instances/ --methods dense,optimal --out results --format npy,safetensors
    python3 examples/numpy_equivariance.py --batch results

Needs numpy only. Exit status 0 if every check passes, 1 otherwise.
"""

import json
import os
import sys

import numpy as np


def read_safetensors(path):
    """Returns (tying, bias_tying or None, metadata) from a safetensors export."""
    with open(path, "rb") as f:
        data = f.read()
    header_len = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_len])
    body = data[8 + header_len :]

    def tensor(name):
        info = header[name]
        if info["dtype"] != "I32":
            raise ValueError(f"tensor {name} has dtype {info['dtype']}, expected I32")
        start, end = info["data_offsets"]
        return np.frombuffer(body[start:end], dtype="<i4").reshape(info["shape"])

    bias = tensor("bias_tying") if "bias_tying" in header else None
    return tensor("tying"), bias, header.get("__metadata__", {})


def act(perm, v, blocks):
    """g.v along axis 0: entry i of each block of len(perm) moves to perm[i]."""
    size = len(perm)
    index = np.concatenate([k * size + np.asarray(perm) for k in range(blocks)])
    out = np.empty_like(v)
    out[index] = v
    return out


def dense_weights(tying, weights):
    """W with W[m, n] = weights[tying[m, n]] and 0 where tying is -1."""
    return np.where(tying >= 0, weights[np.maximum(tying, 0)], 0.0)


def check_batch(directory):
    """Checks every layer in a batch output directory; returns the exit status."""
    status, checked = 0, 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".layer.json"):
            continue
        stem = os.path.join(directory, name[: -len(".layer.json")])
        if not os.path.exists(stem + ".npy"):
            continue
        args = [stem + ".layer.json", stem + ".npy"]
        if os.path.exists(stem + ".safetensors"):
            args += ["--safetensors", stem + ".safetensors"]
        status = max(status, check_one(args))
        checked += 1
    if checked == 0:
        print(f"{directory}: no KEY.METHOD.layer.json with a .npy beside it", file=sys.stderr)
        return 1
    return status


def main(argv):
    args = list(argv[1:])
    if len(args) == 2 and args[0] == "--batch":
        return check_batch(args[1])
    return check_one(args)


def check_one(args):
    """Checks one layer file and its NPY (and safetensors) export; returns the exit status."""
    safetensors_path = None
    if "--safetensors" in args:
        i = args.index("--safetensors")
        safetensors_path = args[i + 1]
        del args[i : i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    layer_path, npy_path = args
    with open(layer_path) as f:
        layer = json.load(f)
    tying = np.load(npy_path)
    n, m = layer["input_size"], layer["output_size"]
    failures = []
    if tying.dtype != np.int32 or tying.ndim != 2:
        failures.append(f"{npy_path}: dtype {tying.dtype}, shape {tying.shape}; expected int32 [M, N]")
        tying = tying.reshape(m, -1).astype(np.int32)
    rows, cols = tying.shape
    if rows % m or cols % n:
        print(f"{npy_path}: shape {tying.shape} is not a multiple of [M, N] = [{m}, {n}]", file=sys.stderr)
        return 1
    k_out, k_in = rows // m, cols // n
    if (k_in, k_out) == (1, 1) and not np.array_equal(tying, np.array(layer["tying"], dtype=np.int32)):
        failures.append("the NPY tying matrix differs from the layer file's")
    bias_tying = None
    if (k_in, k_out) == (1, 1) and "bias_tying" in layer:
        bias_tying = np.array(layer["bias_tying"], dtype=np.int32)
    bias_path = npy_path[: -len(".npy")] + ".bias.npy" if npy_path.endswith(".npy") else None
    if bias_path is not None and os.path.exists(bias_path):
        beside = np.load(bias_path)
        if bias_tying is not None and not np.array_equal(beside, bias_tying):
            failures.append(f"{bias_path}: differs from the layer file's bias_tying")
        bias_tying = beside
    if safetensors_path is not None:
        st, st_bias, meta = read_safetensors(safetensors_path)
        if not np.array_equal(st, tying):
            failures.append(f"{safetensors_path}: tensor tying differs from the NPY file")
        if meta.get("parameters") != str(int(tying.max()) + 1):
            failures.append(f"{safetensors_path}: metadata parameters = {meta.get('parameters')}")
        if st_bias is not None:
            if bias_tying is not None and not np.array_equal(st_bias, bias_tying):
                failures.append(f"{safetensors_path}: tensor bias_tying differs from the NPY export")
            bias_tying = st_bias
    if bias_tying is not None and bias_tying.shape != (rows,):
        failures.append(f"bias tying has shape {bias_tying.shape}, expected [{rows}]")
        bias_tying = None

    parameters = int(tying.max()) + 1
    used = np.unique(tying[tying >= 0])
    if not np.array_equal(used, np.arange(parameters)):
        failures.append("parameter indices are not exactly 0..parameters")
    rng = np.random.default_rng(0)
    weights = rng.standard_normal(parameters)
    w = dense_weights(tying, weights)
    # b[m] = c[bias_tying[m]] for random c; a zero bias without a bias tying
    b = np.zeros((rows, 1))
    if bias_tying is not None:
        b = rng.standard_normal(int(bias_tying.max(initial=-1)) + 1)[bias_tying][:, None]
    x = rng.standard_normal((cols, 8))
    worst = 0.0
    for i, g in enumerate(layer["generators"]):
        lhs = w @ act(g["input"], x, k_in) + b
        rhs = act(g["output"], w @ x + b, k_out)
        error = float(np.max(np.abs(lhs - rhs), initial=0.0))
        worst = max(worst, error)
        if error > 1e-9:
            failures.append(f"generator {i}: W(g.x) + b - g.(Wx + b) is {error:.3g}")
    print(
        f"{layer.get('instance', '?')} ({layer.get('method', '?')}): W is {rows} x {cols}, "
        f"{parameters} shared weights, "
        f"{'no' if bias_tying is None else int(bias_tying.max(initial=-1)) + 1} biases, "
        f"{len(layer['generators'])} generators, "
        f"largest equivariance error {worst:.1e}"
    )
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if failures:
        return 1
    print("ok: equivariant under every generator")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
