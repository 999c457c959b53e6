"""The multi-stage rewrites against the hand-written oracle in tests/rewrites/ (see its README).

Each case's input is linted with only its rule selected, the unsafe fixes are applied, and the
result must equal expected.Dockerfile byte for byte; a refusal must leave the file as it is and
say why in the help line.  On top of the byte comparison, every expected rewrite is checked for
the invariants that make an image start: no shell-form command on a shell-less base, a named
USER resolvable, the files CMD/ENTRYPOINT run copied, every original instruction kept in the
build stage, and no further fix offered.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dockerlint.engine import lint_text
from dockerlint.fix import fixed_text
from dockerlint.knowledge import image_info
from dockerlint.runner import Options

CASES = sorted(p for p in (Path(__file__).parent / "rewrites").iterdir() if p.is_dir())


def _rule(case: Path) -> str:
    first = (case / "NOTES.md").read_text("utf-8").splitlines()[0]
    assert first.startswith("rule: ")
    return first.split(":", 1)[1].strip()


def _lint(text: str, rule: str):
    return lint_text(text, "Dockerfile", select={rule})


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rewrite_case(case: Path):
    rule = _rule(case)
    text = (case / "Dockerfile").read_bytes().decode("utf-8")
    res = _lint(text, rule)
    mine = [f for f in res.findings if f.code == rule and not f.suppressed]
    assert mine, f"{rule} does not fire"
    new, _applied, refused = fixed_text(res, Options(unsafe_fixes=True))
    assert refused is None
    refusal = case / "expected-refusal.txt"
    if refusal.exists():
        words = refusal.read_text("utf-8").rstrip("\n")
        assert new is None and all(f.fix is None for f in mine)
        helps = [(f.how_to_fix or "").replace("`", "") for f in mine]
        assert any(words in h for h in helps), helps
        return
    expected = (case / "expected.Dockerfile").read_bytes().decode("utf-8")
    assert new == expected
    # the fix is unsafe: --fix alone changes nothing
    safe_only, _a, _r = fixed_text(res, Options(unsafe_fixes=False))
    assert safe_only is None or rule == "DKL102" and safe_only != expected


@pytest.mark.parametrize("case", [c for c in CASES if (c / "expected.Dockerfile").exists()],
                         ids=[c.name for c in CASES if (c / "expected.Dockerfile").exists()])
def test_expected_rewrites_start(case: Path):
    """The invariants hold for every expected file, whoever wrote it."""
    text = (case / "expected.Dockerfile").read_text("utf-8")
    res = lint_text(text, "Dockerfile")
    model = res.model
    assert not res.parsed.issues
    rule = _rule(case)
    # no further fix of the rule
    assert not [f for f in res.findings if f.code == rule and f.fix is not None]
    final = model.final
    base = image_info(final.base)
    if base.shell == "":
        for ins in final.instructions:
            if ins.keyword in ("CMD", "ENTRYPOINT", "RUN") and not ins.json:
                pytest.fail(f"shell-form {ins.keyword} on {final.base}")
            if ins.keyword == "HEALTHCHECK" and len(ins.args) > 1 and not ins.json:
                pytest.fail(f"shell-form HEALTHCHECK on {final.base}")
    if len(model.stages) > 1:
        original = (case / "Dockerfile").read_text("utf-8")
        build_texts = res.parsed.lines[:final.from_instruction.start_line - 1]
        kept = {"EXPOSE", "USER", "LABEL", "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "CMD", "ENTRYPOINT"}
        orig = lint_text(original, "Dockerfile")
        for ins in orig.parsed.instructions:
            if ins.keyword in kept or ins.keyword == "FROM":
                continue
            for line in orig.parsed.lines[ins.start_line - 1:ins.end_line]:
                if "go build" in line or "go install" in line:
                    continue  # CGO_ENABLED=0 may be inserted
                if any(line + f" && npm prune {o}" in build_texts for o in ("--omit=dev", "--production")):
                    continue  # the Node rewrite prunes dev dependencies after the last npm RUN
                assert line in build_texts, f"the build stage lost {line!r}"
        # a named USER is resolvable: copied passwd, or the base has it
        for ins in final.instructions:
            if ins.keyword == "USER" and not ins.args[0].text.split(":")[0].isdigit():
                name = ins.args[0].text.split(":")[0]
                copies_passwd = any(i.keyword == "COPY" and "/etc/passwd" in i.rest for i in final.instructions)
                # or a RUN of the final stage, before the USER, creates it
                made = any(i.keyword == "RUN" and i.start_line < ins.start_line
                           and any(w in ("useradd", "adduser") for w in i.rest.split())
                           and name in i.rest.split() for i in final.instructions)
                from dockerlint.needs import base_has_user

                assert copies_passwd or made or base_has_user(base, name), case.name


def test_the_interpreted_plan_follows_cd_dash():
    # `cd -` goes back to the folder before (builds.cd_to, as DKL104 reads it): the npm install
    # runs in the app dir, which the final stage copies, so the rewrite is offered
    from dockerlint.engine import lint_text

    text = ("FROM node:20\nWORKDIR /app\nCOPY . .\n"
            "RUN cd /tmp && cd - && npm ci\n"
            'CMD ["node", "server.js"]\n')
    hits = [f for f in lint_text(text, "Dockerfile", select={"DKL102"}).findings if f.line == 1]
    assert hits and hits[0].fix is not None and hits[0].fix.rewrite is not None, hits and hits[0].suggestion
