#!/usr/bin/env python3
"""Writes the golden files for Wafer's model tests with PyTorch (Debian's python3-torch 1.13).

A tiny GPT-3-style decoder (learned positions, pre-LN, final LN, dense causal attention, biases everywhere,
tied embeddings, exact erf GELU, LN eps 1e-5, no dropout) in llm.c's parameter layout, for SP and for Cerebras
muP (embedding x10, attention 1/d_head, logits x 1/m_width, hidden LR / m_width). Weights come from numpy with a
fixed seed (truncated normal at +-2 sigma with each parameterisation's stds), so Java loads the same values.

Dumped per parameterisation: tokens, targets, every parameter, the logits, the mean loss, every parameter
gradient, and the losses of the first 10 steps of the Modelzoo/HF AdamW variant (eps before bias correction,
weight decay 0.1 times the tensor's lr on weights and embeddings, not biases/LN) with global-norm clipping 1.0
on the same batch.

Format: <case>.bin holds little-endian float32/int32 arrays back to back; <case>.idx has one line per array:
"name dtype offset count dim0 dim1 ..." (offset and count in elements).
Run: /usr/bin/python3 conformance/golden/make_golden.py  (writes into conformance/src/main/resources/...)
"""
import math
import os
import sys

import numpy as np
import torch

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'main', 'resources',
                   'dev', 'wafer', 'conformance', 'golden')

V, MAXT, L, NH, C, F = 97, 16, 2, 2, 32, 128
B, T = 2, 8
STEPS = 10
LR = {'sp': 2e-3, 'mup': 2e-3}  # muP hidden LR is 8x here (m_width 1/8); larger rates make float32 noise chaotic
BETA1, BETA2, EPS, WD, CLIP = 0.9, 0.95, 1e-8, 0.1, 1.0

# name, role, shape; roles as in dev.wafer.domain.model.ParameterRole
LAYOUT = [
    ('wte', 'TOKEN_EMBEDDING', (V, C)), ('wpe', 'POSITION_EMBEDDING', (MAXT, C)),
    ('ln1w', 'NORM_WEIGHT', (L, C)), ('ln1b', 'NORM_BIAS', (L, C)),
    ('qkvw', 'HIDDEN_WEIGHT', (L, 3 * C, C)), ('qkvb', 'BIAS', (L, 3 * C)),
    ('attprojw', 'OUTPUT_WEIGHT', (L, C, C)), ('attprojb', 'BIAS', (L, C)),
    ('ln2w', 'NORM_WEIGHT', (L, C)), ('ln2b', 'NORM_BIAS', (L, C)),
    ('fcw', 'HIDDEN_WEIGHT', (L, F, C)), ('fcb', 'BIAS', (L, F)),
    ('fcprojw', 'OUTPUT_WEIGHT', (L, C, F)), ('fcprojb', 'BIAS', (L, C)),
    ('lnfw', 'NORM_WEIGHT', (C,)), ('lnfb', 'NORM_BIAS', (C,)),
]


class Param:
    def __init__(self, kind):
        self.kind = kind
        self.m_width = C / 256.0

    def std(self, role):
        if self.kind == 'sp':
            return {'TOKEN_EMBEDDING': 0.02, 'POSITION_EMBEDDING': 0.02, 'HIDDEN_WEIGHT': 0.02,
                    'OUTPUT_WEIGHT': 0.02 / math.sqrt(2 * L)}.get(role)
        return {'TOKEN_EMBEDDING': 0.08, 'POSITION_EMBEDDING': 0.08,
                'HIDDEN_WEIGHT': 0.08 / math.sqrt(self.m_width),
                'OUTPUT_WEIGHT': 0.08 / math.sqrt(2 * L * self.m_width)}.get(role)

    def emb_mult(self):
        return 1.0 if self.kind == 'sp' else 10.0

    def att_scale(self):
        hs = C // NH
        return 1.0 / math.sqrt(hs) if self.kind == 'sp' else 1.0 / hs

    def logit_mult(self):
        return 1.0 if self.kind == 'sp' else 1.0 / self.m_width

    def lr_mult(self, role):
        if self.kind == 'mup' and role in ('HIDDEN_WEIGHT', 'OUTPUT_WEIGHT'):
            return 1.0 / self.m_width
        return 1.0


def init_params(p, rng):
    params = {}
    for name, role, shape in LAYOUT:
        std = p.std(role)
        if std is None:
            val = np.ones(shape) if role == 'NORM_WEIGHT' else np.zeros(shape)
        else:
            z = rng.standard_normal(size=shape)
            bad = np.abs(z) > 2
            while bad.any():  # rejection: a normal conditioned on |z| <= 2
                z[bad] = rng.standard_normal(size=int(bad.sum()))
                bad = np.abs(z) > 2
            val = std * z
        # Biases and LN get small random values too, so that their gradients and updates are exercised
        # with non-trivial values (the test loads these weights; initialisation is tested separately).
        if role in ('BIAS', 'NORM_BIAS'):
            val = val + 0.01 * rng.standard_normal(size=shape)
        if role == 'NORM_WEIGHT':
            val = val + 0.05 * rng.standard_normal(size=shape)
        params[name] = torch.tensor(val.astype(np.float32), requires_grad=True)
    return params


def forward(params, p, tokens):
    x = p.emb_mult() * (params['wte'][tokens] + params['wpe'][:T].unsqueeze(0))
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    hs = C // NH
    for l in range(L):
        h = torch.nn.functional.layer_norm(x, (C,), params['ln1w'][l], params['ln1b'][l], eps=1e-5)
        qkv = h @ params['qkvw'][l].T + params['qkvb'][l]
        q, k, v = qkv.split(C, dim=-1)
        q = q.view(B, T, NH, hs).transpose(1, 2)
        k = k.view(B, T, NH, hs).transpose(1, 2)
        v = v.view(B, T, NH, hs).transpose(1, 2)
        s = (q @ k.transpose(-2, -1)) * p.att_scale()
        s = s.masked_fill(~mask, float('-inf'))
        a = torch.softmax(s, dim=-1)
        y = (a @ v).transpose(1, 2).reshape(B, T, C)
        x = x + (y @ params['attprojw'][l].T + params['attprojb'][l])
        h = torch.nn.functional.layer_norm(x, (C,), params['ln2w'][l], params['ln2b'][l], eps=1e-5)
        h = torch.nn.functional.gelu(h @ params['fcw'][l].T + params['fcb'][l])  # exact erf form
        x = x + (h @ params['fcprojw'][l].T + params['fcprojb'][l])
    x = torch.nn.functional.layer_norm(x, (C,), params['lnfw'], params['lnfb'], eps=1e-5)
    return x @ params['wte'].T  # unscaled logits; the logit multiplier goes into the loss


def loss_of(logits, p, targets):
    return torch.nn.functional.cross_entropy((p.logit_mult() * logits).view(-1, V), targets.view(-1))


def adamw_step(params, p, state, step, lr):
    with torch.no_grad():
        grads = [params[n].grad for n, _, _ in LAYOUT]
        norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
        coef = CLIP / (norm + 1e-6)
        if coef < 1:
            for g in grads:
                g.mul_(coef.float())
        for name, role, _ in LAYOUT:
            w, g = params[name], params[name].grad
            m, v = state[name]
            m.mul_(BETA1).add_(g, alpha=1 - BETA1)
            v.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
            corr = math.sqrt(1 - BETA2 ** step) / (1 - BETA1 ** step)
            u = m / (v.sqrt() + EPS) * corr
            wd = WD if role in ('TOKEN_EMBEDDING', 'POSITION_EMBEDDING', 'HIDDEN_WEIGHT', 'OUTPUT_WEIGHT') else 0.0
            u = u + wd * w
            w.sub_(lr * p.lr_mult(role) * u)
    return float(norm)


def write(case, arrays):
    os.makedirs(OUT, exist_ok=True)
    offset = 0
    with open(os.path.join(OUT, case + '.bin'), 'wb') as b, open(os.path.join(OUT, case + '.idx'), 'w') as idx:
        for name, arr in arrays:
            if arr.dtype.kind in 'iu':
                data, dtype = arr.astype('<i4'), 'i32'
            else:
                data, dtype = arr.astype('<f4'), 'f32'
            b.write(data.tobytes())
            idx.write(' '.join([name, dtype, str(offset), str(data.size)] + [str(d) for d in arr.shape]) + '\n')
            offset += data.size


def make(kind, seed):
    rng = np.random.default_rng(seed)
    p = Param(kind)
    params = init_params(p, rng)
    data = rng.integers(0, V, size=(B, T + 1))
    tokens = torch.tensor(data[:, :T], dtype=torch.long)
    targets = torch.tensor(data[:, 1:], dtype=torch.long)
    arrays = [('tokens', tokens.numpy().astype(np.int32)), ('targets', targets.numpy().astype(np.int32))]
    arrays += [('param.' + n, params[n].detach().numpy().copy()) for n, _, _ in LAYOUT]
    logits = forward(params, p, tokens)
    loss = loss_of(logits, p, targets)
    loss.backward()
    arrays += [('logits', logits.detach().numpy()), ('loss', np.array([loss.item()], dtype=np.float32))]
    arrays += [('grad.' + n, params[n].grad.numpy().copy()) for n, _, _ in LAYOUT]
    state = {n: (torch.zeros_like(params[n]), torch.zeros_like(params[n])) for n, _, _ in LAYOUT}
    losses, norms = [], []
    for step in range(1, STEPS + 1):
        if step > 1:
            for n, _, _ in LAYOUT:
                params[n].grad = None
            loss = loss_of(forward(params, p, tokens), p, targets)
            loss.backward()
        losses.append(loss.item())
        norms.append(adamw_step(params, p, state, step, LR[kind]))
    arrays += [('train.losses', np.array(losses, dtype=np.float32)),
               ('train.grad_norms', np.array(norms, dtype=np.float32)),
               ('train.lr', np.array([LR[kind]], dtype=np.float32))]
    arrays += [('final.' + n, params[n].detach().numpy().copy()) for n, _, _ in LAYOUT]
    write('tiny_' + kind, arrays)
    print(kind, 'loss', losses[0], '->', losses[-1], 'grad norms', norms[0], norms[-1], file=sys.stderr)


if __name__ == '__main__':
    print('torch', torch.__version__, file=sys.stderr)
    make('sp', 1234)
    make('mup', 5678)
