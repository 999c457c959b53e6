"""Configuration, suppressions, DKL002 and the generated README tables, as users meet them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from dockerlint import config, readme
from dockerlint.cli import cli
from dockerlint.engine import lint_text

from .helpers import cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
# DKL201 (apt lists) and DKL102 (libssl-dev headers, which the make at line 3 builds with), both warnings at line 2
BAD = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libssl-dev curl\nRUN make -C /src\nCMD [\"curl\"]\n"
APT = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD [\"curl\"]\n"
GO = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nENTRYPOINT [\"/app\"]\n"  # DKL101, unsafe fix


@pytest.fixture(autouse=True)
def _fresh_config_cache():
    config.clear_cache()
    yield
    config.clear_cache()


def lint(tmp_path, *args, files=None, cwd=None):
    for name, text in (files or {}).items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    old = os.getcwd()
    os.chdir(cwd or tmp_path)
    try:
        r = CliRunner().invoke(cli, ["--format", "json", *args])
    finally:
        os.chdir(old)
    doc = json.loads(r.stdout) if r.stdout.strip().startswith("{") else None
    return r, doc


def active(doc):
    return sorted((Path(f["path"]).as_posix(), f["line"], f["code"]) for f in doc["findings"] if not f["suppressed"])


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    return tmp_path


# --- keys -----------------------------------------------------------------------------------------

def test_no_config_reports_everything(repo):
    r, doc = lint(repo, "Dockerfile", files={"Dockerfile": BAD})
    assert r.exit_code == 1
    assert active(doc) == [("Dockerfile", 2, "DKL102"), ("Dockerfile", 2, "DKL201")]


def test_select(repo):
    r, doc = lint(repo, "Dockerfile", files={"Dockerfile": BAD,
                                               "pyproject.toml": '[tool.dockerlint]\nselect = ["DKL2"]\n'})
    assert active(doc) == [("Dockerfile", 2, "DKL201")]


def test_ignore_by_name(repo):
    r, doc = lint(repo, "Dockerfile", files={"Dockerfile": BAD, ".dockerlint.toml": 'ignore = ["apt-lists-not-cleaned"]\n'})
    assert active(doc) == [("Dockerfile", 2, "DKL102")]


def test_per_file_ignores(repo):
    files = {"legacy/Dockerfile": BAD, "app/Dockerfile": BAD, "x.dev.Dockerfile": APT,
             "pyproject.toml": '[tool.dockerlint]\nper-file-ignores = { "legacy/*" = ["DKL201", "DKL102"], '
                               '"*.dev.Dockerfile" = ["DKL201"] }\n'}
    r, doc = lint(repo, ".", files=files)
    assert active(doc) == [("app/Dockerfile", 2, "DKL102"), ("app/Dockerfile", 2, "DKL201")]


def test_target(repo):
    text = "FROM debian AS runtime\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nFROM scratch AS other\n"
    r, doc = lint(repo, "Dockerfile", files={"Dockerfile": text, ".dockerlint.toml": 'target = "runtime"\n'})
    assert active(doc) == [("Dockerfile", 2, "DKL201")]
    (repo / ".dockerlint.toml").write_text('target = "other"\n')
    config.clear_cache()
    r, doc = lint(repo, "Dockerfile")
    assert active(doc) == [] and r.exit_code == 0


def test_missing_target_in_config_is_an_error(repo):
    r, doc = lint(repo, "Dockerfile", files={"Dockerfile": APT, ".dockerlint.toml": 'target = "nope"\n'})
    assert r.exit_code == 2
    assert "Dockerfile: target in" in r.stderr and ".dockerlint.toml 'nope': no such stage" in r.stderr


def test_fail_level(repo):
    files = {"Dockerfile": APT, ".dockerlint.toml": 'fail-level = "error"\n'}
    r, doc = lint(repo, "Dockerfile", files=files)
    assert r.exit_code == 0 and active(doc) == [("Dockerfile", 2, "DKL201")]  # still reported
    r, _ = lint(repo, "--fail-level", "warning", "Dockerfile")
    assert r.exit_code == 1  # the command line wins


def test_unsafe_fixes(repo):
    lint(repo, files={"Dockerfile": GO})
    r = CliRunner().invoke(cli, ["--diff", str(repo / "Dockerfile")])
    assert (r.exit_code, r.stdout) == (0, "")  # the only fix is unsafe
    (repo / ".dockerlint.toml").write_text("unsafe-fixes = true\n")
    config.clear_cache()
    r = CliRunner().invoke(cli, ["--diff", str(repo / "Dockerfile")])
    assert r.exit_code == 1 and "+FROM golang:1.22 AS build" in r.stdout
    r = CliRunner().invoke(cli, ["--diff", "--no-unsafe-fixes", str(repo / "Dockerfile")])
    assert "AS build" not in r.stdout


# --- discovery and precedence ---------------------------------------------------------------------

def test_nearest_config_wins_and_search_stops_at_the_repository_root(tmp_path):
    (tmp_path / ".dockerlint.toml").write_text('ignore = ["DKL201"]\n')  # above the repository: not used
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    files = {"Dockerfile": APT, "sub/Dockerfile": APT, "sub/deeper/Dockerfile": APT,
             "sub/pyproject.toml": '[tool.dockerlint]\nignore = ["DKL201"]\n',
             "other/pyproject.toml": "[project]\nname = 'x'\n", "other/Dockerfile": APT}
    r, doc = lint(repo, ".", files=files)
    assert active(doc) == [("Dockerfile", 2, "DKL201"), ("other/Dockerfile", 2, "DKL201")]


def test_dockerlint_toml_beats_pyproject_in_the_same_directory(repo):
    files = {"Dockerfile": BAD, ".dockerlint.toml": 'select = ["DKL102"]\n',
             "pyproject.toml": '[tool.dockerlint]\nselect = ["DKL201"]\n'}
    r, doc = lint(repo, "Dockerfile", files=files)
    assert active(doc) == [("Dockerfile", 2, "DKL102")]


def test_cli_select_starts_afresh_and_cli_ignore_adds(repo):
    files = {"Dockerfile": BAD, ".dockerlint.toml": 'ignore = ["DKL201"]\n'}
    r, doc = lint(repo, "--select", "DKL201", "Dockerfile", files=files)
    assert active(doc) == [("Dockerfile", 2, "DKL201")]
    r, doc = lint(repo, "--ignore", "DKL102", "Dockerfile")
    assert active(doc) == []


def test_config_flag_and_isolated(repo):
    files = {"Dockerfile": BAD, ".dockerlint.toml": 'ignore = ["DKL201"]\n', "ci.toml": 'ignore = ["DKL102"]\n'}
    r, doc = lint(repo, "--config", "ci.toml", "Dockerfile", files=files)
    assert active(doc) == [("Dockerfile", 2, "DKL201")]
    r, doc = lint(repo, "--isolated", "Dockerfile")
    assert active(doc) == [("Dockerfile", 2, "DKL102"), ("Dockerfile", 2, "DKL201")]


def test_stdin_uses_the_config_of_its_filename(repo):
    (repo / "legacy").mkdir()
    (repo / "pyproject.toml").write_text('[tool.dockerlint]\nper-file-ignores = { "legacy/*" = ["DKL201"] }\n')
    old = os.getcwd()
    os.chdir(repo)
    try:
        r = CliRunner().invoke(cli, ["--stdin-filename", "legacy/Dockerfile", "-"], input=APT)
        assert r.exit_code == 0, r.output
        r = CliRunner().invoke(cli, ["--stdin-filename", "app/Dockerfile", "-"], input=APT)
        assert r.exit_code == 1
    finally:
        os.chdir(old)


# --- every error path: exit 2, one line naming the file and the key ------------------------------

@pytest.mark.parametrize("name,text,message", [
    ("pyproject.toml", '[tool.dockerlint]\nignor = ["DKL201"]\n',
     "pyproject.toml: [tool.dockerlint]: unknown key `ignor` (did you mean `ignore`?)"),
    ("pyproject.toml", '[tool.dockerlint]\nfail_level = "error"\n',
     "pyproject.toml: [tool.dockerlint]: unknown key `fail_level` (did you mean `fail-level`?)"),
    (".dockerlint.toml", 'colour = "red"\n',
     ".dockerlint.toml: top level: unknown key `colour`; known keys: select, ignore, per-file-ignores, "
     "target, fail-level, unsafe-fixes"),
    (".dockerlint.toml", 'select = "DKL201"\n',
     ".dockerlint.toml: top level.select: expected a list of rule codes or names, got a string ('DKL201')"),
    (".dockerlint.toml", 'ignore = ["DKL999"]\n',
     ".dockerlint.toml: top level.ignore: unknown rule 'DKL999'; see `dockerlint --list-rules`"),
    (".dockerlint.toml", 'ignore = [201]\n',
     ".dockerlint.toml: top level.ignore: expected a list of rule codes or names, got a list"),
    (".dockerlint.toml", 'per-file-ignores = ["a"]\n',
     ".dockerlint.toml: top level.per-file-ignores: expected a table of glob = [rules], got a list"),
    (".dockerlint.toml", 'per-file-ignores = { "a/*" = ["nope"] }\n',
     '.dockerlint.toml: top level.per-file-ignores."a/*": unknown rule \'nope\'; see `dockerlint --list-rules`'),
    (".dockerlint.toml", "target = 3\n", ".dockerlint.toml: top level.target: expected a stage name, got a number (3)"),
    (".dockerlint.toml", 'fail-level = "fatal"\n',
     ".dockerlint.toml: top level.fail-level: expected one of info, warning, error, got a string ('fatal')"),
    (".dockerlint.toml", 'unsafe-fixes = "yes"\n',
     ".dockerlint.toml: top level.unsafe-fixes: expected true or false, got a string ('yes')"),
    ("pyproject.toml", "[tool.dockerlint\n", "pyproject.toml: not valid TOML: "),
    ("pyproject.toml", "[tool]\ndockerlint = 3\n", "pyproject.toml: [tool.dockerlint]: expected a table, got a number (3)"),
])
def test_config_errors(repo, name, text, message):
    r, _ = lint(repo, "Dockerfile", files={"Dockerfile": APT, name: text})
    assert r.exit_code == 2
    err = [ln for ln in r.stderr.splitlines() if ln.startswith("dockerlint: error:")]
    assert len(err) == 1, r.stderr
    assert err[0].startswith(f"dockerlint: error: {repo / name}: " + message.split(": ", 1)[1]) or \
        err[0].startswith(f"dockerlint: error: {message}"), err[0]
    assert "Traceback" not in r.stderr


def test_config_error_is_reported_once_and_other_files_are_still_linted(tmp_path):
    (tmp_path / ".git").mkdir()
    files = {"bad/Dockerfile": APT, "bad/Dockerfile.two": APT, "bad/.dockerlint.toml": "nope = 1\n",
             "good/Dockerfile": APT}
    r, doc = lint(tmp_path, ".", files=files)
    assert r.exit_code == 2
    assert r.stderr.count("unknown key `nope`") == 1
    assert active(doc) == [("good/Dockerfile", 2, "DKL201")]


def test_config_flag_needs_a_dockerlint_table(repo):
    r, _ = lint(repo, "--config", "pyproject.toml", "Dockerfile",
                files={"Dockerfile": APT, "pyproject.toml": "[project]\nname='x'\n"})
    assert r.exit_code == 2 and "pyproject.toml: no [tool.dockerlint] table" in r.stderr


def test_config_as_subprocess(repo):
    import subprocess
    import sys

    (repo / "Dockerfile").write_text(APT)
    (repo / ".dockerlint.toml").write_text("selct = []\n")
    p = subprocess.run([sys.executable, "-m", "dockerlint", "Dockerfile"], cwd=repo, capture_output=True, text=True)
    assert p.returncode == 2 and p.stdout == ""
    # the configuration is named relative to the working directory, as the linted files are
    assert p.stderr == "dockerlint: error: .dockerlint.toml: top level: unknown key `selct` (did you mean `select`?)\n"


# --- suppressions ---------------------------------------------------------------------------------

def codes(text, **kw):
    res = lint_text(text, "Dockerfile", **kw)
    return sorted((f.line, f.code, f.suppressed) for f in res.findings)


def test_inline_ignore_covers_the_next_instruction_only():
    text = ("FROM debian\n# dockerlint ignore=DKL201\nRUN apt-get update\nRUN apt-get update\n")
    assert codes(text) == [(3, "DKL201", True), (4, "DKL201", False)]


def test_inline_ignore_by_name_with_reason_and_multiline_instruction():
    text = ("FROM debian\n# dockerlint ignore=apt-lists-not-cleaned -- the base image's hook cleans up\n"
            "RUN true \\\n && apt-get update\n")
    res = lint_text(text, "Dockerfile")
    (f,) = res.findings
    assert (f.line, f.code, f.suppressed, f.suppress_reason) == (4, "DKL201", True, "the base image's hook cleans up")


def test_global_ignore():
    text = "# dockerlint global ignore=DKL201\nFROM debian\nRUN apt-get update\nRUN apt-get update\n"
    assert codes(text) == [(3, "DKL201", True), (4, "DKL201", True)]


@pytest.mark.parametrize("comment", ["# hadolint ignore=DL3009", "# hadolint ignore=DL3008,DL3009",
                                     "# hadolint global ignore=DL3009"])
def test_hadolint_comments_map_to_our_rules(comment):
    text = f"FROM debian\n{comment}\nRUN apt-get update\n"
    assert codes(text) == [(3, "DKL201", True)]


def test_hadolint_comments_without_a_mapping_do_nothing_and_are_never_reported():
    text = "FROM debian\n# hadolint ignore=DL3008\nRUN apt-get update\n# hadolint ignore=DL3009\nRUN true\n"
    assert codes(text) == [(3, "DKL201", False)]


def test_suppressed_findings_do_not_fail_and_are_not_shown_as_text(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("FROM debian\n# dockerlint ignore=DKL201\nRUN apt-get update\n")
    r = CliRunner().invoke(cli, [str(p)])
    assert r.exit_code == 0 and r.stdout == "All checks passed!\n"
    r = CliRunner().invoke(cli, ["--format", "json", str(p)])
    (f,) = json.loads(r.stdout)["findings"]
    assert f["suppressed"] is True and f["code"] == "DKL201"


# --- DKL002 unused suppression --------------------------------------------------------------------

def test_unused_inline_code_is_reported_at_its_column_with_a_fix(tmp_path):
    text = "FROM debian\n# dockerlint ignore=DKL201,DKL102 -- why\nRUN apt-get update\n"
    res = lint_text(text, "Dockerfile")
    (unused,) = [f for f in res.findings if f.code == "DKL002"]
    assert (unused.line, unused.column, unused.span.end_column) == (2, 28, 34)
    assert unused.message == ("Unused suppression: `DKL102` suppresses nothing: no DKL102 finding on the "
                              "instruction at line 3")
    p = tmp_path / "Dockerfile"
    p.write_text(text)
    r = CliRunner().invoke(cli, ["--fix", str(p)])
    assert r.exit_code == 0, r.output
    assert p.read_text() == "FROM debian\n# dockerlint ignore=DKL201 -- why\nRUN apt-get update\n"


def test_fully_unused_comment_is_removed_by_the_fix(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"FROM debian\r\n# dockerlint ignore=DKL201\r\nRUN echo hi\r\n")
    r = CliRunner().invoke(cli, ["--fix", str(p)])
    assert r.exit_code == 0, r.output
    assert p.read_bytes() == b"FROM debian\r\nRUN echo hi\r\n"


@pytest.mark.parametrize("text,message", [
    ("FROM debian\n# dockerlint ignore=DKL999\nRUN true\n", "`DKL999` is not a dockerlint rule"),
    ("FROM debian\n# dockerlint global ignore=DKL201\nRUN true\n",
     "`DKL201` suppresses nothing: no DKL201 finding in this file"),
    ("FROM debian\nRUN true\n# dockerlint ignore=DKL201\n", "`DKL201` has no instruction after it to cover"),
])
def test_dkl002_messages(text, message):
    res = lint_text(text, "Dockerfile")
    assert [f.message for f in res.findings if f.code == "DKL002"] == [f"Unused suppression: {message}"]


def test_dkl002_is_quiet_when_the_rule_did_not_run_or_dkl002_is_off():
    text = "FROM debian\n# dockerlint ignore=DKL201\nRUN true\n"
    assert codes(text, ignore={"DKL201"}) == []
    assert codes(text, ignore={"DKL002"}) == []
    assert codes("# dockerlint global ignore=DKL002\n" + text) == [(3, "DKL002", True)]


def test_a_used_suppression_is_not_reported():
    assert codes("FROM debian\n# dockerlint ignore=DKL201\nRUN apt-get update\n") == [(3, "DKL201", True)]


def test_regex_bait_in_comments_is_linear():
    import time

    text = "FROM debian\n# dockerlint ignore=" + "DKL201," * 20000 + "\n# dockerlint " + " " * 50000 + "ignore\nRUN true\n"
    assert cpu_seconds(lint_text, text, "Dockerfile") < 5


# --- --list-rules, --explain and the README come from rules/ --------------------------------------

def test_readme_tables_are_generated_from_rules():
    text = (ROOT / "README.md").read_text("utf-8")
    assert readme.regenerate(text) == text, "README is stale: run `python -m dockerlint.readme`"


def test_readme_table_lists_every_rule_and_the_hadolint_mapping():
    from dockerlint import catalog

    table = readme.rules_table()
    for d in catalog.catalog().values():
        assert f"| [{d.code}](rules/{d.code}.md) | {d.name} | {d.severity} |" in table
    assert "| [DL3009](https://github.com/hadolint/hadolint/wiki/DL3009) | DKL201 apt-lists-not-cleaned |" in \
        readme.hadolint_table()


def test_list_rules_and_explain_by_name():
    r = CliRunner().invoke(cli, ["--list-rules"])
    lines = r.stdout.splitlines()
    assert r.exit_code == 0 and [ln.split()[0] for ln in lines] == ["DKL001", "DKL002", "DKL101", "DKL102",
                                                                  "DKL103", "DKL104", "DKL105", "DKL201",
                                                                  "DKL202", "DKL203", "DKL204", "DKL205",
                                                                  "DKL206", "DKL207", "DKL208", "DKL301",
                                                                  "DKL401", "DKL402", "DKL403", "DKL404",
                                                                  "DKL405", "DKL501", "DKL502", "DKL503"]
    assert lines[1].split()[:3] == ["DKL002", "unused-suppression", "info"]
    r = CliRunner().invoke(cli, ["--explain", "unused-suppression"])
    assert r.exit_code == 0 and r.stdout.startswith("# DKL002 unused-suppression\n")
    assert "## Why is this bad?" in r.stdout
    r = CliRunner().invoke(cli, ["--explain", "dl3009"])
    assert r.exit_code == 0 and r.stdout.startswith("# DKL201 apt-lists-not-cleaned\n") and "hadolint: DL3009" in r.stdout
    r = CliRunner().invoke(cli, ["--explain", "DKL999"])
    assert r.exit_code == 2 and "unknown rule 'DKL999'" in r.output


# --- any table a user can write gives settings or one ConfigError, never a traceback -------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8),
                     st.sampled_from(["DKL201", "dkl1", "ALL", "apt-lists-not-cleaned", "error", "warning", "x/*"]))
_values = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                       max_leaves=8)
_keys = st.one_of(st.sampled_from(list(config.KEYS)), st.text(max_size=10))


@hsettings(max_examples=300, deadline=None, derandomize=True)
@given(st.dictionaries(_keys, _values, max_size=4))
def test_any_table_gives_settings_or_one_config_error(table):
    try:
        s = config.parse_table(table, "/x/.dockerlint.toml", "top level")
    except config.ConfigError as e:
        msg = str(e)
        assert msg.startswith("/x/.dockerlint.toml: top level") and "\n" not in msg
    else:
        assert s.fail_level in config.FAIL_LEVELS and isinstance(s.unsafe_fixes, bool)
        s.ignored_for("/x/a/Dockerfile")


@hsettings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("# dockerlint hadolint global ignore = , -- DKL201 DL3009 \t:é")),
               max_size=60))
def test_any_ignore_comment_lints_without_raising(comment):
    text = f"FROM debian\n#{comment}\nRUN apt-get update\n"
    res = lint_text(text, "Dockerfile")
    assert res.internal_errors == []
    for f in res.findings:
        assert 1 <= f.line <= 3 and f.column >= 1


def test_directive_is_case_insensitive_even_when_it_is_the_only_ignore_comment():
    # the engine once pre-filtered comments case-sensitively, so this file was never looked at
    assert codes("FROM debian\n# DOCKERLINT IGNORE=DKL201\nRUN apt-get update\n") == [(3, "DKL201", True)]


def test_many_suppressions_and_findings_stay_linear():
    import time

    block = "# dockerlint ignore=DKL201\nRUN apt-get update\n"
    out = []
    assert cpu_seconds(lambda: out.append(lint_text("FROM debian\n" + block * 4000, "Dockerfile"))) < 10
    res = out[0]
    assert len(res.findings) == 4000 and all(f.suppressed for f in res.findings)
