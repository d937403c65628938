#!/usr/bin/env python3
"""PyTorch baseline for `wafer bench --backend cuda`: median seconds of full training steps (forward, backward,
clipping, AdamW) of the same GPT-3-style model as conformance/golden/bench_torch.py, in fp32 (TF32 off, as Wafer's
default) or bf16 autocast; eager by default, or torch.compile'd (--compile: the second anchor). Prints one JSON line.
The peer gets its best settings: the fused CUDA AdamW (one kernel for every tensor, not the default for-each one) and
4 untimed warm-up steps (the developers' guide; torch.compile compiles in its first two).
Usage: bench_torch_cuda.py D_MODEL LAYERS HEADS SEQ BATCH VOCAB STEPS fp32|bf16 [--compile] [--device=cuda|cpu]
       [--warmup=N]
--device=cpu exists for the GPU check's rehearsal without a GPU. Exit 4 when torch cannot be imported or is too old
for this model (before 2.0: no scaled_dot_product_attention, no torch.compile)."""
import argparse
import json
import sys
import time

parser = argparse.ArgumentParser()
for name in ("d", "L", "H", "T", "B", "V", "steps"):
    parser.add_argument(name, type=int)
parser.add_argument("precision", choices=("fp32", "bf16"))
parser.add_argument("--compile", action="store_true")
parser.add_argument("--device", default="cuda", choices=("cuda", "cpu"))
parser.add_argument("--warmup", type=int, default=4)
args = parser.parse_args()
try:
    import torch
except ImportError as e:
    print(json.dumps({"error": "no torch: " + str(e)}))
    sys.exit(4)
# Debian's python3-torch is 1.13: the model below would fail in its first step, after minutes of a GPU run's budget.
missing = [name for name, present in (
    ("torch.nn.functional.scaled_dot_product_attention", hasattr(torch.nn.functional, "scaled_dot_product_attention")),
    ("torch.compile", hasattr(torch, "compile") or not args.compile)) if not present]
if missing:
    print(json.dumps({"error": "torch %s is too old (2.0 or later needed): it has no %s"
                      % (torch.__version__, " and no ".join(missing))}))
    sys.exit(4)

d, L, H, T, B, V, STEPS = args.d, args.L, args.H, args.T, args.B, args.V, args.steps
precision = args.precision
if args.device == "cuda" and not torch.cuda.is_available():
    print(json.dumps({"error": "torch sees no CUDA device"}))
    sys.exit(3)
# TF32 off for float32 products. PyTorch 2.9 and later have a new switch and warn at the old one; reading one after
# setting the other in a way they disagree is a RuntimeError (which torch.compile's Inductor hits), so only the
# matmul's is set, through the newest API there is, and cuDNN's (no convolutions here) is left at its default.
if hasattr(torch.backends.cuda.matmul, "fp32_precision"):
    torch.backends.cuda.matmul.fp32_precision = "ieee"
    tf32_switch = "torch.backends.cuda.matmul.fp32_precision = 'ieee'"
else:
    torch.backends.cuda.matmul.allow_tf32 = False
    tf32_switch = "torch.backends.cuda.matmul.allow_tf32 = False"
torch.manual_seed(0)
dev = torch.device(args.device)


def sync():
    if dev.type == "cuda":
        torch.cuda.synchronize()


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = torch.nn.LayerNorm(d, eps=1e-5), torch.nn.LayerNorm(d, eps=1e-5)
        self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        self.fc, self.fcproj = torch.nn.Linear(d, 4 * d), torch.nn.Linear(4 * d, d)

    def forward(self, x):
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=-1)
        q, k, v = (t.view(B, T, H, d // H).transpose(1, 2) for t in (q, k, v))
        y = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, d))
        return x + self.fcproj(torch.nn.functional.gelu(self.fc(self.ln2(x))))


class GPT(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = torch.nn.Embedding(V, d), torch.nn.Embedding(max(T, 2048), d)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(L))
        self.lnf = torch.nn.LayerNorm(d, eps=1e-5)

    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(T, device=dev))
        for blk in self.blocks:
            x = blk(x)
        logits = self.lnf(x) @ self.wte.weight.T
        return torch.nn.functional.cross_entropy(logits.view(-1, V).float(), targets.view(-1))


model = GPT().to(dev)
step_model = torch.compile(model) if args.compile else model
# The fused AdamW is CUDA's (torch 2.0 on); the CPU rehearsal keeps the default, and older torch has no argument.
fused = dev.type == "cuda"
opt = torch.optim.AdamW(model.parameters(), lr=6e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1,
                        **({"fused": True} if fused else {}))
# torch.compile compiles forward and backward on the first step(s), so it always gets at least two.
warmup = max(args.warmup, 2) if args.compile else max(args.warmup, 1)
times = []
first_steps = 0.0
for step in range(STEPS + warmup):
    idx = torch.randint(0, V, (B, T), device=dev)
    tgt = torch.randint(0, V, (B, T), device=dev)
    sync()
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=precision == "bf16"):
        loss = step_model(idx, tgt)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sync()
    if step >= warmup:
        times.append(time.perf_counter() - t0)
    else:
        first_steps += time.perf_counter() - t0
times.sort()
med = times[len(times) // 2]
print(json.dumps({"torch": torch.__version__,
                  "device": torch.cuda.get_device_name(0) if dev.type == "cuda" else "cpu",
                  "mode": "compile" if args.compile else "eager", "precision": precision, "tf32": False,
                  "tf32_switch": tf32_switch,
                  "tokens_per_s": round(B * T / med, 1), "step_seconds": round(med, 5),
                  "warmup_steps": warmup, "warmup_seconds": round(first_steps, 3),
                  "adamw": "fused" if fused else "default",
                  "peak_memory_bytes": torch.cuda.max_memory_allocated() if dev.type == "cuda" else None}))
