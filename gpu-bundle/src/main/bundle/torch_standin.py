#!/usr/bin/env python3
"""STAND-IN for bench_torch_cuda.py, used only by the GPU check's rehearsal where python3 has no torch 2.0 or later:
it takes the same arguments and prints a JSON line of the same shape, but what it times is a pure-Python loop over one
small matrix product per step, not PyTorch. Every line it prints says so ("stand_in": true); its figures mean nothing."""
import argparse
import json
import random
import time

parser = argparse.ArgumentParser()
for name in ("d", "L", "H", "T", "B", "V", "steps"):
    parser.add_argument(name, type=int)
parser.add_argument("precision", choices=("fp32", "bf16"))
parser.add_argument("--compile", action="store_true")
parser.add_argument("--device", default="cuda", choices=("cuda", "cpu"))
parser.add_argument("--warmup", type=int, default=4)
args = parser.parse_args()

n = min(args.d, 32)
rng = random.Random(0)
a = [[rng.random() for _ in range(n)] for _ in range(n)]
times = []
warmup = max(args.warmup, 2 if args.compile else 1)  # as bench_torch_cuda.py counts them
for _ in range(args.steps + warmup):
    t0 = time.perf_counter()
    _ = [[sum(a[i][k] * a[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
    times.append(time.perf_counter() - t0)
times = sorted(times[warmup:])
med = times[len(times) // 2]
print(json.dumps({"stand_in": True, "note": "pure-Python stand-in, not PyTorch: these figures mean nothing",
                  "torch": None, "device": "stand-in", "mode": "compile" if args.compile else "eager",
                  "precision": args.precision, "tf32": False, "tokens_per_s": round(args.B * args.T / med, 1),
                  "step_seconds": round(med, 5), "warmup_steps": warmup, "warmup_seconds": 0.0, "peak_memory_bytes": None}))
