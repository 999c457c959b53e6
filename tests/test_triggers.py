"""Rule triggers (front matter `triggers`, catalog.RuleDoc.triggers): a rule whose trigger strings a
file lacks is neither run nor imported (issue 12: a rule costs nothing on files it cannot apply
to).  A trigger is only a shortcut, never a judgement: on both shared corpora, every rule the gate
skips, run anyway on the file's model, reports nothing.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from dockerlint import catalog
from dockerlint.catalog import RuleDoc
from dockerlint.checks import check_function
from dockerlint.engine import lint_text
from tests.fixharness import corpus_files

from .conftest import SHARED

GATED = {code: doc.triggers for code, doc in catalog.catalog().items() if doc.triggers}


def test_some_rules_are_gated():
    assert {"DKL103", "DKL301", "DKL405"} <= set(GATED)


@pytest.mark.parametrize("folder", ["corpus", "corpus-dinosaur"])
def test_a_skipped_rule_would_have_reported_nothing(folder):
    root = SHARED / folder
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    skipped_runs = 0
    lost = []
    for path in corpus_files(str(root)):
        try:
            text = open(path, encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        lowered = text.lower()
        skipped = [c for c, ts in GATED.items() if not any(t in lowered for t in ts)]
        if not skipped:
            continue
        model = lint_text(text, path, select={"DKL001"}).model
        for code in skipped:
            fn = check_function(code, model)
            hits = list(fn(model)) if fn is not None else []
            skipped_runs += 1
            if hits:
                lost.append(f"{path}: {code} line {hits[0].span.line}: {hits[0].message}")
    assert skipped_runs > 1000  # the gate does skip rules on real files
    assert not lost, lost[:5]


def _imported_after_lint(text: str) -> set[str]:
    code = ("import sys; from dockerlint.engine import lint_text; "
            f"lint_text({text!r}, 'Dockerfile'); "
            "print(' '.join(m for m in sys.modules if m.startswith('dockerlint.checks.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_a_rule_a_file_cannot_trigger_is_not_imported():
    plain = _imported_after_lint("FROM alpine:3.20\nCMD echo hi\n")
    assert "dockerlint.checks.copy_from_unknown_stage" not in plain
    assert "dockerlint.checks.pipe_hides_failure" not in plain
    assert "dockerlint.checks.recursive_chown_copies_layer" not in plain
    multi = _imported_after_lint("FROM alpine:3.20 AS b\nRUN echo a | tee /x\n"
                                 "FROM alpine:3.20\nCOPY --from=b /x /x\nCMD cat /x\n")
    assert {"dockerlint.checks.copy_from_unknown_stage", "dockerlint.checks.pipe_hides_failure"} <= multi


def test_a_gated_rule_still_reports_when_triggered():
    res = lint_text("FROM alpine:3.20\nCOPY --from=1 /x /x\n", "Dockerfile")  # no stage 1
    assert [(f.code, f.line) for f in res.findings if f.code == "DKL301"] == [("DKL301", 2)]


@pytest.mark.parametrize("bad", ["from=", ["FROM="], [""], [1]])
def test_triggers_must_be_lowercase_strings(bad):
    meta = {"code": "DKL999", "name": "x", "severity": "info", "summary": "s", "triggers": bad}
    with pytest.raises(ValueError, match="triggers"):
        RuleDoc(meta, "", "rules/DKL999.md")
