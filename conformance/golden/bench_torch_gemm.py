#!/usr/bin/env python3
"""PyTorch peer of `wafer bench --gemm MxNxK`: best GFLOP/s of torch.nn.functional.linear(A, B) = A(M,K)·B(N,K)ᵀ,
a linear layer's forward without bias, the layout Wafer's GEMM is timed in. Usage: bench_torch_gemm.py MxNxK...
Threads: $WAFER_TORCH_THREADS (default 2). Like `wafer bench --gemm`: warm-up runs for at least 0.3 s, then at
least 5 timed runs and at least 0.3 s of them; the best run counts. Float32 products go to whatever provides
libblas.so.3 (install libopenblas0-pthread; see bench_torch.py). Run it with MALLOC_MMAP_MAX_=0
MALLOC_TRIM_THRESHOLD_=68719476736. Prints one JSON object per shape."""
import json
import os
import sys
import time

import torch

torch.set_num_threads(int(os.environ.get("WAFER_TORCH_THREADS", "2")))
torch.manual_seed(0)

for shape in sys.argv[1:]:
    m, n, k = (int(s) for s in shape.lower().split("x"))
    a = torch.rand(m, k) * 2 - 1
    b = torch.rand(n, k) * 2 - 1
    out = torch.empty(m, n)
    start = time.perf_counter()
    while time.perf_counter() - start < 0.3:
        torch.matmul(a, b.t(), out=out)
    best = float("inf")
    timed = 0.0
    runs = 0
    while runs < 5 or timed < 0.3:
        t0 = time.perf_counter()
        torch.matmul(a, b.t(), out=out)
        t = time.perf_counter() - t0
        best = min(best, t)
        timed += t
        runs += 1
    print(json.dumps({"m": m, "n": n, "k": k, "threads": torch.get_num_threads(),
                      "torch_gflops": round(2.0 * m * n * k / best / 1e9, 2), "torch": torch.__version__}))
