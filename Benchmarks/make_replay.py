#!/usr/bin/env python3
"""Writes a git fast-import stream for a spec-driven project's history, shaped like real ones:
features are specified, planned and broken into tasks, then implemented task by task with code
and tests in the same commits while the tasks get ticked; specs are edited now and then, code is
renamed and fixed by hand, and metadata files change.

    make_replay.py COMMITS [STARTER_DIR] [SEED] | git fast-import --quiet

- Spec Kit features `specs/NNN-slug/`: spec.md (user stories with Given/When/Then scenarios,
  `- **FR-001**: ...` requirements, success criteria), plan.md, tasks.md
  (`- [ ] T001 [P] [US1] description in src/slug/x.py`), meta.json.
- Kiro specs `.kiro/specs/name/`: requirements.md (`### Requirement N` with EARS acceptance
  criteria), tasks.md (`- [ ] 1.1 ...` with `_Requirements: 1.1_`).
- Implementation commits add `src/<feature>/<module>.py` with `tests/test_<module>.py` (pytest
  `def test_...`) and tick the task (`[x]`); some cite the requirement in the message.
- Human fixes to code, renames of code files, spec edits (a changed or an added requirement),
  metadata updates, dependency bumps.

STARTER_DIR: files to put in the first commit as they are (e.g. what `autodev init` wrote:
config/ and .gitignore).
"""
import json
import os
import random
import sys

commits = int(sys.argv[1])
starter = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else None
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 11)

NOUNS = ("account session token export import report invoice payment search index cache queue "
         "audit role admin email password upload image album share link webhook schedule backup "
         "restore tenant quota profile order cart coupon refund ledger").split()
VERBS = "store list create update delete validate notify render sync archive filter sort".split()


def words(n, pool=NOUNS):
    return " ".join(rng.choice(pool) for _ in range(n))


def ident(text):
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


files = {}      # path -> content at the current commit
out = sys.stdout.buffer
clock = 1_700_000_000
count = 0


def emit(message, changes, deletes=()):
    """One commit: `changes` path -> content, `deletes` paths."""
    global clock, count
    clock += rng.randint(300, 7200)
    count += 1
    out.write(b"commit refs/heads/main\n")
    out.write(f"committer Dev {rng.randint(1, 4)} <dev@example.com> {clock} +0000\n".encode())
    data = message.encode()
    out.write(b"data %d\n%s\n" % (len(data), data))
    for path in deletes:
        files.pop(path, None)
        out.write(f"D {path}\n".encode())
    for path, text in changes.items():
        files[path] = text
        blob = text.encode()
        out.write(f"M 100644 inline {path}\n".encode() + b"data %d\n%s\n" % (len(blob), blob))


def spec_kit_feature(number):
    slug = f"{number:03d}-{rng.choice(NOUNS)}-{rng.choice(NOUNS)}"
    base = f"specs/{slug}"
    package = ident(slug.split("-", 1)[1])
    stories = [(s, f"{rng.choice(VERBS).title()} {words(2)}") for s in range(1, 4)]
    frs = {n: f"System MUST {rng.choice(VERBS)} {words(5)}" for n in range(1, 7)}

    def spec_text():
        parts = [f"# Feature Specification: {slug}\n\n**Feature Branch**: `{slug}`\n\n## User Scenarios & Testing *(mandatory)*\n"]
        for s, title in stories:
            parts.append(f"\n### User Story {s} - {title} (Priority: P{s})\n\nAs a user I want to {words(6)} so that {words(4)}.\n\n"
                         f"**Acceptance Scenarios**:\n\n1. **Given** {words(3)}, **When** {words(3)}, **Then** {words(4)}.\n"
                         f"2. **Given** {words(3)}, **When** {words(3)}, **Then** {words(4)}.\n")
        parts.append("\n## Requirements *(mandatory)*\n\n### Functional Requirements\n\n")
        parts.extend(f"- **FR-{n:03d}**: {text}\n" for n, text in sorted(frs.items()))
        parts.append(f"\n## Success Criteria *(mandatory)*\n\n- **SC-001**: {words(6)}\n")
        return "".join(parts)

    modules = [f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}" for _ in range(rng.randint(4, 8))]
    modules = list(dict.fromkeys(modules))
    tasks = [(f"T{n + 1:03d}", 1 + n % 3, f"{rng.choice(VERBS).title()} {words(3)}", f"src/{package}/{m}.py")
             for n, m in enumerate(modules)]
    done = set()

    def tasks_text():
        lines = [f"# Tasks: {slug}\n\n## Phase 1: Setup\n\n"]
        for key, story, text, path in tasks:
            lines.append(f"- [{'x' if key in done else ' '}] {key} [P] [US{story}] {text} in {path}\n")
        return "".join(lines)

    def meta(status):
        return json.dumps({"feature": slug, "status": status, "owner": f"dev{rng.randint(1, 4)}",
                           "updated": clock}, indent=2) + "\n"

    yield f"Specify {slug}", {f"{base}/spec.md": spec_text(), f"{base}/meta.json": meta("draft")}, ()
    yield f"Plan {slug}", {f"{base}/plan.md": f"# Implementation Plan: {slug}\n\n## Summary\n\n{words(25)}\n\n"
                                              f"## Technical Context\n\n**Language**: Python 3.12\n"}, ()
    yield f"Break {slug} into tasks", {f"{base}/tasks.md": tasks_text(), f"{base}/meta.json": meta("tasks")}, ()
    renamed = {}
    for key, story, text, path in tasks:
        path = renamed.get(path, path)
        module = os.path.basename(path)[:-3]
        done.add(key)
        code = f'"""{text} ({slug} {key})."""\n\n\ndef {module}(value):\n    return value\n'
        test = f"from {package}.{module} import {module}\n\n\ndef test_{module}_returns_its_input():\n    assert {module}(1) == 1\n"
        cite = f"\n\nImplements FR-{rng.randint(1, len(frs)):03d}." if rng.random() < 0.3 else ""
        yield f"{key}: {text}{cite}", {path: code, f"tests/test_{package}_{module}.py": test, f"{base}/tasks.md": tasks_text()}, ()
        roll = rng.random()
        if roll < 0.15:
            yield f"Fix {module}", {path: code + f"\n\ndef _{module}_helper():\n    return {rng.randint(1, 99)}\n"}, ()
        elif roll < 0.22:
            new = f"src/{package}/{module}_impl.py"
            renamed[path] = new
            yield f"Rename {module}", {new: files.get(path, code)}, (path,)
        elif roll < 0.32:
            n = rng.choice(sorted(frs))
            frs[n] = frs[n] + f" and {rng.choice(VERBS)} {words(2)}"
            yield f"Clarify FR-{n:03d} of {slug}", {f"{base}/spec.md": spec_text()}, ()
        elif roll < 0.37:
            frs[len(frs) + 1] = f"System MUST {rng.choice(VERBS)} {words(5)}"
            yield f"Add FR-{len(frs):03d} to {slug}", {f"{base}/spec.md": spec_text()}, ()
        elif roll < 0.42:
            yield f"Update {slug} metadata", {f"{base}/meta.json": meta("in-progress")}, ()
    yield f"Finish {slug}", {f"{base}/meta.json": meta("done")}, ()


def kiro_feature(number):
    name = f"{rng.choice(NOUNS)}-{rng.choice(VERBS)}-{number}"
    base = f".kiro/specs/{name}"
    package = ident(name)
    requirements = []
    for r in range(1, rng.randint(3, 5)):
        criteria = "\n".join(f"{c}. WHEN {words(3)} THEN the system SHALL {rng.choice(VERBS)} {words(3)}" for c in range(1, 4))
        requirements.append(f"### Requirement {r}\n\n**User Story:** As a user, I want {words(5)}, so that {words(3)}.\n\n"
                            f"#### Acceptance Criteria\n\n{criteria}\n")
    tasks = [(f"{r}.{t}", f"{rng.choice(VERBS).title()} {words(3)}", f"src/{package}/{rng.choice(VERBS)}_{r}_{t}.py")
             for r in range(1, len(requirements) + 1) for t in range(1, 3)]
    done = set()

    def tasks_text():
        return "# Implementation Plan\n\n" + "".join(
            f"- [{'x' if key in done else ' '}] {key} {text}\n  - Create {path}\n  - _Requirements: {key}_\n" for key, text, path in tasks)

    yield f"Kiro requirements for {name}", {f"{base}/requirements.md": "# Requirements Document\n\n## Introduction\n\n"
                                            f"{words(12)}\n\n## Requirements\n\n" + "\n".join(requirements)}, ()
    yield f"Kiro design for {name}", {f"{base}/design.md": f"# Design Document\n\n## Overview\n\n{words(30)}\n"}, ()
    yield f"Kiro tasks for {name}", {f"{base}/tasks.md": tasks_text()}, ()
    for key, text, path in tasks:
        module = os.path.basename(path)[:-3]
        done.add(key)
        yield f"Task {key}: {text}", {path: f'"""{text}."""\n\n\ndef {module}():\n    return None\n',
                                       f"tests/test_{package}_{module}.py": f"def test_{module}_exists():\n    assert True\n",
                                       f"{base}/tasks.md": tasks_text()}, ()


def main():
    first = {"pyproject.toml": '[project]\nname = "shop"\nversion = "0.1.0"\ndependencies = ["requests>=2"]\n',
             "README.md": "# shop\n\nA spec-driven project.\n", "src/shop/__init__.py": "", "tests/__init__.py": ""}
    if starter:
        for folder, _, names in os.walk(starter):
            for name in names:
                full = os.path.join(folder, name)
                rel = os.path.relpath(full, starter)
                if rel.startswith(".git/") or rel == "pyproject.toml":
                    continue
                first[rel] = open(full).read()
    emit("Start the project", first)
    active = []
    spec_number = kiro_number = 0
    version = 1
    while count < commits:
        while len(active) < 3:
            if rng.random() < 0.25:
                kiro_number += 1
                active.append(kiro_feature(kiro_number))
            else:
                spec_number += 1
                active.append(spec_kit_feature(spec_number))
        if rng.random() < 0.03:
            version += 1
            emit("Bump requests", {"pyproject.toml": f'[project]\nname = "shop"\nversion = "0.{version}.0"\n'
                                                     f'dependencies = ["requests>=2.{version}"]\n'})
            continue
        feature = rng.choice(active)
        step = next(feature, None)
        if step is None:
            active.remove(feature)
            continue
        message, changes, deletes = step
        emit(message, changes, deletes)


main()
