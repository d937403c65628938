#!/usr/bin/env python3
"""Writes the fixtures that pin Wafer's PythonRandom and FewShotContexts to CPython and lm-evaluation-harness v0.3.0.

Regenerate from the repository root with the system Python (3.11 here; any CPython 3.8-3.12 prints the same values):

    /usr/bin/python3 conformance/golden/make_fewshot_fixtures.py

It writes
  domain/src/test/resources/dev/wafer/domain/eval/python-random.txt  (read by PythonRandomTest)
  formats/src/test/resources/fewshot/harness-prompts.json               (read by HarnessFewShotPromptsTest)

The harness part restates, in a few lines, what v0.3.0 does (lm_eval/evaluator.py `evaluate`, lm_eval/base.py
`Task.fewshot_examples` and `Task.fewshot_context`): per task a `random.Random()` seeded 42 shuffles the scored
documents; the same generator is then passed to `fewshot_context` for each document in shuffled order. With training
documents the examples are `rnd.sample(train, k)`; without, `rnd.sample(docs, k + 1)` minus the scored document,
first k kept. Nothing here needs the harness installed.
"""
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RANDOM_OUT = os.path.join(ROOT, "domain/src/test/resources/dev/wafer/domain/eval/python-random.txt")
PROMPTS_OUT = os.path.join(ROOT, "formats/src/test/resources/fewshot/harness-prompts.json")
HARNESS_SEED = 42

# Seeds: the harness's 42, the 1234, zero, a negative (Python uses |seed|), and seeds of two 32-bit words.
SEEDS = [42, 1234, 0, 1, -7, 2**32 + 5, 2**63 - 1]
GETRANDBITS_K = [1, 2, 5, 8, 31, 32, 33, 40, 53, 63, 64, 17, 3]
# (n, k) pairs for sample: the pool branch (n <= setsize) and the set branch, with the boundaries:
# setsize is 21 for k <= 5, 21 + 4**ceil(log(3k, 4)) above (85 for k = 6..21).
SAMPLES = [(10, 3), (21, 4), (22, 4), (30, 4), (85, 7), (86, 7), (1000, 10), (1000, 600), (5, 5), (7, 0)]


def words(values):
    return " ".join(str(v) for v in values)


def random_lines():
    out = []
    for seed in SEEDS:
        r = random.Random(seed)
        out.append(f"{seed} random = {words(repr(r.random()) for _ in range(8))}")
        r = random.Random(seed)
        out.append(f"{seed} getrandbits {words(GETRANDBITS_K)} = {words(r.getrandbits(k) for k in GETRANDBITS_K)}")
        r = random.Random(seed)
        out.append(f"{seed} randrange 10 = {words(r.randrange(10) for _ in range(12))}")
        r = random.Random(seed)
        out.append(f"{seed} randrange 1 = {words(r.randrange(1) for _ in range(3))}")
        r = random.Random(seed)
        out.append(f"{seed} randrange -5 1000000007 = {words(r.randrange(-5, 1000000007) for _ in range(6))}")
        r = random.Random(seed)
        out.append(f"{seed} randrange 0 {2**62 + 3} = {words(r.randrange(0, 2**62 + 3) for _ in range(4))}")
        for n in (1, 2, 10, 50):
            r = random.Random(seed)
            x = list(range(n))
            r.shuffle(x)
            out.append(f"{seed} shuffle {n} = {words(x)}")
        for n, k in SAMPLES:
            r = random.Random(seed)
            out.append(f"{seed} sample {n} {k} = {words(r.sample(range(n), k))}")
        # One generator through several calls: state carries over from method to method.
        r = random.Random(seed)
        x = list(range(12))
        r.shuffle(x)
        seq = [words(x), words(r.sample(range(40), 5)), repr(r.random()), str(r.getrandbits(45))]
        out.append(f"{seed} chain = {' | '.join(seq)}")
    return out


def harness_examples(docs, train, shots):
    """For each document position, the positions of its examples in the pool, as the harness picks them."""
    rnd = random.Random()
    rnd.seed(HARNESS_SEED)
    order = list(range(len(docs)))
    rnd.shuffle(order)  # the same permutation rnd.shuffle(task_docs) applies
    # sample() picks positions whatever the contents, so drawing from range(len(pool)) and comparing the documents
    # at those positions is the harness's draw, with duplicates kept apart in the output.
    pool = train if train else docs
    result = {}
    for d in order:
        if shots == 0:
            result[d] = []
        elif train:
            result[d] = rnd.sample(range(len(train)), shots)  # Task.fewshot_examples
        else:
            drawn = rnd.sample(range(len(pool)), shots + 1)
            result[d] = [x for x in drawn if pool[x] != docs[d]][:shots]
    return [result[d] for d in range(len(docs))], order


# Small synthetic tasks for the index fixture: document values (equal values are equal documents), training size.
HARNESS_CASES = [
    ([0, 1, 2, 3, 4, 5, 6], 0, 2),
    ([0, 1, 2, 3, 4, 5, 6], 0, 0),
    ([0, 1, 2, 2, 3, 4], 0, 3),       # a duplicated document: both copies are dropped from its examples
    (list(range(30)), 0, 3),          # pool of 30 > setsize 21: the set branch of sample
    (list(range(30)), 0, 6),          # k + 1 = 7 > 5: setsize 85, the pool branch
    ([0, 1, 2, 3], 5, 3),             # training documents: sample(train, k), no exclusion
    ([0, 1, 2, 3, 4], 40, 4),         # training pool of 40 > 21: set branch
]


def harness_lines():
    out = []
    for values, n_train, shots in HARNESS_CASES:
        train = [f"train {i}" for i in range(n_train)]
        examples, order = harness_examples(values, train, shots)
        per_doc = " ".join(f"{d}:{','.join(str(i) for i in ex) or '-'}" for d, ex in enumerate(examples))
        out.append(f"harness docs={','.join(map(str, values))} train={n_train} shots={shots} order={','.join(map(str, order))}"
                   f" = {per_doc}")
    return out


# ---- prompts for whole task files, with doc_to_text / doc_to_target as the harness tasks define them ----

CONTENT = {"multiple_choice": ("context", "choices", "gold"), "winogrande": ("sentence", "choices", "gold"),
           "lambada": ("text",)}


def doc_to_text(kind, doc):
    if kind == "multiple_choice":
        return doc["context"]
    if kind == "winogrande":  # partial_context(doc, option of the answer)
        s = doc["sentence"]
        return s[:s.index("_")] + doc["choices"][doc["gold"]]
    return doc["text"].rsplit(" ", 1)[0]


def doc_to_target(kind, doc):
    if kind == "multiple_choice":
        return " " + doc["choices"][doc["gold"]]
    if kind == "winogrande":  # partial_target
        s = doc["sentence"]
        return " " + s[s.index("_") + 1:].strip()
    return " " + doc["text"].rsplit(" ", 1)[1]


def read_tasks(path):
    tasks = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            t = tasks.setdefault(row["task"], {"type": row["type"], "description": "", "docs": [], "train": []})
            t["description"] = row.get("description", t["description"])
            doc = {k: row[k] for k in CONTENT[row["type"]]}  # the document the harness compares with ==
            (t["train"] if row.get("train") else t["docs"]).append(doc)
    return tasks


def harness_prompts(task, shots):
    """The context of each document, in file order, as v0.3.0's evaluate and fewshot_context build it."""
    kind, docs, train = task["type"], task["docs"], task["train"]
    description = task["description"] + "\n\n" if task["description"] else ""
    rnd = random.Random()
    rnd.seed(HARNESS_SEED)
    order = list(range(len(docs)))
    rnd.shuffle(order)
    contexts = [None] * len(docs)
    for d in order:
        doc = docs[d]
        if shots == 0:
            labeled = ""
        else:
            if train:
                ex = rnd.sample(train, shots)
            else:
                ex = [x for x in rnd.sample(docs, shots + 1) if x != doc][:shots]
            labeled = "\n\n".join(doc_to_text(kind, x) + doc_to_target(kind, x) for x in ex) + "\n\n"
        contexts[d] = description + labeled + doc_to_text(kind, doc)
    return contexts


TASK_FILES = [
    ("/tasks/toy-qa.jsonl", "formats/src/main/resources/tasks/toy-qa.jsonl"),
    ("/tasks/toy-science.jsonl", "formats/src/main/resources/tasks/toy-science.jsonl"),
    ("/tasks/toy-winogrande.jsonl", "formats/src/main/resources/tasks/toy-winogrande.jsonl"),
    ("/tasks/toy-lambada.jsonl", "formats/src/main/resources/tasks/toy-lambada.jsonl"),
    ("/fewshot/harness-check.jsonl", "formats/src/test/resources/fewshot/harness-check.jsonl"),
]


def prompt_cases():
    cases = []
    for resource, path in TASK_FILES:
        for name, task in read_tasks(os.path.join(ROOT, path)).items():
            for shots in (0, 1, 3, 5, 6):
                pool = len(task["train"]) if task["train"] else len(task["docs"]) - 1
                if shots > pool:
                    continue  # the harness's sample would raise
                cases.append({"resource": resource, "task": name, "shots": shots,
                              "prompts": harness_prompts(task, shots)})
    return cases


def main():
    header = ["# CPython random.Random values, written by conformance/golden/make_fewshot_fixtures.py; do not edit.",
              "# '<seed> <method> <args> = <results>', each line from a fresh random.Random(seed);",
              "# 'harness ...' lines: lm-evaluation-harness v0.3.0 few-shot picks, doc:example,example (pool positions)."]
    os.makedirs(os.path.dirname(RANDOM_OUT), exist_ok=True)
    with open(RANDOM_OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(header + random_lines() + harness_lines()) + "\n")
    with open(PROMPTS_OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": "conformance/golden/make_fewshot_fixtures.py", "harness_seed": HARNESS_SEED,
                   "cases": prompt_cases()}, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
