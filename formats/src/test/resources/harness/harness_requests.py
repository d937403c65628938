"""Writes harness-requests.jsonl: the loglikelihood requests lm-evaluation-harness builds for the fixture files.

It runs the harness's own code, not a re-implementation: the task modules of v0.3.0 (62ca184) and CrowS-Pairs
(ea3df93), and Task.fewshot_context and MultipleChoiceTask from that commit's base.py, with the evaluator's loop
(evaluator.evaluate: random.Random(42) shuffle, then fewshot_context and construct_requests per document). Only the
imports are stubbed (datasets, sacrebleu, ...), and rf.loglikelihood returns its arguments.

    git -C HARNESS show 62ca184:lm_eval/tasks/X.py > X.py   (X = hellaswag piqa arc openbookqa winogrande lambada)
    git -C HARNESS show 62ca184:lm_eval/base.py > base.py
    git -C HARNESS show ea3df93:lm_eval/tasks/crowspairs.py > crowspairs.py
    python3 harness_requests.py SRC_DIR FIXTURE_DIR > harness-requests.jsonl
"""
import ast, csv, json, random, sys, types

src, fixtures = sys.argv[1], sys.argv[2]


class Req(tuple):
    pass


def loglikelihood(ctx, cont):
    r = Req((ctx, cont))
    return [r, r]  # indexed [0] by multiple choice; unpacked as (ll, is_greedy) by LAMBADA


class Task:
    def __init__(self):
        self._training_docs = None
        self._fewshot_docs = None


base_src = open(f"{src}/base.py").read()
tree = ast.parse(base_src)
ns = {"Task": Task, "np": __import__("numpy"), "mean": None, "abc": __import__("abc"),
      "utils": types.SimpleNamespace(positional_deprecated=lambda f: f),
      "rf": types.SimpleNamespace(loglikelihood=loglikelihood)}
for node in tree.body:
    if isinstance(node, ast.ClassDef) and node.name == "Task":
        for fn in node.body:
            if isinstance(fn, ast.FunctionDef) and fn.name in ("fewshot_context", "fewshot_examples"):
                code = compile(ast.Module([fn], []), "base.py", "exec")
                exec(code, ns)
                setattr(Task, fn.name, ns[fn.name])
    if isinstance(node, ast.ClassDef) and node.name == "MultipleChoiceTask":
        exec(compile(ast.Module([node], []), "base.py", "exec"), ns)

lm_eval = types.ModuleType("lm_eval")
base = types.ModuleType("lm_eval.base")
base.Task, base.MultipleChoiceTask, base.rf = Task, ns["MultipleChoiceTask"], ns["rf"]
metrics = types.ModuleType("lm_eval.metrics")
metrics.mean = lambda a: sum(a) / len(a)
metrics.perplexity = None
ds = types.ModuleType("lm_eval.datasets.lambada_openai.lambada_openai")
ds.__file__ = "lambada_openai.py"
sys.modules.update({"lm_eval": lm_eval, "lm_eval.base": base, "lm_eval.metrics": metrics,
                    "lm_eval.datasets": types.ModuleType("d"), "lm_eval.datasets.lambada_openai": types.ModuleType("l"),
                    "lm_eval.datasets.lambada_openai.lambada_openai": ds})
lm_eval.datasets = sys.modules["lm_eval.datasets"]
lm_eval.datasets.lambada_openai = sys.modules["lm_eval.datasets.lambada_openai"]
lm_eval.datasets.lambada_openai.lambada_openai = ds


def load(module):
    m = types.ModuleType(module)
    exec(compile(open(f"{src}/{module}.py").read(), f"{module}.py", "exec"), m.__dict__)
    return m


def jsonl(name):
    return [json.loads(l) for l in open(f"{fixtures}/{name}") if l.strip()]


def arc_hf(r):  # the HF ai2_arc/openbookqa builders flatten question.stem and question.choices
    q = r["question"]
    return {"id": r["id"], "question": q["stem"], "question_stem": q["stem"], "answerKey": r["answerKey"],
            "choices": {"text": [c["text"] for c in q["choices"]], "label": [c["label"] for c in q["choices"]]}}


piqa = jsonl("valid.jsonl")
for r, l in zip(piqa, open(f"{fixtures}/valid-labels.lst").read().split()):
    r["label"] = int(l)
hella = jsonl("hellaswag_val.jsonl")
for r in hella:
    r["label"] = str(r["label"])
crows = list(csv.DictReader(open(f"{fixtures}/crows_pairs_anonymized.csv", newline="")))

cases = [  # (name, task class, evaluated docs, training docs, shots)
    ("hellaswag", load("hellaswag").HellaSwag, hella, hella, [0, 1]),
    ("piqa", load("piqa").PiQA, piqa, piqa, [0, 1]),
    ("winogrande", load("winogrande").Winogrande, jsonl("dev.jsonl"), jsonl("dev.jsonl"), [0, 1]),
    ("lambada_openai", load("lambada").LambadaOpenAI, jsonl("lambada_test.jsonl"), None, [0, 1]),
    ("arc_easy", load("arc").ARCEasy, [arc_hf(r) for r in jsonl("ARC-Easy-Test.jsonl")],
     [arc_hf(r) for r in jsonl("ARC-Easy-Test.jsonl")], [0, 1]),
    ("openbookqa", load("openbookqa").OpenBookQA, jsonl("openbookqa.jsonl"), None, [0]),
    ("crows_pairs_english", load("crowspairs").CrowsPairsEnglish, crows, None, [0]),
]
for name, cls, docs, train, shots_list in cases:
    for shots in shots_list:
        task = cls.__new__(cls)
        Task.__init__(task)
        task.dataset = {"validation": docs, "test": docs, "train": train}
        doc_func = task.test_docs if task.has_test_docs() else task.validation_docs
        task_docs = list(doc_func())
        original = list(task_docs)
        rnd = random.Random()
        rnd.seed(42)
        rnd.shuffle(task_docs)
        for doc in task_docs:
            ctx = task.fewshot_context(doc=doc, num_fewshot=shots, rnd=rnd, description="")
            reqs = task.construct_requests(doc, ctx)
            if not isinstance(reqs, (list, tuple)) or isinstance(reqs, Req):
                reqs = [reqs]
            index = next(i for i, d in enumerate(original) if d is doc)
            seen = []
            for r in reqs:  # LAMBADA returns (ll, is_greedy): two results of one request
                if not isinstance(r, Req):  # CrowS-Pairs returns whole requests, not their [0]
                    r = r[0]
                if not any(r is x for x in seen):
                    seen.append(r)
            for r in seen:
                print(json.dumps({"task": name, "shots": shots, "doc_index": index, "context": r[0],
                                  "continuation": r[1]}))
