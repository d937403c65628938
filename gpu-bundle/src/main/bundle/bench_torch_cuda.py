#!/usr/bin/env python3
"""PyTorch eager baseline for `wafer bench --backend cuda`: median seconds of full training steps (forward, backward,
clipping, AdamW) of the same GPT-3-style model as conformance/golden/bench_torch.py, on the GPU, in fp32 (TF32 off,
as Wafer's default) or bf16 autocast. Prints one JSON line.
Usage: bench_torch_cuda.py D_MODEL LAYERS HEADS SEQ BATCH VOCAB STEPS fp32|bf16"""
import json
import sys
import time

import torch

d, L, H, T, B, V, STEPS = (int(a) for a in sys.argv[1:8])
precision = sys.argv[8]
if not torch.cuda.is_available():
    print(json.dumps({"error": "torch sees no CUDA device"}))
    sys.exit(3)
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.manual_seed(0)
dev = torch.device("cuda")


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
opt = torch.optim.AdamW(model.parameters(), lr=6e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
times = []
for step in range(STEPS + 1):
    idx = torch.randint(0, V, (B, T), device=dev)
    tgt = torch.randint(0, V, (B, T), device=dev)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=precision == "bf16"):
        loss = model(idx, tgt)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    torch.cuda.synchronize()
    if step > 0:
        times.append(time.perf_counter() - t0)
times.sort()
med = times[len(times) // 2]
print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "precision": precision,
                  "tokens_per_s": round(B * T / med, 1), "step_seconds": round(med, 5),
                  "peak_memory_bytes": torch.cuda.max_memory_allocated()}))
