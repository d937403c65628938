"""Writes python-strings.txt: CPython's answers for the str methods the harness tasks use (PythonStringsTest).

usage: /usr/bin/python3 make_python_strings.py > python-strings.txt
Strings are written as code points in hex separated by spaces ("-" for the empty string); each line is
"<op> <input> = <output>". Code points unassigned in this Python's Unicode are listed ("unassigned FIRST-LAST ...") so
that the test skips characters a newer Java knows and this Python does not.
"""
import re
import sys
import unicodedata

def h(s):
    return " ".join("%04x" % ord(c) for c in s) if s else "-"

def chars():
    return (chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)

print("# CPython %s, Unicode %s" % (sys.version.split()[0], unicodedata.unidata_version))
print("isspace - = " + h("".join(c for c in chars() if c.isspace())))
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
# capitalize: every character it changes alone (the first character: full title case), and after "a" (the rest:
# full lower case), then contexts where lower case depends on the neighbours (final sigma).
for c in chars():
    if c.capitalize() != c:
        print("capitalize %s = %s" % (h(c), h(c.capitalize())))
    if ("a" + c).capitalize() != "A" + c:
        print("capitalize %s = %s" % (h("a" + c), h(("a" + c).capitalize())))
for s in ["ΑΣ", "ΣΑ", "Σ", "ΑΣΑ", "ΑΣ Α", "ΑΣ.", "Α.Σ", "ΑΣ'Α", "Α'Σ", "ΑΣ\u0301", "Α\u0301Σ", "ΑΣ\u0301Α", "ßtraße",
          "ﬁsh swim", "İSTANBUL", "ǅemal", "ǆ", "ǉUBLJANA", "ŉ", "", "1abc", " abc", "ABC DEF"]:
    print("capitalize %s = %s" % (h(s), h(s.capitalize())))
# strip, and HellaSwag's bracket pattern: "." is anything but "\n".
for s in ["\u00a0 x \u2007", "\u0085x\u202f", "\x1c\x1dx\x1e\x1f", "\u200bx\u200b", "\ufeffx", "\u3000x\u205f", "\t\n\x0b\x0c\rx",
          "\u180ex", "\u1680x\u2028\u2029", "", "   "]:
    print("strip %s = %s" % (h(s), h(s.strip())))
for s in ["one [a\rb] two", "[a\nb] c [d]", "[\x85][\u2028][\u2029][\x0b][\x0c]", "[a]]b[[c]", "[x", "[\U0001f600]"]:
    print("brackets %s = %s" % (h(s), h(re.sub("\\[.*?\\]", "", s))))
