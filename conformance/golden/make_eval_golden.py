#!/usr/bin/python3
"""End-to-end golden for `wafer eval`: per-request log-likelihood and is_greedy computed with plain PyTorch.

Input: a Hugging Face GPT-2 directory as `wafer export-hf` writes it (config.json + model.safetensors), and the
requests JSONL `wafer eval --write-requests` wrote for that model (context_tokens and continuation_tokens are the ids
before truncation). The forward is GPT2LMHeadModel's in plain torch (formats/src/test/resources/hf-fixture/
make_fixture.py, float32). Each request is scored as lm-evaluation-harness v0.3.0's `_loglikelihood_tokens` does,
independently of Wafer: inp = (ctx + cont)[-(max_length + 1):][:-1], one forward per request (no batching, no
padding), log_softmax over the vocabulary, the last len(cont) positions summed at the continuation ids, and greedy =
every continuation id is the argmax.

Usage: /usr/bin/python3 conformance/golden/make_eval_golden.py MODEL_DIR REQUESTS.jsonl OUT.jsonl
The golden the JUnit test EvalGoldenTest compares against is regenerated so (the test writes MODEL_DIR and the
requests when run with -Dwafer.eval.golden.dir=DIR; see that test).
"""
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'formats', 'src', 'test', 'resources', 'hf-fixture'))
from make_fixture import forward, read_safetensors  # noqa: E402  the HF GPT-2 forward, written out in torch

torch.set_num_threads(2)


def main(model_dir, requests_path, out_path):
    with open(os.path.join(model_dir, 'config.json')) as f:
        config = json.load(f)
    sd = read_safetensors(os.path.join(model_dir, 'model.safetensors'))
    max_length = config['n_positions']
    out = []
    with open(requests_path) as f:
        requests = [json.loads(line) for line in f if line.strip()]
    with torch.no_grad():
        for r in requests:
            ctx, cont = r['context_tokens'], r['continuation_tokens']
            inp = (ctx + cont)[-(max_length + 1):][:-1]
            logits = forward(config, sd, torch.tensor([inp]))[0]
            logp = torch.log_softmax(logits.double(), dim=-1)[-len(cont):]
            target = torch.tensor(cont)
            ll = logp[torch.arange(len(cont)), target].sum().item()
            greedy = bool((logp.argmax(dim=-1) == target).all())
            out.append({'task': r['task'], 'doc_index': r['doc_index'], 'context_tokens': ctx,
                        'continuation_tokens': cont, 'loglikelihood': ll, 'is_greedy': greedy})
    with open(out_path, 'w') as f:
        for o in out:
            f.write(json.dumps(o) + '\n')
    print('wrote', len(out), 'requests to', out_path, 'torch', torch.__version__)


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
