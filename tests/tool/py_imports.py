#!/usr/bin/python3
"""Every `from M import a, b` in the project's Python (tests, bench,
examples, scripts) where M is one of the project's own modules names
something M defines at its top level.

The integration tests share helpers by importing them from one another and
from tests/integration/lib; a helper moved or renamed in one file must not
leave another test failing at import, which only its own (slow, root-only)
run would show. Read as text (ast), nothing is imported or run.

    /usr/bin/python3 tests/tool/py_imports.py SRC [--self-test]

Exits 0 if every such import resolves, 1 (one line each) if not, 2 on bad
arguments. --self-test first checks that a fixture with a missing name is
caught.
"""
import ast
import os
import sys

DIRS = ("tests", "bench", "examples", "scripts")


def modules(src):
    """Module name -> paths of the project's .py files of that name."""
    found = {}
    for top in DIRS:
        for root, dirs, files in os.walk(os.path.join(src, top)):
            dirs[:] = [d for d in dirs if d not in ("__pycache__", "node_modules")]
            for f in files:
                if f.endswith(".py"):
                    found.setdefault(f[:-3], []).append(os.path.join(root, f))
    return found


def top_names(path):
    """Names bound at the top level of a module (defs, classes, assignments,
    imports), and whether it binds names it cannot list (import *)."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    names, star = set(), False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        names.add(n.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                if a.name == "*":
                    star = True
                else:
                    names.add((a.asname or a.name).split(".")[0])
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            # Names bound under a guard (try: import x / except: x = None).
            for n in ast.walk(node):
                if isinstance(n, (ast.FunctionDef, ast.ClassDef)):
                    names.add(n.name)
                elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    names.add(n.id)
                elif isinstance(n, (ast.Import, ast.ImportFrom)):
                    names.update((a.asname or a.name).split(".")[0] for a in n.names)
    return names, star


def check(src):
    mods = modules(src)
    cache, bad = {}, []
    for paths in mods.values():
        for path in paths:
            tree = ast.parse(open(path, encoding="utf-8").read(), path)
            for node in ast.walk(tree):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                homes = mods.get(node.module)
                if not homes:
                    continue  # not one of ours (stdlib, dnspython, zmq, ...)
                # The module next to the importer wins, as on its sys.path.
                near = [h for h in homes if os.path.dirname(h) == os.path.dirname(path)]
                home = (near or homes)[0]
                if home not in cache:
                    cache[home] = top_names(home)
                names, star = cache[home]
                for a in node.names:
                    if a.name != "*" and a.name not in names and not star:
                        bad.append("%s:%d: %s has no %s" % (os.path.relpath(path, src), node.lineno,
                                                          os.path.relpath(home, src), a.name))
    return bad


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "tests", "a"))
        with open(os.path.join(d, "tests", "a", "helper.py"), "w") as f:
            f.write("X = 1\n\ndef kept():\n    pass\n")
        with open(os.path.join(d, "tests", "a", "user.py"), "w") as f:
            f.write("from helper import X, kept, moved  # noqa\n")
        bad = check(d)
        return len(bad) == 1 and "has no moved" in bad[0]


def main():
    args = [a for a in sys.argv[1:] if a != "--self-test"]
    if len(args) != 1 or not os.path.isdir(args[0]):
        print("usage: py_imports.py SRC [--self-test]", file=sys.stderr)
        return 2
    if "--self-test" in sys.argv and not self_test():
        print("py_imports: the self-test did not catch a missing name")
        return 1
    bad = check(os.path.abspath(args[0]))
    for line in bad:
        print(line)
    print("py_imports: %d project imports unresolved" % len(bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
