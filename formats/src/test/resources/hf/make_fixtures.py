#!/usr/bin/env python3
"""Writes the safetensors fixtures that the Java tests read, independently of Wafer's writer.

Needs only numpy. Run from this directory: python3 make_fixtures.py
Outputs (committed, small):
  tiny-gpt2/config.json, tiny-gpt2/model.safetensors   a 2-layer GPT2Model-style state dict (no "transformer."
                                                        prefix, as GPT2Model saves it) with the old attn.bias /
                                                        attn.masked_bias buffers, plus expected.json
  dtypes.safetensors                                    the same 6 values as F32, F16 and BF16
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def save(path, tensors, metadata=None):
    """tensors: list of (name, dtype string, shape, raw little-endian bytes)."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text.encode()) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text.encode())))
        f.write(text.encode())
        for _, _, _, raw in tensors:
            f.write(raw)


def f32(a):
    return a.astype("<f4").tobytes()


def bf16_bits(a):
    # Round to nearest even, as torch does when casting float32 to bfloat16.
    bits = a.astype("<f4").view("<u4").astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    return rounded.astype("<u2")


def tiny_gpt2():
    rng = np.random.default_rng(1234)
    vocab, n_pos, d, n_layer, n_head = 11, 8, 4, 2, 2
    f = 4 * d
    shapes = [("wte.weight", (vocab, d)), ("wpe.weight", (n_pos, d))]
    for i in range(n_layer):
        h = f"h.{i}."
        shapes += [(h + "ln_1.weight", (d,)), (h + "ln_1.bias", (d,)),
                   (h + "attn.c_attn.weight", (d, 3 * d)), (h + "attn.c_attn.bias", (3 * d,)),
                   (h + "attn.c_proj.weight", (d, d)), (h + "attn.c_proj.bias", (d,)),
                   (h + "ln_2.weight", (d,)), (h + "ln_2.bias", (d,)),
                   (h + "mlp.c_fc.weight", (d, f)), (h + "mlp.c_fc.bias", (f,)),
                   (h + "mlp.c_proj.weight", (f, d)), (h + "mlp.c_proj.bias", (d,))]
    shapes += [("ln_f.weight", (d,)), ("ln_f.bias", (d,))]
    tensors, expected = [], {}
    for name, shape in shapes:
        a = (rng.standard_normal(shape) * 0.1).astype(np.float32)
        tensors.append((name, "F32", shape, f32(a)))
        expected["transformer." + name] = {"shape": list(shape), "sum": float(a.astype(np.float64).sum()),
                                           "first": float(a.flat[0]), "last": float(a.flat[-1])}
        if name.endswith("ln_1.bias"):
            layer = name.split(".")[1]
            mask = np.tril(np.ones((n_pos, n_pos), dtype=np.float32)).reshape(1, 1, n_pos, n_pos)
            tensors.append((f"h.{layer}.attn.bias", "F32", mask.shape, f32(mask)))
            tensors.append((f"h.{layer}.attn.masked_bias", "F32", (), f32(np.array(-1e4, dtype=np.float32))))
    out = os.path.join(HERE, "tiny-gpt2")
    os.makedirs(out, exist_ok=True)
    save(os.path.join(out, "model.safetensors"), tensors, {"format": "pt"})
    config = {"architectures": ["GPT2Model"], "model_type": "gpt2", "vocab_size": vocab, "n_positions": n_pos,
              "n_embd": d, "n_layer": n_layer, "n_head": n_head, "n_inner": None, "activation_function": "gelu",
              "layer_norm_epsilon": 1e-5, "tie_word_embeddings": True, "scale_attn_weights": True}
    with open(os.path.join(out, "config.json"), "w") as fh:
        json.dump(config, fh, indent=2)
    with open(os.path.join(out, "expected.json"), "w") as fh:
        json.dump(expected, fh, indent=1, sort_keys=True)


def dtypes():
    values = np.array([1.0, -2.5, 0.1, 65504.0, 3.140625, -0.0009765625], dtype=np.float32)
    bf = bf16_bits(values)
    save(os.path.join(HERE, "dtypes.safetensors"), [
        ("f32", "F32", (2, 3), f32(values)),
        ("f16", "F16", (2, 3), values.astype("<f2").tobytes()),
        ("bf16", "BF16", (2, 3), bf.tobytes()),
    ], {"written_by": "make_fixtures.py"})
    expected = {"f32": values.tolist(), "f16": values.astype(np.float16).astype(np.float32).tolist(),
                "bf16": (bf.astype(np.uint32) << 16).view(np.float32).tolist()}
    with open(os.path.join(HERE, "dtypes.expected.json"), "w") as fh:
        json.dump(expected, fh, indent=1)


if __name__ == "__main__":
    tiny_gpt2()
    dtypes()
