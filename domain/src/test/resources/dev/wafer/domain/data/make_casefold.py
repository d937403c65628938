"""Writes casefold.txt: CPython's casefold(), upper() and lower() of every letter and digit that has one (WordFoldTest).

usage: /usr/bin/python3 make_casefold.py > casefold.txt
Each line is "<code point>;<casefold>;<upper>;<lower>", strings as code points in hex separated by spaces, for each
code point of category L* or Nd where one of the three differs from the character itself. Code points unassigned in
this Python's Unicode are listed ("unassigned FIRST-LAST ...") so that the test skips characters a newer Java knows
and this Python does not.
"""
import sys
import unicodedata

def h(s):
    return " ".join("%04x" % ord(c) for c in s)

print("# CPython %s, Unicode %s" % (sys.version.split()[0], unicodedata.unidata_version))
ranges, start = [], None
for c in range(0x110000):
    cn = unicodedata.category(chr(c)) == "Cn"
    if cn and start is None:
        start = c
    if not cn and start is not None:
        ranges.append((start, c - 1)); start = None
if start is not None:
    ranges.append((start, 0x10FFFF))
for i in range(0, len(ranges), 12):
    print("unassigned " + " ".join("%04x-%04x" % r for r in ranges[i:i + 12]))
for c in range(0x110000):
    ch = chr(c)
    cat = unicodedata.category(ch)
    if not (cat.startswith("L") or cat == "Nd"):
        continue
    if ch.casefold() != ch or ch.upper() != ch or ch.lower() != ch:
        print("%04x;%s;%s;%s" % (c, h(ch.casefold()), h(ch.upper()), h(ch.lower())))
