"""Per-rule fixtures: what a user sees for each file, and what `--fix --unsafe-fixes` writes.

tests/fixtures/<CODE>/<name>.Dockerfile is linted with only that rule selected.
  <name>.expected  the text report, exactly as `dockerlint --select CODE <name>.Dockerfile` prints it
  <name>.fixed     the file after `dockerlint --select CODE --fix --unsafe-fixes` (absent: nothing to fix)
Every fixture also goes through the fix harness (tests/fixharness.py).

UPDATE_FIXTURES=1 python -m pytest tests/test_fixtures.py rewrites the expectations; read the diff
before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dockerlint.engine import lint_text
from dockerlint.fix import fixed_text
from dockerlint.report import render_text
from dockerlint.runner import Options

from .fixharness import Outcome, check_file

ROOT = Path(__file__).parent / "fixtures"
CASES = sorted(p for p in ROOT.glob("DKL*/*.Dockerfile"))
UPDATE = bool(os.environ.get("UPDATE_FIXTURES"))


def _read(p: Path) -> str:
    return p.read_bytes().decode("utf-8")


def _check(path: Path, got: str | None) -> None:
    if UPDATE:
        if got is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(got.encode("utf-8"))
        return
    if got is None:
        assert not path.exists(), f"{path.name} expects a fix that is no longer offered"
        return
    assert path.exists(), f"{path.name} is missing (UPDATE_FIXTURES=1 writes it)"
    assert got == _read(path)


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_fixture(case: Path):
    code = case.parent.name
    text = _read(case)
    name = f"{code}/{case.name}"
    res = lint_text(text, name, select={code})
    assert res.internal_errors == []
    _check(case.with_suffix(".expected"), render_text([res], color=False))
    new, _applied, refused = fixed_text(res, Options(unsafe_fixes=True))
    assert refused is None
    _check(case.with_suffix(".fixed"), new)


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_fixture_fixes_pass_the_harness(case: Path):
    out = Outcome()
    check_file(_read(case), case.name, out, unsafe=True, lint_kw={"select": {case.parent.name}})
    assert out.problems == []


def test_every_rule_with_a_check_has_fixtures():
    from dockerlint.checks import REGISTRY

    have = {p.parent.name for p in CASES}
    missing = [c for c, mod in REGISTRY.items() if mod is not None and c not in have]
    assert missing == [] or set(missing) <= {"DKL101", "DKL102", "DKL103"}  # covered in test_rules.py
