"""`--format sarif` (GitHub code scanning profile) and `--format github` (workflow commands)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dockerlint import __version__, sarif
from dockerlint.catalog import catalog
from dockerlint.cli import cli
from dockerlint.engine import FileResult
from dockerlint.findings import Finding, Fix
from dockerlint.github import annotation, escape_data, escape_property, render_github
from dockerlint.spans import Span

from .conftest import SHARED

SCHEMA = SHARED / "sarif" / "sarif-schema-2.1.0.json"

APT = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
from .helpers import APT_MSG  # noqa: E402
APT_FIX = "Append `rm -rf /var/lib/apt/lists/*` to this RUN"
GOLANG = """FROM ubuntu:latest

WORKDIR /app

RUN apt update \\
   && apt install -y --no-install-recommends golang

COPY /hello-world-go/main.go .

RUN go mod init hello-world-go && go build -o hello-world-go

EXPOSE 80

CMD ["./hello-world-go"]
"""
ODD_DIR, ODD_NAME = "dir with space", "Dockerfile-ü"
ODD_URI = "dir%20with%20space/Dockerfile-%C3%BC"


def run(*args, input=None):
    r = CliRunner().invoke(cli, list(args), input=input)
    return r.exit_code, r.stdout


def proc(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "dockerlint", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})


def validate(doc):
    if not SCHEMA.is_file():
        pytest.skip("../shared/sarif/sarif-schema-2.1.0.json is absent")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # the file says draft-04
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / ODD_DIR).mkdir()
    (tmp_path / ODD_DIR / ODD_NAME).write_text(APT, "utf-8")
    (tmp_path / "Dockerfile").write_text(GOLANG, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sarif_of(*args):
    code, out = run("--format", "sarif", *args)
    doc = json.loads(out)
    validate(doc)
    return code, doc


def by_uri(doc):
    return {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]): r
            for r in doc["runs"][0]["results"]}


def region(r):
    return r["locations"][0]["physicalLocation"]["region"]


# --- SARIF -------------------------------------------------------------------------------------


def test_valid_single_run_with_driver_and_every_rule(tree):
    code, doc = sarif_of(".")
    assert code == 1
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    (run_,) = doc["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "dockerlint"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"] == "https://github.com/dockerlint/dockerlint"
    docs = catalog()
    assert [r["id"] for r in driver["rules"]] == list(docs)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rule in driver["rules"]:
        d = docs[rule["id"]]
        assert rule["name"] == d.name
        assert rule["shortDescription"]["text"] == d.summary
        assert rule["fullDescription"]["text"] == d.sections["What it does"]
        assert rule["help"]["markdown"] == rule["help"]["text"] == d.body.strip()
        assert rule["help"]["markdown"] in d.path.read_text("utf-8")
        assert rule["helpUri"] == f"https://github.com/dockerlint/dockerlint/blob/main/rules/{d.code}.md"
        assert rule["defaultConfiguration"]["level"] == levels[d.severity]
        assert rule["properties"]["tags"] == ["dockerfile", *d.tags]
        assert rule["properties"]["precision"] in ("high", "very-high")
        assert "security-severity" not in rule["properties"]
    assert docs["DKL001"].severity == "error" and driver["rules"][0]["defaultConfiguration"]["level"] == "error"
    inv = run_["invocations"][0]
    assert inv["executionSuccessful"] is True and "toolExecutionNotifications" not in inv
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}}


def test_results_point_at_rules_and_files(tree):
    _, doc = sarif_of(".")
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    results = run_["results"]
    assert results
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert "partialFingerprints" not in r
        loc = r["locations"][0]["physicalLocation"]["artifactLocation"]
        assert loc["uriBaseId"] == "%SRCROOT%"
    assert sorted(by_uri(doc)) == [("Dockerfile", "DKL101"), ("Dockerfile", "DKL201"), (ODD_URI, "DKL201")]


def test_regions_match_json_and_are_never_empty(tree):
    _, doc = sarif_of(".")
    _, out = run("--format", "json", ".")
    findings = json.loads(out)["findings"]
    results = by_uri(doc)
    assert len(findings) == len(results)
    for f in findings:
        uri = ODD_URI if f["path"].endswith(ODD_NAME) else "Dockerfile"
        reg = region(results[uri, f["code"]])
        assert (reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"]) == (
            f["line"], f["column"], f["end_line"], f["end_column"])
        assert (reg["endLine"], reg["endColumn"]) > (reg["startLine"], reg["startColumn"])
    assert region(results[ODD_URI, "DKL201"]) == {"startLine": 2, "startColumn": 5, "endLine": 2, "endColumn": 19}


def test_messages_levels_and_fixes(tree):
    _, doc = sarif_of(".")
    results = by_uri(doc)
    apt = results[ODD_URI, "DKL201"]
    assert apt["level"] == "warning"
    assert apt["message"]["text"] == f"{APT_MSG} — fix: {APT_FIX}"
    (fix,) = apt["fixes"]
    assert fix["description"]["text"] == APT_FIX
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": ODD_URI, "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 2, "startColumn": 70, "endLine": 2, "endColumn": 70},
        "insertedContent": {"text": " && rm -rf /var/lib/apt/lists/*"},
    }]
    # the multi-stage rewrite replaces the whole file
    _, out = run("--format", "json", "Dockerfile")
    rewrite = next(f for f in json.loads(out)["findings"] if f["code"] == "DKL101")["fix"]["rewrite"]
    (rep,) = results["Dockerfile", "DKL101"]["fixes"][0]["artifactChanges"][0]["replacements"]
    assert rep == {"deletedRegion": {"charOffset": 0, "charLength": len(GOLANG)},
                   "insertedContent": {"text": rewrite}}
    assert "— fix: Rewrite as a multi-stage build" in results["Dockerfile", "DKL101"]["message"]["text"]


def test_deterministic_and_same_as_a_subprocess_with_output_file(tree):
    _, first = run("--format", "sarif", ".")
    _, second = run("--format", "sarif", ".")
    assert first == second and first.endswith("}\n")
    p = proc("--format", "sarif", "--output", "out.sarif", ".", cwd=tree)
    assert p.returncode == 1, p.stderr
    assert p.stdout == ""
    assert (tree / "out.sarif").read_text("utf-8") == first
    validate(json.loads(first))


def test_errors_become_notifications_exit_2(tree):
    code, doc = sarif_of("missing-Dockerfile", "Dockerfile")
    assert code == 2
    inv = doc["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error" and note["message"]["text"] == "missing-Dockerfile: no such file or directory"
    assert {r["ruleId"] for r in doc["runs"][0]["results"]} == {"DKL101", "DKL201"}


def test_stdin_and_stdin_filename(tree):
    code, out = run("--format", "sarif", "-", input=APT)
    doc = json.loads(out)
    validate(doc)
    (r,) = doc["runs"][0]["results"]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "stdin"}
    code, out = run("--format", "sarif", "--stdin-filename", "sub dir/My Dockerfile", "-", input=APT)
    (r,) = json.loads(out)["runs"][0]["results"]
    assert r["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "sub%20dir/My%20Dockerfile", "uriBaseId": "%SRCROOT%"}


def test_path_outside_the_working_directory_is_a_file_uri(tree, monkeypatch):
    monkeypatch.chdir(tree / ODD_DIR)
    _, doc = sarif_of("../Dockerfile", ODD_NAME)
    uris = {(loc["uri"], loc.get("uriBaseId")) for loc in (
        r["locations"][0]["physicalLocation"]["artifactLocation"] for r in doc["runs"][0]["results"])}
    assert uris == {((tree / "Dockerfile").resolve().as_uri(), None), ("Dockerfile-%C3%BC", "%SRCROOT%")}


def finding(code="DKL201", severity="warning", line=2, span=None, **kw):
    doc = catalog()[code]
    reason = kw.pop("suppress_reason", None)
    f = Finding(code, doc.name, severity, f"message {line}", "Dockerfile", span or Span(line, 1, line, 4), **kw)
    # set after construction: suppress_reason arrives with the ignore-comment work
    object.__setattr__(f, "suppress_reason", reason)
    return f


def render(findings, errors=()):
    out = sarif.render_sarif([FileResult("Dockerfile", APT, findings=list(findings))], list(errors))
    doc = json.loads(out)
    validate(doc)
    return doc


def test_level_mapping_suppressions_and_empty_spans(tree):
    doc = render([
        finding("DKL001", "error", 1),
        finding("DKL101", "info", 2, suppressed=True, suppress_reason="toolchain image on purpose"),
        finding("DKL201", "warning", 3, span=Span(3, 7, 3, 7), suppressed=True),
        finding("DKL102", "warning", 4, suggestion="remove gcc in the same RUN"),
    ])
    r1, r2, r3, r4 = doc["runs"][0]["results"]
    assert [r["level"] for r in (r1, r2, r3, r4)] == ["error", "note", "warning", "warning"]
    assert "suppressions" not in r1 and "suppressions" not in r4
    assert r2["suppressions"] == [{"kind": "inSource", "justification": "toolchain image on purpose"}]
    assert r3["suppressions"] == [{"kind": "inSource"}]
    assert region(r3) == {"startLine": 3, "startColumn": 7, "endLine": 3, "endColumn": 8}
    assert r4["message"]["text"] == "message 4 — fix: remove gcc in the same RUN" and "fixes" not in r4
    assert r1["message"]["text"] == "message 1"


def test_results_capped_with_a_notification(tree, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    doc = render([finding(line=n) for n in (5, 1, 4, 2, 3)])
    run_ = doc["runs"][0]
    assert [region(r)["startLine"] for r in run_["results"]] == [1, 2, 3]
    inv = run_["invocations"][0]
    assert inv["executionSuccessful"] is True
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "warning" and "truncated" in note["message"]["text"]
    assert "5 findings" in note["message"]["text"]
    assert sarif.MAX_RESULTS == 3 and render([finding()])["runs"][0]["invocations"][0] == {
        "executionSuccessful": True}


def test_real_cap_is_githubs():
    assert sarif.MAX_RESULTS == 25_000


def test_text_path_never_imports_sarif_om(tmp_path):
    (tmp_path / "Dockerfile").write_text(APT)
    code = ("import sys\nfrom click.testing import CliRunner\nimport dockerlint.cli\n"
            "assert 'sarif_om' not in sys.modules\n"
            "for fmt in ('text', 'json', 'github'):\n"
            "    CliRunner().invoke(dockerlint.cli.cli, ['--format', fmt, 'Dockerfile'])\n"
            "print('sarif_om' in sys.modules)\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "False\n"


# --- GitHub workflow commands ------------------------------------------------------------------


def test_github_exact_output(tree):
    code, out = run("--format", "github", f"{ODD_DIR}/{ODD_NAME}")
    assert code == 1
    assert out == (f"::warning file={ODD_DIR}/{ODD_NAME},line=2,col=5,endLine=2,endColumn=19,"
                   f"title=DKL201 apt-lists-not-cleaned::{APT_MSG} — fix: {APT_FIX}\n")


def test_github_whole_tree_as_a_subprocess(tree):
    p = proc("--format", "github", ".", cwd=tree)
    assert p.returncode == 1, p.stderr
    lines = p.stdout.splitlines()
    assert [ln.split(",title=")[0] for ln in lines] == [
        "::warning file=Dockerfile,line=5,col=5,endLine=5,endColumn=15",
        "::warning file=Dockerfile,line=10,col=35,endLine=10,endColumn=61",
        f"::warning file={ODD_DIR}/{ODD_NAME},line=2,col=5,endLine=2,endColumn=19",
    ]
    assert all(" — fix: " in ln for ln in lines)


def test_github_escaping():
    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"
    f = Finding("DKL201", "apt-lists-not-cleaned", "warning", "50% of\nit: a, b", "a,b:c/Dockerfile",
                Span(1, 2, 1, 3), suggestion="x\ry")
    assert annotation(f) == ("::warning file=a%2Cb%3Ac/Dockerfile,line=1,col=2,endLine=1,endColumn=3,"
                             "title=DKL201 apt-lists-not-cleaned::50%25 of%0Ait: a, b — fix: x%0Dy")


def test_github_levels_suppressed_and_multiline():
    fs = [finding("DKL001", "error", 1), finding("DKL101", "info", 2),
          finding("DKL201", "warning", 3, suppressed=True),
          finding("DKL102", "warning", 4, span=Span(4, 3, 6, 2)),
          finding("DKL103", "error", 5, span=Span(5, 9, 5, 9))]
    out = render_github([FileResult("Dockerfile", APT, findings=fs)])
    assert out.splitlines() == [
        "::error file=Dockerfile,line=1,col=1,endLine=1,endColumn=4,title=DKL001 syntax-error::message 1",
        "::notice file=Dockerfile,line=2,col=1,endLine=2,endColumn=4,title=DKL101 single-stage-build::message 2",
        "::warning file=Dockerfile,line=4,endLine=6,title=DKL102 build-only-package-in-final-stage::message 4",
        "::error file=Dockerfile,line=5,col=9,endLine=5,endColumn=10,title=DKL103 cgo-binary-without-libc::"
        "message 5",
    ]
    assert render_github([]) == ""
