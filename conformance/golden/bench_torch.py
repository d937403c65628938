#!/usr/bin/env python3
"""PyTorch baseline for `wafer bench`: median seconds of full fp32 training steps (forward, backward, clipping,
AdamW) of the same GPT-3-style model. Usage: bench_torch.py D_MODEL LAYERS HEADS SEQ BATCH [VOCAB] [STEPS] [fp32|bf16]
(bf16: torch.autocast("cpu", dtype=torch.bfloat16) around forward and loss, fp32 master weights and AdamW).
Debian's PyTorch runs float32 products on whatever provides libblas.so.3: install libopenblas0-pthread first
(apt), or fp32 runs on the reference BLAS at ~6 GFLOP/s (measured 2026-12-05; OpenBLAS: 173-180 GFLOP/s for a
2048^3 product on 2 threads). bf16 products go to oneDNN either way. Threads: $WAFER_TORCH_THREADS (default 2, the
build machine's cores); WARMUP untimed steps first (default 4). For peak RSS run it under /usr/bin/time -v with
MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736 (glibc keeps freed blocks instead of mapping and unmapping).
PROFILE=1: after the timed steps, STEPS more under torch.profiler; prints each op family's self time per step (the
peer of `wafer bench --profile`; the profiled steps are not the timed ones)."""
import json
import os
import sys
import time

import torch

torch.set_num_threads(int(os.environ.get("WAFER_TORCH_THREADS", "2")))
WARMUP = int(os.environ.get("WARMUP", "4"))

d, L, H, T, B = (int(a) for a in sys.argv[1:6])
V = int(sys.argv[6]) if len(sys.argv) > 6 else 50257
STEPS = int(sys.argv[7]) if len(sys.argv) > 7 else 3
PRECISION = sys.argv[8] if len(sys.argv) > 8 else "fp32"
assert PRECISION in ("fp32", "bf16"), PRECISION
torch.manual_seed(0)


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = torch.nn.LayerNorm(d, eps=1e-5), torch.nn.LayerNorm(d, eps=1e-5)
        self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        self.fc, self.fcproj = torch.nn.Linear(d, 4 * d), torch.nn.Linear(4 * d, d)

    def forward(self, x):
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q, k, v = (t.view(B, T, H, d // H).transpose(1, 2) for t in (q, k, v))
        y = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True) \
            if hasattr(torch.nn.functional, 'scaled_dot_product_attention') else \
            torch.softmax((q @ k.transpose(-2, -1) / (d // H) ** 0.5).masked_fill(
                ~torch.tril(torch.ones(T, T, dtype=torch.bool)), float('-inf')), -1) @ v
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, d))
        return x + self.fcproj(torch.nn.functional.gelu(self.fc(self.ln2(x))))


class GPT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = torch.nn.Embedding(V, d), torch.nn.Embedding(2048, d)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(L))
        self.lnf = torch.nn.LayerNorm(d, eps=1e-5)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for blk in self.blocks:
            x = blk(x)
        logits = self.lnf(x) @ self.wte.weight.T
        return torch.nn.functional.cross_entropy(logits.view(-1, V), targets.view(-1))


model = GPT()
opt = torch.optim.AdamW(model.parameters(), lr=6e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)


def step():
    idx = torch.randint(0, V, (B, T))
    tgt = torch.randint(0, V, (B, T))
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=PRECISION == "bf16"):
        loss = model(idx, tgt)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return time.perf_counter() - t0


times = []
for i in range(STEPS + WARMUP):
    seconds = step()
    if i >= WARMUP:
        times.append(seconds)
times.sort()
med = times[len(times) // 2]
print('{"torch":"%s","threads":%d,"precision":"%s","tokens_per_s":%.1f,"step_seconds":%.4f}' % (
    torch.__version__, torch.get_num_threads(), PRECISION, B * T / med, med))
if os.environ.get("PROFILE") == "1":
    # Linear layers and the LM head run as aten::mm/addmm (oneDNN under autocast), attention's products as bmm.
    families = {"linear_and_lm_head_products": ("aten::mm", "aten::addmm"),
                "attention_products": ("aten::bmm", "aten::baddbmm")}
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        wall = sum(step() for _ in range(STEPS))
    self_us = {}
    for e in prof.key_averages():
        self_us[e.key] = self_us.get(e.key, 0) + e.self_cpu_time_total
    out = {"profiled_step_seconds": round(wall / STEPS, 4)}
    for name, ops in families.items():
        out[name + "_seconds_per_step"] = round(sum(self_us.get(o, 0) for o in ops) / 1e6 / STEPS, 4)
    top = sorted(self_us.items(), key=lambda kv: -kv[1])[:12]
    out["top_ops_seconds_per_step"] = {k: round(v / 1e6 / STEPS, 4) for k, v in top}
    print(json.dumps(out))
