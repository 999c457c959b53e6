"""Every fix on both shared corpora through the fix harness (issue 10 §2), and DKL201's promises.

Skipped when the corpora are absent.  `python -m tests.fixharness` prints the same counts.
"""

from __future__ import annotations

import pytest

from dockerlint.aptlists import lists_use
from dockerlint.engine import lint_text

from .conftest import SHARED
from .fixharness import Outcome, check_file, corpus_files

FOLDERS = [SHARED / "corpus", SHARED / "corpus-dinosaur"]
present = [f for f in FOLDERS if f.is_dir()]
pytestmark = pytest.mark.skipif(len(present) < 2, reason="the shared corpora are absent")


def _texts():
    for folder in present:
        for p in corpus_files(str(folder)):
            try:
                yield p, open(p, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue


def test_every_fix_on_both_corpora_passes_the_harness():
    out = Outcome()
    for path, text in _texts():
        check_file(text, path, out)
    assert out.problems == []
    assert sum(out.checked.values()) > 1000  # the corpora hold that many fixable findings
    # DKL201 carries a fix on at least 90 % of its findings
    assert out.with_fix["DKL201"] >= 0.90 * out.findings["DKL201"], (out.with_fix, out.findings, out.refused)


def test_dkl201_only_on_runs_that_write_lists():
    wrong = []
    for path, text in _texts():
        res = lint_text(text, path, select={"DKL201"})
        if not res.findings:
            continue
        runs = {r.instruction.start_line: r for s in res.model.stages for r in s.runs}
        for f in res.findings:
            run = next(r for line, r in runs.items() if line <= f.line <= r.instruction.end_line)
            if not lists_use(run).writes:
                wrong.append((path, f.line))
    assert wrong == []
