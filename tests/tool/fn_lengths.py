#!/usr/bin/python3
"""Lists the C functions of the given files longer than a limit.

usage: fn_lengths.py MAX FILE...   prints "FILE:LINE FUNCTION LENGTH" for
each function whose body, counted from the line of its opening brace to the
line of its closing brace, is longer than MAX lines. A small brace counter,
not a C parser: comments, strings and character literals are blanked first,
preprocessor lines skipped; a top-level brace opens a function when the text
before it (since the last top-level ';' or '}') has a '(' and no '='
(which would make it an initializer). Exit 0 either way; 2 on bad usage.
"""
import re
import sys


def blank(text):
    """Comments, strings and char literals become spaces (newlines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    """Yields (name, first line, length) for each function of path."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = blank(f.read()).split("\n")
    depth, header, start, name, cont = 0, "", 0, None, False
    for no, line in enumerate(lines, 1):
        if cont or (depth == 0 and line.lstrip().startswith("#")):
            cont = line.rstrip().endswith("\\")
            continue
        for c in line:
            if depth == 0 and c == "{":
                name = None
                if "(" in header and "=" not in header:
                    ids = re.findall(r"([A-Za-z_]\w*)\s*\(", header)
                    name = ids[0] if ids and ids[0] not in ("if", "while") else "?"
                    m = re.search(r"([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*$", header)
                    if m:
                        name = m.group(1)
                start = no
                depth = 1
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    if name:
                        yield name, start, no - start + 1
                    header = ""
                    name = None
            elif depth == 0:
                header = "" if c == ";" else header + c
        if depth == 0:
            header += " "


def main(argv):
    if len(argv) < 3 or not argv[1].isdigit():
        sys.stderr.write("usage: fn_lengths.py MAX FILE...\n")
        return 2
    limit = int(argv[1])
    for path in argv[2:]:
        for name, start, length in functions(path):
            if length > limit:
                print("%s:%d %s %d" % (path, start, name, length))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
