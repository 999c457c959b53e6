"""Command-line conventions users know from ruff and hadolint, each through click's runner AND
as a subprocess, with the exact output asserted: --exit-zero, --statistics, the closing
"fixable" line, "All checks passed!", hadolint codes and ALL wherever rules are named,
`--format github` errors, the [tool.dockerlint] hint and `# dockerlint ignore` without `=`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from dockerlint import discover, options
from dockerlint.cli import cli
from .helpers import APT_MSG

APT = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD [\"curl\"]\n"  # DKL201 at 2:5, safe fix
GO = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n"  # DKL101, unsafe
UNKNOWN = "FROM debian\nFROBNICATE x\n"  # DKL001 only: no fix
CLEAN = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nCMD [\"curl\"]\n"


def both(cwd, *args, input=None, reset=None):
    """(exit status, stdout, stderr), the same through click's runner and as a subprocess.

    reset: called before each of the two runs (to lay out again the files --fix rewrites).
    """
    if reset:
        reset()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(cli, list(args), input=input, prog_name="dockerlint")
    finally:
        os.chdir(old)
    if reset:
        reset()
    p = subprocess.run([sys.executable, "-m", "dockerlint", *args], cwd=cwd, input=input, capture_output=True,
                       text=True, env={**os.environ, "NO_COLOR": "1"})
    assert (r.exit_code, r.stdout, r.stderr) == (p.returncode, p.stdout, p.stderr)
    return p.returncode, p.stdout, p.stderr


def tree(root, files: dict[str, str]):
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def tail(out: str, n: int = 2) -> list[str]:
    return out.splitlines()[-n:]


# --- --exit-zero ----------------------------------------------------------------------------------

def test_exit_zero_reports_but_exits_0_and_errors_still_exit_2(tmp_path):
    tree(tmp_path, {"Dockerfile": APT})
    code, plain, _ = both(tmp_path, "Dockerfile")
    assert code == 1
    assert both(tmp_path, "--exit-zero", "Dockerfile") == (0, plain, "")
    assert both(tmp_path, "-e", "Dockerfile") == (0, plain, "")
    assert both(tmp_path, "--exit-zero", "--diff", "Dockerfile")[0] == 0
    assert both(tmp_path, "--exit-zero", "Dockerfile", "missing") == (
        2, plain, "dockerlint: error: missing: no such file or directory\n")
    tree(tmp_path, {"pyproject.toml": "[tool.dockerlint]\nignor = []\n"})
    code, out, err = both(tmp_path, "--exit-zero", "--format", "sarif", "Dockerfile")
    assert code == 2 and err.startswith("dockerlint: error: pyproject.toml: [tool.dockerlint]: unknown key `ignor`")
    assert json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is False


# --- --statistics ---------------------------------------------------------------------------------

def test_statistics_text_is_ruffs_table_with_the_summary(tmp_path):
    tree(tmp_path, {"Dockerfile": APT, "b/Dockerfile": APT, "go.Dockerfile": GO})
    # `FROM debian` is trixie, whose lists were measured at 21.7 MB (rules/knowledge/debian.json)
    assert both(tmp_path, "--statistics", ".") == (1, (
        "2\tDKL201\t[*] apt-lists-not-cleaned\t43 MB\n"
        "1\tDKL101\t[ ] single-stage-build\n"
        "Found 3 problems (3 warnings) in 3 files.\n"
        "2 fixable with `--fix` (1 more with `--unsafe-fixes`).\n"
        "About 43 MB could be saved (findings whose size is known).\n"), "")
    # with unsafe fixes on, the rewrite is fixable too; without any fixable rule there is no marker
    assert both(tmp_path, "--statistics", "--unsafe-fixes", ".")[1].splitlines()[:2] == [
        "2\tDKL201\t[*] apt-lists-not-cleaned\t43 MB", "1\tDKL101\t[*] single-stage-build"]
    # no size known anywhere: no megabytes column and no total
    assert both(tmp_path, "--statistics", "go.Dockerfile")[1].splitlines() == [
        "1\tDKL101\tsingle-stage-build", "Found 1 problem (1 warning) in 1 file.",
        "No fixes with `--fix`; 1 with `--unsafe-fixes`."]


def test_statistics_megabytes_column_is_aligned_and_sums_the_findings(tmp_path):
    pip = "FROM python:3.12-slim\nRUN pip install flask\nCMD [\"flask\"]\n"
    tree(tmp_path, {"Dockerfile": APT, "p/Dockerfile": pip, "q/Dockerfile": pip.replace("3.12-slim", "3.11"),
                    "u/Dockerfile": "FROM ubuntu:14.04\nRUN apt-get update\n"})
    code, out, _ = both(tmp_path, "--statistics", "--select", "DKL201,DKL206", ".")
    lines = out.splitlines()
    assert code == 1 and lines[0].split("\t")[:2] == ["2", "DKL201"] and lines[1].split("\t")[:2] == ["2", "DKL206"]
    # trusty's lists were not measured: only trixie's 21.7 MB counts for DKL201
    assert lines[0].split("\t")[3].strip() == "22 MB"
    flask = [f for f in json.loads(both(tmp_path, "--format", "json", "p/Dockerfile")[1])["findings"]
             if f["code"] == "DKL206"][0]["size_mb"]
    from dockerlint.report import megabytes_text

    assert flask and lines[1].split("\t")[3].strip() == megabytes_text(round(2 * flask, 1))
    # columns line up: the name cells are padded to one width
    assert len(lines[0].split("\t")[2]) == len(lines[1].split("\t")[2])
    assert lines[-1] == f"About {megabytes_text(21.7 + round(2 * flask, 1))} could be saved (findings whose size is known)."


def test_statistics_json_and_clean_and_unsupported_formats(tmp_path):
    tree(tmp_path, {"Dockerfile": APT, "b/Dockerfile": APT, "go.Dockerfile": GO, "ok/Dockerfile": CLEAN})
    code, out, err = both(tmp_path, "--statistics", "--format", "json", ".")
    assert (code, err) == (1, "") and json.loads(out) == [
        {"count": 2, "code": "DKL201", "name": "apt-lists-not-cleaned", "fixable": True, "megabytes": 43.4},
        {"count": 1, "code": "DKL101", "name": "single-stage-build", "fixable": False, "megabytes": None}]
    assert both(tmp_path, "--statistics", "ok") == (0, "All checks passed!\n", "")
    assert both(tmp_path, "--statistics", "--format", "json", "ok") == (0, "[]\n", "")
    for fmt in ("sarif", "github"):
        code, out, err = both(tmp_path, "--statistics", "--format", fmt, ".")
        assert (code, out) == (2, "") and err.endswith(f"Error: --statistics prints text or json, not {fmt}\n")


# --- the closing line: what --fix would fix ------------------------------------------------------

@pytest.mark.parametrize("args,files,last", [
    (["Dockerfile"], {}, "1 fixable with `--fix`."),
    (["go.Dockerfile"], {}, "No fixes with `--fix`; 1 with `--unsafe-fixes`."),
    (["."], {}, "2 fixable with `--fix` (1 more with `--unsafe-fixes`)."),
    (["--unsafe-fixes", "."], {}, "3 fixable with `--fix`."),
    (["."], {".dockerlint.toml": "unsafe-fixes = true\n"}, "3 fixable with `--fix`."),
    # a suppressed finding is not fixed, so it is not counted
    (["."], {"b/Dockerfile": "FROM debian\n# dockerlint ignore=DKL201\nRUN apt-get update\n"},
     "1 fixable with `--fix` (1 more with `--unsafe-fixes`)."),
    # a finding without a concrete fix is a problem, not a fixable one
    (["unknown/Dockerfile"], {}, "Found 1 problem (1 error) in 1 file."),
])
def test_closing_line_counts_the_fixes_that_would_apply(tmp_path, args, files, last):
    tree(tmp_path, {"Dockerfile": APT, "b/Dockerfile": APT, "go.Dockerfile": GO, "unknown/Dockerfile": UNKNOWN,
                    **files})
    code, out, err = both(tmp_path, *args)
    assert (code, err, out.splitlines()[-1]) == (1, "", last)


def test_after_fix_the_line_counts_what_is_left(tmp_path):
    tree(tmp_path, {"Dockerfile": APT, "go.Dockerfile": GO})
    r = subprocess.run([sys.executable, "-m", "dockerlint", "--fix", "."], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr == "Fixed Dockerfile: DKL201 Append `rm -rf /var/lib/apt/lists/*` to this RUN\n"
    assert tail(r.stdout) == ["Found 1 problem (1 warning) in 1 file.",
                              "No fixes with `--fix`; 1 with `--unsafe-fixes`."]
    # and the runner gives the same on the same (now fixed) files
    assert both(tmp_path, ".")[1] == r.stdout


# --- a clean run ----------------------------------------------------------------------------------

def test_a_clean_run_says_all_checks_passed_in_text_only(tmp_path):
    tree(tmp_path, {"Dockerfile": CLEAN})
    assert both(tmp_path, ".") == (0, "All checks passed!\n", "")
    assert both(tmp_path, "-", input=CLEAN) == (0, "All checks passed!\n", "")
    assert both(tmp_path, "--format", "github", ".") == (0, "", "")
    code, out, _ = both(tmp_path, "--format", "json", ".")
    assert code == 0 and json.loads(out) == {"version": 1, "findings": [], "errors": [], "files": 1}
    code, out, _ = both(tmp_path, "--format", "sarif", ".")
    assert code == 0 and json.loads(out)["runs"][0]["results"] == [] and "All checks passed" not in out
    # an error is not a pass, even when the files that could be read are clean
    assert both(tmp_path, ".", "missing") == (2, "", "dockerlint: error: missing: no such file or directory\n")


# --- hadolint codes and ALL wherever rules are named ----------------------------------------------

def test_select_and_ignore_take_hadolint_codes_and_all(tmp_path):
    tree(tmp_path, {"Dockerfile": APT, "go.Dockerfile": GO})
    code, out, _ = both(tmp_path, "--format", "json", ".")
    everything = sorted(f["code"] for f in json.loads(out)["findings"])
    assert everything == ["DKL101", "DKL201"]
    for args, expected in [(["--ignore", "DL3009"], ["DKL101"]), (["--ignore", "dl3009"], ["DKL101"]),
                           (["--select", "DL3009"], ["DKL201"]),
                           # ALL takes the rules outside the default set too: DKL501 (both images run as root)
                           (["--select", "ALL"], sorted(everything + ["DKL501", "DKL501"])),
                           (["--select", "all", "--ignore", "DL3009,DKL101,DKL501"], [])]:
        code, out, err = both(tmp_path, "--format", "json", *args, ".")
        assert (sorted(f["code"] for f in json.loads(out)["findings"]), err) == (expected, ""), args
    code, out, err = both(tmp_path, "--ignore", "DL3008", ".")
    assert (code, out) == (2, "") and err.endswith(
        "Error: Invalid value for --ignore: unknown rule 'DL3008' in --ignore (hadolint's DL3008 has no "
        "dockerlint rule); see `dockerlint --list-rules`\n")


@pytest.mark.parametrize("config,expected", [
    ('ignore = ["DL3009"]\n', ["go.Dockerfile:DKL101"]),
    ('select = ["DL3009"]\n', ["Dockerfile:DKL201"]),
    ('select = ["ALL"]\nignore = ["dl3009", "DKL501"]\n', ["go.Dockerfile:DKL101"]),
    ('per-file-ignores = { "Dockerfile" = ["DL3009"], "go.*" = ["ALL"] }\n', []),
])
def test_configuration_takes_hadolint_codes_and_all(tmp_path, config, expected):
    (tmp_path / ".git").mkdir()
    tree(tmp_path, {"Dockerfile": APT, "go.Dockerfile": GO, ".dockerlint.toml": config})
    code, out, err = both(tmp_path, "--format", "json", ".")
    assert err == "" and [f"{f['path']}:{f['code']}" for f in json.loads(out)["findings"]] == expected
    assert code == (1 if expected else 0)


def test_an_unmapped_hadolint_code_in_the_configuration_is_one_line(tmp_path):
    (tmp_path / ".git").mkdir()
    tree(tmp_path, {"Dockerfile": APT, ".dockerlint.toml": 'ignore = ["DL3008"]\n'})
    assert both(tmp_path, ".") == (2, "", "dockerlint: error: .dockerlint.toml: top level.ignore: unknown rule "
                                          "'DL3008' (hadolint's DL3008 has no dockerlint rule); see "
                                          "`dockerlint --list-rules`\n")


def test_tool_dockerlint_table_in_dockerlint_toml_says_where_keys_go(tmp_path):
    (tmp_path / ".git").mkdir()
    tree(tmp_path, {"Dockerfile": APT, ".dockerlint.toml": '[tool.dockerlint]\nignore = ["DKL201"]\n'})
    assert both(tmp_path, ".") == (2, "", "dockerlint: error: .dockerlint.toml: top level: unknown key `tool`: in a "
                                          ".dockerlint.toml the keys go at the top level, without the "
                                          "[tool.dockerlint] header\n")


# --- --format github: errors are annotations too ------------------------------------------------

def test_github_format_puts_input_and_config_errors_on_stdout_as_error_commands(tmp_path):
    (tmp_path / ".git").mkdir()
    tree(tmp_path, {"Dockerfile": APT, "bad/Dockerfile": APT, "bad/pyproject.toml": "[tool.dockerlint]\nignor = 1\n",
                    "bin/Dockerfile": "FROM a\n"})
    (tmp_path / "bin/Dockerfile").write_bytes(b"FROM a\nRUN echo \xff\n")
    code, out, err = both(tmp_path, "--format", "github", "Dockerfile", "missing", "bad/Dockerfile", "bin/Dockerfile")
    assert code == 2
    assert out == (
        "::warning file=Dockerfile,line=2,col=5,endLine=2,endColumn=19,title=DKL201 apt-lists-not-cleaned::"
        + APT_MSG + " — fix: Append `rm -rf /var/lib/apt/lists/*` to this RUN\n"
        "::error file=missing,title=dockerlint::missing: no such file or directory\n"
        "::error file=bad/pyproject.toml,title=dockerlint::bad/pyproject.toml: [tool.dockerlint]: unknown key "
        "`ignor` (did you mean `ignore`?)\n"
        "::error file=bin/Dockerfile,title=dockerlint::bin/Dockerfile: not UTF-8 text (byte 0xff at line 2); "
        "BuildKit reads Dockerfiles as UTF-8\n")
    # standard error says the same, as in every format
    assert err == (
        "dockerlint: error: missing: no such file or directory\n"
        "dockerlint: error: bad/pyproject.toml: [tool.dockerlint]: unknown key `ignor` (did you mean `ignore`?)\n"
        "dockerlint: error: bin/Dockerfile: not UTF-8 text (byte 0xff at line 2); BuildKit reads Dockerfiles as UTF-8\n")
    (tmp_path / "empty").mkdir()  # a directory is no file to put an annotation on
    code, out, _ = both(tmp_path, "--format", "github", "empty")
    assert (code, out) == (2, f"::error title=dockerlint::empty: no Dockerfiles found in this directory "
                              f"({discover.describe()})\n")


# --- `# dockerlint ignore DKL201` without `=` ------------------------------------------------------

MISSING_EQ = "FROM debian\n# dockerlint ignore DKL201 -- the base image's hook cleans up\nRUN apt-get update\n"


def test_ignore_without_equals_is_dkl002_and_its_fix_writes_the_equals(tmp_path):
    tree(tmp_path, {"Dockerfile": MISSING_EQ})
    code, out, err = both(tmp_path, "--format", "json", "Dockerfile")
    found = [(f["code"], f["line"], f["column"], f["end_column"], f["message"], f["fix"]["safety"],
              [(e["line"], e["column"], e["end_column"], e["text"]) for e in f["fix"]["edits"]])
             for f in json.loads(out)["findings"]]
    assert (code, err) == (1, "")
    assert found == [
        ("DKL002", 2, 14, 27, "Malformed suppression: `ignore DKL201` has no `=`, so it suppresses nothing; "
                              "write `ignore=DKL201`", "safe", [(2, 20, 21, "=")]),
        # the finding it names keeps its own fix back until the `=` is there (shown as help)
        ("DKL201", 3, 5, 19, json.loads(out)["findings"][1]["message"], "display-only", []),
    ]
    assert both(tmp_path, "--fix", "Dockerfile", reset=lambda: tree(tmp_path, {"Dockerfile": MISSING_EQ})) == (
        0, "All checks passed!\n", "Fixed Dockerfile: DKL002 Write `ignore=DKL201`\n")
    assert (tmp_path / "Dockerfile").read_text() == MISSING_EQ.replace("ignore DKL201", "ignore=DKL201")


@pytest.mark.parametrize("comment,message,fixed", [
    ("# dockerlint ignore: apt-lists-not-cleaned", "`ignore: apt-lists-not-cleaned` has no `=`, so it suppresses "
     "nothing; write `ignore=apt-lists-not-cleaned`", "# dockerlint ignore=apt-lists-not-cleaned"),
    ("# dockerlint global ignore DL3009", "`ignore DL3009` has no `=`, so it suppresses nothing; write "
     "`ignore=DL3009`", "# dockerlint global ignore=DL3009"),
    # nothing to suppress even with the `=`: the fix removes the comment, as for any unused one
    ("# dockerlint ignore DKL101", "`ignore DKL101` has no `=`, and would suppress nothing with it: no DKL101 "
     "finding on the instruction at line 3", None),
])
def test_ignore_without_equals_variants(tmp_path, comment, message, fixed):
    text = f"FROM debian\n{comment}\nRUN apt-get update\n"
    tree(tmp_path, {"Dockerfile": text})
    code, out, _ = both(tmp_path, "--format", "json", "Dockerfile")
    (f,) = [f for f in json.loads(out)["findings"] if f["code"] == "DKL002"]
    assert f["message"] == f"Malformed suppression: {message}"
    assert both(tmp_path, "--fix", "Dockerfile", reset=lambda: tree(tmp_path, {"Dockerfile": text}))[:2] == (
        0, "All checks passed!\n")
    assert (tmp_path / "Dockerfile").read_text() == (text.replace(comment, fixed) if fixed else
                                                      "FROM debian\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\n")


def test_prose_after_ignore_is_not_a_suppression(tmp_path):
    tree(tmp_path, {"Dockerfile": "FROM debian\n# dockerlint ignores nothing here; ignore the next line\n"
                                  "RUN apt-get update\n"})
    code, out, _ = both(tmp_path, "--format", "json", "Dockerfile")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["DKL201"]


# --- one table of options -------------------------------------------------------------------------

def test_the_click_command_is_built_from_the_option_table():
    params = {p.name: p for p in cli.params if isinstance(p, click.Option) and p.name not in ("help", "version")}
    assert list(params) == [o.dest for o in options.OPTIONS]
    for o in options.OPTIONS:
        p = params[o.dest]
        assert p.opts == list(o.flags) and (p.secondary_opts == ([o.negative] if o.kind == "switch" else []))
        assert p.is_flag == (o.kind in ("flag", "switch")) and p.multiple == (o.kind == "multiple")
        assert (list(p.type.choices) if isinstance(p.type, click.Choice) else None) == (
            list(o.choices) if o.choices else None)
    r = CliRunner().invoke(cli, ["--help"])
    assert r.exit_code == 0 and all(f in r.stdout for o in options.OPTIONS for f in o.flags)


def test_the_option_table_imports_no_click():
    r = subprocess.run([sys.executable, "-c", "import sys, dockerlint.options as o; "
                                              "print(len(o.OPTIONS), 'click' in sys.modules)"],
                       capture_output=True, text=True)
    assert r.stdout == f"{len(options.OPTIONS)} False\n", r.stderr


def test_an_error_without_a_known_path_is_placed_by_its_prefix():
    from dockerlint.github import error_annotation
    from dockerlint.runner import Problem

    # fix.py reports a refused fix as a plain "PATH: ..." line
    assert error_annotation("a,b/Dockerfile: the fix for DKL201 would not parse; nothing written",
                            ["a", "a,b/Dockerfile"]) == (
        "::error file=a%2Cb/Dockerfile,title=dockerlint::a,b/Dockerfile: the fix for DKL201 would not parse; "
        "nothing written")
    assert error_annotation("internal: 100%\nnext", []) == "::error title=dockerlint::internal: 100%25%0Anext"
    assert error_annotation(Problem("-: not UTF-8 text", "-"), ["-"]) == "::error title=dockerlint::-: not UTF-8 text"
