#!/usr/bin/env python3
"""Rebuilds sample.jsonl.zst, Wafer's embedded default corpus, from Debian packages.

Needs: apt-get install bible-kjv bible-kjv-text dict-devil jargon-text zstd
Output is deterministic for the same package versions (no randomness, fixed selection).
See README.md for sources and licences.
"""
import gzip, json, re, subprocess, sys

OUT = "sample.jsonl"
docs = []

def add(text, source, licence, extra=None):
    meta = {"pile_set_name": source, "licence": licence}
    if extra:
        meta.update(extra)
    docs.append({"text": text.strip() + "\n", "meta": meta})

# 1. King James Bible (1611; public domain), one document per chapter.
BOOKS = [("Genesis", 50), ("Ruth", 4), ("Esther", 10), ("Job", 42), ("Proverbs", 31),
         ("Ecclesiastes", 12), ("Jonah", 4), ("Mark", 16), ("John", 21), ("James", 5)]
for book, chapters in BOOKS:
    for c in range(1, chapters + 1):
        out = subprocess.run(["bible", "-f", f"{book}{c}:1-200"], capture_output=True, text=True, check=True).stdout
        verses = [re.sub(r"^\S+\d+:\d+ ", "", line) for line in out.splitlines() if line.strip()]
        add(f"{book} {c}\n\n" + "\n".join(verses), "Bible (KJV)", "public-domain",
            {"work": f"{book} {c}"})

# 2. The Devil's Dictionary (Ambrose Bierce, 1911; public domain), one document per initial letter.
#    Letters A-C are labelled "Books3" with no licence, standing in for a source a user wants excluded.
raw = gzip.open("/usr/share/dictd/devil.dict.dz", "rt", encoding="latin-1").read()
start = raw.index("ABASEMENT, n.")
body = raw[start:]
entries = re.split(r"\n(?=[A-Z][A-Z' -]+, [a-z]+\.)", body)
by_letter = {}
for e in entries:
    by_letter.setdefault(e[0], []).append(e.strip())
for letter in sorted(by_letter):
    text = "\n\n".join(by_letter[letter])
    if letter in "ABC":
        docs.append({"text": text + "\n", "meta": {"pile_set_name": "Books3", "work": f"devils-dictionary-{letter}"}})
    else:
        add(text, "Devil's Dictionary", "public-domain", {"work": f"devils-dictionary-{letter}"})

# 3. The Jargon File 4.4.7 (public domain), glossary entries in chunks of about 3 KB.
jargon = gzip.open("/usr/share/doc/jargon-text/jargon.txt.gz", "rt", encoding="utf-8", errors="replace").read()
glossary = jargon[jargon.rindex("The Jargon Lexicon"):]
paras = [p.strip() for p in re.split(r"\n\s*\n", glossary) if len(p.strip()) > 40]
chunk, size, n = [], 0, 0
for p in paras:
    chunk.append(re.sub(r"[ \t]+", " ", p))
    size += len(p)
    if size > 3000:
        add("\n\n".join(chunk), "Jargon File", "public-domain")
        chunk, size, n = [], 0, n + 1
        if n >= 140:
            break

with open(OUT, "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
subprocess.run(["zstd", "-q", "-f", "-19", "--rm", OUT, "-o", OUT + ".zst"], check=True)
print(f"{len(docs)} documents written to {OUT}.zst", file=sys.stderr)
