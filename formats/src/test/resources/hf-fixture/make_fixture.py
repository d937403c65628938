#!/usr/bin/python3
"""Writes tiny GPT-2 models in Hugging Face layout with PyTorch, plus the logits and loss torch computes for a fixed
token batch, as fixtures for Wafer's import test (Gpt2ImportFixtureTest). Also checks an exported directory.

transformers is not needed: the forward below is GPT2LMHeadModel's, written out in plain torch with HF's exact
semantics (Conv1D y = x @ W + b with W stored [in, out]; fused c_attn split Q|K|V along the output dim; exact erf
GELU, activation_function "gelu"; attention scores / sqrt(d_head); LayerNorm eps 1e-5; tied lm_head), plus the
btlm muP multipliers (embeddings x mup_embeddings_scale, scores / d_head, logits x mup_output_alpha x
mup_width_scale) when the config has them.

Usage:  /usr/bin/python3 make_fixture.py            # regenerate tiny-gpt2/ and tiny-gpt2-mup/ here
        /usr/bin/python3 make_fixture.py check DIR  # print max |logit difference| of DIR vs Wafer's expected.json
"""
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 1234
TOKENS = [[5, 17, 42, 8, 63, 0, 31, 31, 2, 50, 9, 11], [60, 1, 2, 3, 4, 5, 6, 7, 40, 41, 12, 33]]


def config(mup):
    c = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_embd": 32, "n_layer": 2, "n_head": 4,
         "n_inner": 128, "n_positions": 16, "vocab_size": 64, "activation_function": "gelu",
         "layer_norm_epsilon": 1e-5, "tie_word_embeddings": True, "scale_attn_weights": True,
         "attn_pdrop": 0.0, "resid_pdrop": 0.0, "embd_pdrop": 0.0}
    if mup:
        c["model_type"] = "btlm"
        c["mup_width_scale"] = 256 / 32
        c["mup_embeddings_scale"] = 10.0
        c["mup_output_alpha"] = 1.0
        c["mup_scale_qk_dot_by_d"] = True
    return c


def random_state(c, gen):
    d, f, v, p = c["n_embd"], c["n_inner"], c["vocab_size"], c["n_positions"]
    sd = {"transformer.wte.weight": torch.randn(v, d, generator=gen) * 0.2,
          "transformer.wpe.weight": torch.randn(p, d, generator=gen) * 0.1}
    for i in range(c["n_layer"]):
        h = "transformer.h.%d." % i
        sd[h + "ln_1.weight"] = 1 + 0.1 * torch.randn(d, generator=gen)
        sd[h + "ln_1.bias"] = 0.1 * torch.randn(d, generator=gen)
        sd[h + "attn.c_attn.weight"] = 0.2 * torch.randn(d, 3 * d, generator=gen)
        sd[h + "attn.c_attn.bias"] = 0.1 * torch.randn(3 * d, generator=gen)
        sd[h + "attn.c_proj.weight"] = 0.2 * torch.randn(d, d, generator=gen)
        sd[h + "attn.c_proj.bias"] = 0.1 * torch.randn(d, generator=gen)
        sd[h + "ln_2.weight"] = 1 + 0.1 * torch.randn(d, generator=gen)
        sd[h + "ln_2.bias"] = 0.1 * torch.randn(d, generator=gen)
        sd[h + "mlp.c_fc.weight"] = 0.2 * torch.randn(d, f, generator=gen)
        sd[h + "mlp.c_fc.bias"] = 0.1 * torch.randn(f, generator=gen)
        sd[h + "mlp.c_proj.weight"] = 0.2 * torch.randn(f, d, generator=gen)
        sd[h + "mlp.c_proj.bias"] = 0.1 * torch.randn(d, generator=gen)
        # The causal-mask buffers older transformers saved; Wafer must skip them.
        sd[h + "attn.bias"] = torch.tril(torch.ones(p, p)).view(1, 1, p, p)
    sd["transformer.ln_f.weight"] = 1 + 0.1 * torch.randn(d, generator=gen)
    sd["transformer.ln_f.bias"] = 0.1 * torch.randn(d, generator=gen)
    return sd


def forward(c, sd, ids):
    d, nh = c["n_embd"], c["n_head"]
    hd = d // nh
    emb_scale = c.get("mup_embeddings_scale", 1.0)
    by_d = c.get("mup_scale_qk_dot_by_d", False)
    logit_scale = c.get("mup_output_alpha", 1.0) * c.get("mup_width_scale", 1.0) if "mup_width_scale" in c else 1.0
    b, t = ids.shape
    x = (sd["transformer.wte.weight"][ids] + sd["transformer.wpe.weight"][torch.arange(t)]) * emb_scale
    ln = lambda x, p: torch.nn.functional.layer_norm(x, (d,), sd[p + ".weight"], sd[p + ".bias"], c["layer_norm_epsilon"])
    conv1d = lambda x, p: x @ sd[p + ".weight"] + sd[p + ".bias"]
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(c["n_layer"]):
        h = "transformer.h.%d." % i
        q, k, v = conv1d(ln(x, h + "ln_1"), h + "attn.c_attn").split(d, dim=2)
        q, k, v = [z.view(b, t, nh, hd).transpose(1, 2) for z in (q, k, v)]
        s = q @ k.transpose(-1, -2) / (hd if by_d else math.sqrt(hd))
        s = s.masked_fill(~mask, torch.finfo(s.dtype).min)
        a = torch.softmax(s, dim=-1) @ v
        x = x + conv1d(a.transpose(1, 2).reshape(b, t, d), h + "attn.c_proj")
        m = torch.nn.functional.gelu(conv1d(ln(x, h + "ln_2"), h + "mlp.c_fc"))
        x = x + conv1d(m, h + "mlp.c_proj")
    head = sd["lm_head.weight"] if "lm_head.weight" in sd else sd["transformer.wte.weight"]
    return (ln(x, "transformer.ln_f") @ head.T) * logit_scale


def loss_of(logits, ids):
    v = logits.shape[-1]
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, v), ids[:, 1:].reshape(-1)).item()


def write_safetensors(path, sd, bf16=False):
    """float32 tensors, or with bf16 the bfloat16 bits of bfloat16 tensors (numpy has no bfloat16: viewed as int16)."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in sd.items():
        data = (t.contiguous().view(torch.int16) if bf16 else t.contiguous().to(torch.float32)).numpy().tobytes()
        header[name] = {"dtype": "BF16" if bf16 else "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    sd = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        sd[name] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=torch.float32).reshape(e["shape"])
    return sd


def make(name, mup):
    gen = torch.Generator().manual_seed(SEED + (1 if mup else 0))
    c = config(mup)
    sd = random_state(c, gen)
    out = os.path.join(HERE, name)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(c, f, indent=2)
    write_safetensors(os.path.join(out, "model.safetensors"), sd)
    ids = torch.tensor(TOKENS)
    with torch.no_grad():
        logits = forward(c, sd, ids)
    expected = {"torch": torch.__version__, "tokens": TOKENS, "loss": loss_of(logits, ids),
                "logits": [float(z) for z in logits.reshape(-1).tolist()]}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)
    print(name, "loss", expected["loss"])


def check(directory):
    with open(os.path.join(directory, "config.json")) as f:
        c = json.load(f)
    sd = read_safetensors(os.path.join(directory, "model.safetensors"))
    with open(os.path.join(directory, "expected.json")) as f:
        expected = json.load(f)
    ids = torch.tensor(expected["tokens"])
    with torch.no_grad():
        logits = forward(c, sd, ids)
    diff = (logits.reshape(-1) - torch.tensor(expected["logits"])).abs().max().item()
    print("max |logit difference| %.3g, loss torch %.7f vs expected %.7f" % (diff, loss_of(logits, ids), expected["loss"]))
    return diff


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2]) < 1e-4 else 1)
    make("tiny-gpt2", False)
    make("tiny-gpt2-mup", True)
