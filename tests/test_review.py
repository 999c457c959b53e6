"""The review files: findings on real Dockerfiles judged by reading each file (tests/data/review.tsv),
and fixes judged by reading each file and the diff the fix writes (tests/data/fix-review.tsv).

Each row names a file of a shared corpus, a rule, the line of a sampled finding, a verdict and a
reason.  dockerlint must still report every `true` row (a finding of that rule on the same
instruction) and none of the `false` ones.  Rows come from seeded samples drawn with
`../shared/tools/sample-findings ../shared/corpus-dinosaur --seed N`; `msg:` in a reason notes a
message that was wrong although the finding was right; a `false` row whose reason starts with
`open:` is a false finding not fixed yet (the test checks it is still there, so the row is
updated when it goes).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dockerlint import catalog
from dockerlint.engine import lint_text

from .conftest import SHARED

REVIEW = Path(__file__).parent / "data" / "review.tsv"
# Rules reported once per image: the row holds when the file still has (or has not) the finding,
# wherever the rule now places it (DKL101 points at the build whose output CMD runs).
PER_IMAGE = {"DKL101"}
# Rules reported once per command, several to a RUN: a false row holds when its own line has none
# (aungzy/activemq: three installs in one RUN, one of them reviewed false)
PER_COMMAND = {"DKL202"}
FOLDERS = {"dinosaur": SHARED / "corpus-dinosaur", "corpus": SHARED / "corpus"}


def _rows(path: Path, width: int) -> list[tuple]:
    """The rows of a review file: (folder, file, code, line, *the other columns up to `width`)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or row[0].startswith("#"):
                continue
            folder, _, rel = row[0].partition("/")
            out.append((folder, rel, row[1], int(row[2]), *row[3:width]))
    return out


ROWS = _rows(REVIEW, 5)


def test_review_rows_are_well_formed():
    assert ROWS
    for folder, rel, code, line, verdict, reason in ROWS:
        assert folder in FOLDERS and rel and code.startswith("DKL") and line > 0
        assert verdict in ("true", "false") and reason.strip(), (rel, code, line)


@pytest.mark.parametrize("folder, rel, code, line, verdict, reason", ROWS,
                         ids=[f"{r[2]}:{r[1]}:{r[3]}" for r in ROWS])
def test_review_verdict_holds(folder, rel, code, line, verdict, reason):
    path = FOLDERS[folder] / rel
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    doc = catalog.lookup(code)
    # a rule outside the default set (DKL501) runs only when selected
    res = lint_text(path.read_text("utf-8"), str(path), select=None if doc is None or doc.default else {code})
    ins = next((i for i in res.parsed.instructions if i.start_line <= line <= i.end_line), None)
    lo, hi = (ins.start_line, ins.end_line) if ins else (line, line)
    if code in PER_IMAGE:
        lo, hi = 1, len(res.parsed.lines)
    if code in PER_COMMAND and verdict == "false" and not reason.startswith("open:"):
        lo = hi = line
    hits = [f for f in res.findings if f.code == code and lo <= f.line <= hi]
    _holds(bool(hits), verdict, reason, f"{code} reported at {rel}:{line}")


def _holds(present: bool, verdict: str, reason: str, what: str) -> None:
    """A row's verdict against what dockerlint does now: `true` and `open:` rows (a false finding
    or fix not mended yet, counted against precision: drop `open:` when it goes) need it present,
    other `false` rows need it gone."""
    if verdict == "true":
        assert present, f"no longer {what} ({reason})"
    elif reason.startswith("open:"):
        assert present, f"no longer {what}: remove `open:` from its row"
    else:
        assert not present, f"still {what}, reviewed false: {reason}"


# The fix review (tests/data/fix-review.tsv): DKL102 fixes that move a build-only install into the
# later RUN(s) that build with it, judged by reading each file and the diff the fix writes.  A
# `true` row holds while the finding on that instruction still offers a fix whose title starts
# with the row's prefix; a `false` row whose reason starts with `open:` is a bad fix not fixed
# yet (it is still offered: drop `open:` when it goes); another `false` row holds while no such
# fix is offered.
FIX_REVIEW = Path(__file__).parent / "data" / "fix-review.tsv"


FIX_ROWS = _rows(FIX_REVIEW, 6)


def test_fix_review_rows_are_well_formed():
    assert FIX_ROWS
    for folder, rel, code, line, prefix, verdict, reason in FIX_ROWS:
        assert folder in FOLDERS and rel and code.startswith("DKL") and line > 0, (rel, line)
        assert prefix.strip() and verdict in ("true", "false") and reason.strip(), (rel, code, line)


@pytest.mark.parametrize("folder, rel, code, line, prefix, verdict, reason", FIX_ROWS,
                         ids=[f"{r[2]}:{r[1]}:{r[3]}" for r in FIX_ROWS])
def test_fix_review_verdict_holds(folder, rel, code, line, prefix, verdict, reason):
    path = FOLDERS[folder] / rel
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    res = lint_text(path.read_text("utf-8"), str(path), select={code})
    ins = next((i for i in res.parsed.instructions if i.start_line <= line <= i.end_line), None)
    lo, hi = (ins.start_line, ins.end_line) if ins else (line, line)
    if code in PER_COMMAND and verdict == "false" and not reason.startswith("open:"):
        lo = hi = line
    titles = [f.fix.title for f in res.findings if f.code == code and lo <= f.line <= hi and f.fix is not None]
    offered = any(t.startswith(prefix) for t in titles)
    _holds(offered, verdict, reason, f"offered at {rel}:{line}: {code} `{prefix}…` (offers {titles})")
