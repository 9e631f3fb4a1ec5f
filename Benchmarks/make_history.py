#!/usr/bin/env python3
"""Writes a git fast-import stream for a large synthetic history.

Usage: make_history.py FILES COMMITS SEED | git fast-import --quiet

The first commit adds FILES files spread over nested folders (sources, tests, specs, manifests);
each later commit edits a few files and now and then adds, deletes or renames one (with and
without an edit), so ranges contain real renames.
"""
import random
import sys

files_count, commits, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
WORDS = "alpha beta gamma delta login user token spec cache event retry queue branch commit render parse".split()
EXTS = [".swift", ".py", ".go", ".ts", ".rs", ".md", ".json"]


def content(lines):
    return "".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9))) + "\n" for _ in range(lines))


def path_for(i):
    top = ["Sources", "src", "lib", "Tests", "specs", "docs", "pkg", "web/src"][i % 8]
    return f"{top}/m{i % 97}/d{i % 13}/file{i}{EXTS[i % len(EXTS)]}"


files = {}
out = sys.stdout
mark = 0
time = 1_700_000_000


def blob(data):
    global mark
    mark += 1
    raw = data.encode()
    out.write(f"blob\nmark :{mark}\ndata {len(raw)}\n")
    out.write(data)
    out.write("\n")
    return mark


def commit(message, ops, first=False):
    global time, mark
    time += 60
    mark += 1
    msg = message.encode()
    out.write(f"commit refs/heads/main\nmark :{mark}\n")
    out.write(f"author Bench <bench@example.com> {time} +0000\ncommitter Bench <bench@example.com> {time} +0000\n")
    out.write(f"data {len(msg)}\n{message}\n")
    if not first:
        out.write(f"from :{mark_prev[0]}\n")
    for op in ops:
        out.write(op + "\n")
    out.write("\n")
    mark_prev[0] = mark


mark_prev = [0]
ops = []
for i in range(files_count):
    p = path_for(i)
    files[p] = content(rng.randint(5, 60))
for p in ["Package.swift", "package.json", "go.mod", "Cargo.toml", ".github/workflows/ci.yml"]:
    files[p] = content(10)
for p, data in files.items():
    m = blob(data)
    ops.append(f"M 100644 :{m} {p}")
commit("initial", ops, first=True)

next_id = files_count
for c in range(1, commits):
    ops = []
    paths = list(files.keys()) if c % 50 == 1 or c == 1 else paths_cache[0]
    paths_cache = [paths] if 'paths_cache' not in globals() else paths_cache
    paths_cache[0] = paths
    for _ in range(rng.randint(1, 6)):
        p = rng.choice(paths)
        if p not in files:
            continue
        lines = files[p].splitlines(True)
        lines[rng.randrange(len(lines))] = content(1)
        files[p] = "".join(lines)
        ops.append(f"M 100644 :{blob(files[p])} {p}")
    r = rng.random()
    if r < 0.15:
        p = path_for(next_id)
        next_id += 1
        files[p] = content(rng.randint(5, 40))
        ops.append(f"M 100644 :{blob(files[p])} {p}")
    elif r < 0.22:
        p = rng.choice(paths)
        if p in files:
            del files[p]
            ops.append(f"D {p}")
    elif r < 0.32:
        p = rng.choice(paths)
        if p in files:
            data = files.pop(p)
            q = path_for(next_id).rsplit("/", 1)[0] + "/" + p.rsplit("/", 1)[1]
            next_id += 1
            if rng.random() < 0.5:
                lines = data.splitlines(True)
                lines[rng.randrange(len(lines))] = content(1)
                data = "".join(lines)
            files[q] = data
            ops.append(f"D {p}")
            ops.append(f"M 100644 :{blob(data)} {q}")
    commit(f"change {c}", ops)
