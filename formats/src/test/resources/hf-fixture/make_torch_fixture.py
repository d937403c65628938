#!/usr/bin/python3
"""Writes PyTorch pickle checkpoints (what torch.save and transformers' save_pretrained wrote before safetensors,
and what the Cerebras-GPT release on Hugging Face ships: pytorch_model.bin) of the tiny-gpt2 fixture's model, for
Wafer's pickle import test (TorchCheckpointImportTest). torch.save writes them, so the tests read files made by
PyTorch itself, not by a re-implementation of its format.

- tiny-gpt2-torch/: pytorch_model.bin, float32, GPT2LMHeadModel names, the head saved as well and sharing the
  embedding's storage (tied), the causal-mask buffers older transformers saved (attn.bias as bool, attn.masked_bias),
  the state dict's _metadata; the same weights as tiny-gpt2/model.safetensors, so the same expected.json.
- tiny-gpt2-torch-sharded/: bfloat16, GPT2Model names (no "transformer." prefix, as the 13B release), split over
  two files listed in pytorch_model.bin.index.json; wpe saved as a transposed view (strides (1, 16)) and ln_f.bias
  as a slice at an offset of a larger storage; bf16-reference.safetensors holds the bfloat16 bits torch rounded to.
- tiny-gpt2-torch-flat/: float32, every weight a view at its own offset into one flat storage (a flattened-parameter
  save), the head tied to wte's view.
- tiny-gpt2-torch-broadcast/: as tiny-gpt2-torch, but wpe is one row broadcast over every position (stride 0) and
  h.0.attn.c_proj.weight overlapping rows (strides (1, 1)): both hold more elements than their storage, as
  torch.load reads them; broadcast-reference.safetensors holds their values as torch reads them.
- torch-refusals/: files Wafer must refuse in one line: a training checkpoint ({"model": state dict, "step": 3}),
  the pre-1.6 legacy format, and a pickle whose value would run a shell command when unpickled by Python
  (os.system; the command only touches /tmp/wafer-torch-fixture-executed, which the test checks stays absent).

Usage:  /usr/bin/python3 make_torch_fixture.py     # needs torch (Debian: python3-torch); reads tiny-gpt2/
"""
import collections
import json
import os
import shutil

import torch

from make_fixture import HERE, read_safetensors, write_safetensors


def hf_state_dict(sd):
    """The state dict as GPT2LMHeadModel.state_dict() returns it in transformers 4.2x."""
    out = collections.OrderedDict()
    for name, t in sd.items():
        if name.endswith(".attn.bias"):
            continue
        out[name] = t.clone()
        if name.endswith("c_proj.bias") and ".attn." in name:
            prefix = name[: -len("c_proj.bias")]
            p = sd["transformer.wpe.weight"].shape[0]
            out[prefix + "bias"] = torch.tril(torch.ones(p, p, dtype=torch.bool)).view(1, 1, p, p)
            out[prefix + "masked_bias"] = torch.tensor(-1e4)
    out["lm_head.weight"] = out["transformer.wte.weight"]  # tied: one storage, saved once
    out._metadata = collections.OrderedDict([("", {"version": 1}), ("transformer", {"version": 1})])
    return out


class RunsCode:
    """Unpickled by Python, this runs a shell command: what a malicious checkpoint does."""

    def __reduce__(self):
        return os.system, ("touch /tmp/wafer-torch-fixture-executed",)


def main():
    source = os.path.join(HERE, "tiny-gpt2")
    sd = read_safetensors(os.path.join(source, "model.safetensors"))

    out = os.path.join(HERE, "tiny-gpt2-torch")
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(source, "config.json"), out)
    torch.save(hf_state_dict(sd), os.path.join(out, "pytorch_model.bin"))

    out = os.path.join(HERE, "tiny-gpt2-torch-sharded")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(source, "config.json")) as f:
        config = json.load(f)
    config["architectures"] = ["GPT2Model"]
    config["torch_dtype"] = "bfloat16"
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    bf16 = collections.OrderedDict((name[len("transformer."):], t.to(torch.bfloat16))
                                   for name, t in sd.items() if not name.endswith(".attn.bias"))
    write_safetensors(os.path.join(out, "bf16-reference.safetensors"), bf16, bf16=True)
    saved = collections.OrderedDict(bf16)
    saved["wpe.weight"] = bf16["wpe.weight"].t().contiguous().t()  # same values, column-major strides
    d = bf16["ln_f.bias"].shape[0]
    wider = torch.cat([torch.zeros(5, dtype=torch.bfloat16), bf16["ln_f.bias"], torch.ones(3, dtype=torch.bfloat16)])
    saved["ln_f.bias"] = wider[5:5 + d]  # a view at storage offset 5 of an 8-longer storage
    assert saved["wpe.weight"].stride() == (1, saved["wpe.weight"].shape[0])
    assert saved["ln_f.bias"].storage_offset() == 5
    names = list(saved)
    first = collections.OrderedDict((n, saved[n]) for n in names[: len(names) // 2])
    second = collections.OrderedDict((n, saved[n]) for n in names[len(names) // 2:])
    files = ["pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"]
    torch.save(first, os.path.join(out, files[0]))
    torch.save(second, os.path.join(out, files[1]))
    index = {"metadata": {"total_size": sum(t.numel() * 2 for t in bf16.values())},
             "weight_map": {n: files[0] if n in first else files[1] for n in names}}
    with open(os.path.join(out, "pytorch_model.bin.index.json"), "w") as f:
        json.dump(index, f, indent=2)
    out = os.path.join(HERE, "tiny-gpt2-torch-flat")
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(source, "config.json"), out)
    weights = [(n, t) for n, t in sd.items() if not n.endswith(".attn.bias")]
    flat = torch.cat([t.reshape(-1) for _, t in weights])
    views, at = collections.OrderedDict(), 0
    for name, t in weights:
        views[name] = flat[at:at + t.numel()].view(t.shape)
        at += t.numel()
    views["lm_head.weight"] = views["transformer.wte.weight"]
    torch.save(views, os.path.join(out, "pytorch_model.bin"))

    out = os.path.join(HERE, "tiny-gpt2-torch-broadcast")
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(source, "config.json"), out)
    odd = hf_state_dict(sd)
    p, d = odd["transformer.wpe.weight"].shape
    odd["transformer.wpe.weight"] = odd["transformer.wpe.weight"][3].clone().expand(p, d)
    # Overlapping: each row starts one element after the previous, d x d elements over a storage of 2d.
    odd["transformer.h.0.attn.c_proj.weight"] = (0.2 * torch.randn(2 * d, generator=torch.Generator().manual_seed(6))) \
        .as_strided((d, d), (1, 1))
    assert odd["transformer.wpe.weight"].stride() == (0, 1)
    torch.save(odd, os.path.join(out, "pytorch_model.bin"))
    write_safetensors(os.path.join(out, "broadcast-reference.safetensors"),
                      {n: odd[n].contiguous() for n in ("transformer.wpe.weight", "transformer.h.0.attn.c_proj.weight")})

    out = os.path.join(HERE, "torch-refusals")
    os.makedirs(out, exist_ok=True)
    small = collections.OrderedDict([("transformer.wte.weight", sd["transformer.wte.weight"][:2].clone())])
    torch.save({"model": small, "step": 3}, os.path.join(out, "training-checkpoint.bin"))
    torch.save(small, os.path.join(out, "legacy.bin"), _use_new_zipfile_serialization=False)
    torch.save(collections.OrderedDict([("transformer.wte.weight", RunsCode())]), os.path.join(out, "runs-code.bin"))
    print("torch", torch.__version__, "wrote tiny-gpt2-torch/ and tiny-gpt2-torch-sharded/")


if __name__ == "__main__":
    main()
