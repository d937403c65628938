"""Writes format.txt: the code points CPython puts in category Cf (format characters), which the word rule skips
inside words (FormatCharactersInWordsTest).

usage: /usr/bin/python3 make_format.py > format.txt
Lines "cf FIRST-LAST ..." list the Cf ranges; lines "unassigned FIRST-LAST ..." the code points this Python's Unicode
does not assign, so that the test skips characters a newer Java knows and this Python does not.
"""
import sys
import unicodedata

def ranges(pred):
    out, start = [], None
    for c in range(0x110000):
        hit = pred(unicodedata.category(chr(c)))
        if hit and start is None:
            start = c
        if not hit and start is not None:
            out.append((start, c - 1)); start = None
    if start is not None:
        out.append((start, 0x10FFFF))
    return out

print("# CPython %s, Unicode %s" % (sys.version.split()[0], unicodedata.unidata_version))
for name, cat in (("cf", "Cf"), ("unassigned", "Cn")):
    rs = ranges(lambda c: c == cat)
    for i in range(0, len(rs), 12):
        print(name + " " + " ".join("%04x-%04x" % r for r in rs[i:i + 12]))
