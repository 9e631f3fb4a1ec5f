#!/usr/bin/env python3
"""Writes a synthetic spec corpus into a work tree: Spec Kit features (spec.md, tasks.md,
plan.md), Kiro specs, OpenSpec capabilities, BMAD stories, PRPs and plain Markdown specs, in
equal shares, with the code files their tasks name.

    make_specs.py DIR COUNT [EDIT_PERCENT SEED]

Without EDIT_PERCENT it writes COUNT spec files. With it, it rewrites that share of the
existing ones the way people edit specs: a changed criterion, a ticked checkbox, a rewrap.
"""
import os
import random
import sys

WORDS = ("user account session token export import report invoice payment search index cache "
         "queue retry limit audit log role admin email password reset upload file image album share "
         "link expiry notify webhook schedule backup restore tenant quota").split()


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def spec_kit(rng, i):
    stories = []
    for s in range(1, 4):
        stories.append(f"""### User Story {s} - {words(rng, 3).title()} (Priority: P{s})

As a user I want to {words(rng, 8)} so that {words(rng, 6)}.

**Acceptance Scenarios**:

1. **Given** {words(rng, 4)}, **When** {words(rng, 4)}, **Then** {words(rng, 5)}.
2. **Given** {words(rng, 4)}, **When** {words(rng, 4)}, **Then** {words(rng, 5)}.
""")
    frs = "\n".join(f"- **FR-{n:03d}**: System MUST {words(rng, 9)}" for n in range(1, 9))
    spec = f"# Feature Specification: {words(rng, 3)}\n\n## User Scenarios & Testing\n\n" + "\n".join(stories) + \
        f"\n## Requirements\n\n### Functional Requirements\n\n{frs}\n\n## Success Criteria\n\n- **SC-001**: {words(rng, 8)}\n"
    tasks = "# Tasks\n\n" + "\n".join(
        f"- [ ] T{n:03d} [P] [US{1 + n % 3}] Implement {words(rng, 4)} in src/f{i}/m{n}.py" for n in range(1, 13)) + "\n"
    plan = f"# Implementation Plan\n\n## Summary\n\n{words(rng, 30)}\n"
    base = f"specs/{i:04d}-{rng.choice(WORDS)}"
    return {f"{base}/spec.md": spec, f"{base}/tasks.md": tasks, f"{base}/plan.md": plan}


def kiro(rng, i):
    reqs = []
    for r in range(1, 6):
        criteria = "\n".join(f"{c}. WHEN {words(rng, 5)} THEN the system SHALL {words(rng, 6)}" for c in range(1, 5))
        reqs.append(f"### Requirement {r}\n\n**User Story:** As a user, I want {words(rng, 6)}.\n\n#### Acceptance Criteria\n\n{criteria}\n")
    tasks = "# Implementation Plan\n\n" + "\n".join(
        f"- [ ] {n}. {words(rng, 4)} in src/k{i}/t{n}.ts\n  - _Requirements: {n}.1, {n}.2_" for n in range(1, 6)) + "\n"
    base = f".kiro/specs/feature-{i}"
    return {f"{base}/requirements.md": "# Requirements Document\n\n## Requirements\n\n" + "\n".join(reqs),
            f"{base}/tasks.md": tasks}


def openspec(rng, i):
    reqs = "\n".join(f"### Requirement: {words(rng, 3).title()} {r}\nThe system SHALL {words(rng, 10)}.\n\n"
                     f"#### Scenario: {words(rng, 2)}\n- **WHEN** {words(rng, 5)}\n- **THEN** {words(rng, 5)}\n"
                     for r in range(1, 7))
    return {f"openspec/specs/cap-{i}/spec.md": f"# Capability {i}\n\n## Purpose\n{words(rng, 12)}\n\n## Requirements\n\n{reqs}"}


def bmad(rng, i):
    acs = "\n".join(f"{n}. {words(rng, 10)}" for n in range(1, 6))
    tasks = "\n".join(f"- [ ] Task {n}: {words(rng, 5)} (AC: #{n})\n  - [ ] {words(rng, 4)}" for n in range(1, 5))
    return {f"docs/stories/{i}.1.story.md": f"# Story {i}.1: {words(rng, 3)}\n\n## Status\n\nDraft\n\n## Story\n\n"
            f"**As a** user, **I want** {words(rng, 6)}, **so that** {words(rng, 5)}.\n\n## Acceptance Criteria\n\n{acs}\n\n"
            f"## Tasks / Subtasks\n\n{tasks}\n\n## Dev Agent Record\n\n### File List\n\n- src/b{i}/story.py\n"}


def prp(rng, i):
    return {f"PRPs/feature-{i}.md": f"# PRP: {words(rng, 3)}\n\n## Goal\n{words(rng, 15)}\n\n## Success Criteria\n"
            + "\n".join(f"- [ ] {words(rng, 6)}" for _ in range(5))
            + f"\n\n## Implementation Blueprint\n\n```yaml\nTask 1:\nCREATE src/p{i}/main.py:\n  - {words(rng, 6)}\n"
            f"Task 2:\nMODIFY src/p{i}/api.py:\n  - {words(rng, 6)}\n```\n\n## Validation Loop\n\n```bash\npytest tests/\n```\n"}


def plain(rng, i):
    sections = "\n".join(f"## {words(rng, 2).title()} {s}\n\n{words(rng, 25)}\n\n- {words(rng, 6)}\n- {words(rng, 6)}\n" for s in range(1, 7))
    return {f"docs/specs/area-{i}.md": f"# Area {i}\n\n{sections}"}


MAKERS = [spec_kit, kiro, openspec, bmad, prp, plain]


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


def main():
    root, count = sys.argv[1], int(sys.argv[2])
    if len(sys.argv) > 3:
        percent, rng = int(sys.argv[3]), random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
        specs = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs
                       if f.endswith(".md") and not d.startswith(os.path.join(root, ".git")))
        for path in rng.sample(specs, max(1, len(specs) * percent // 100)):
            full = os.path.join(root, path)
            text = open(full).read()
            kind = rng.randrange(3)
            if kind == 0 and "- [ ]" in text:
                text = text.replace("- [ ]", "- [x]", 1)
            elif kind == 1:
                lines = text.split("\n")
                n = rng.randrange(len(lines))
                lines[n] = lines[n] + " " + words(rng, 3) if lines[n].strip() else lines[n]
                text = "\n".join(lines)
            else:
                text = text.replace(". ", ".\n", 1)
            open(full, "w").write(text)
        return
    rng = random.Random(7)
    written = 0
    i = 0
    while written < count:
        files = MAKERS[i % len(MAKERS)](rng, i)
        for path, text in files.items():
            write(root, path, text)
            written += 1
        i += 1


if __name__ == "__main__":
    main()
