"""The click-free fast path of the command line (fastargs) against click's parser.

fastargs.parse must give, for every command line it accepts, exactly the keywords the click
command receives, and hand every other command line to click (None).  Both paths must then
print the same bytes and exit with the same status.
"""

import os
import subprocess
import sys

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerlint import cli as cli_module
from dockerlint import fastargs
from dockerlint.options import OPTIONS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APT = "FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\"]\n"


def click_parse(argv, monkeypatch):
    """(operands, keywords) the click command gives `execute` for argv, or the ClickException /
    exit click ends with instead."""
    seen = []
    monkeypatch.setattr(cli_module, "execute", lambda paths, kw: seen.append((list(paths), kw)))
    try:
        status = cli_module.cli.main(list(argv), prog_name="dockerlint", standalone_mode=False)
    except click.ClickException as e:
        return ("error", e.format_message())
    if not seen:  # --help, --version: printed, and click returns the exit status
        return ("exit", status)
    assert len(seen) == 1
    return seen[0]


@pytest.fixture
def files(tmp_path, monkeypatch):
    """A working folder with a Dockerfile, a config file and a sub-folder; relative names."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(APT)
    (tmp_path / "cfg.toml").write_text("select = [\"DKL201\"]\n")
    (tmp_path / "sub").mkdir()
    return tmp_path


def value_cases(o):
    """Values click accepts for option o, given the `files` folder."""
    if o.choices:
        return list(o.choices)
    if o.minimum is not None:
        return ["0", "3", "+2", " 4", "1_0"]
    if o.file == "read":
        return ["cfg.toml"]
    if o.file == "write":
        return ["report.txt", "Dockerfile", "-"]
    if o.kind == "multiple":
        return ["DKL201", "DKL101,DKL102", "ALL", ""]
    return ["builder", "", "-", "--fix", "a=b"]


def spellings(o):
    return [o.flags[-1], o.negative] if o.kind == "switch" else list(o.flags)


def accepted_command_lines():
    """Command lines click accepts that the fast path must read: every option of the table in
    every spelling, with each kind of value, alone and with operands, repeated and combined."""
    out = []
    for o in OPTIONS:
        for flag in spellings(o):
            if o.kind in ("flag", "switch"):
                out += [[flag], [flag, "Dockerfile"], ["Dockerfile", flag], [flag, flag, "-"]]
                continue
            for v in value_cases(o):
                out += [[flag, v], [f"{flag}={v}"] if flag.startswith("--") else [f"{flag}{v}"],
                        ["Dockerfile", flag, v, "sub"]]
            out.append([flag, value_cases(o)[0], flag, value_cases(o)[-1]])  # repeated: last wins / collects
    switch = next(o for o in OPTIONS if o.kind == "switch")
    out += [
        [switch.flags[-1], switch.negative], [switch.negative, switch.flags[-1]],
        [],
        ["-"],
        ["--", "--fix", "-", "-e"],
        ["Dockerfile", "--", "--help"],
        ["--select", "DKL201", "--ignore", "DKL101", "--select", "DKL102", "-e", "-j", "2", "--format=json",
         "--color", "never", "--target=b", "--fail-level", "error", "--isolated", "--statistics",
         "--unsafe-fixes", "-o", "out.json", "--stdin-filename", "x/Dockerfile", "-", "Dockerfile", "sub"],
        ["--diff", "--no-unsafe-fixes", "Dockerfile"],
        ["--fix", "--diff", "Dockerfile"],  # parsed alike; the usage error comes after (see below)
        ["--list-rules"],
        ["--explain", "DKL101"],
        ["--explain=hadolint-code-that-does-not-exist"],
        ["nonexistent-file"],
    ]
    return out


def test_every_option_parses_as_click_parses_it(files, monkeypatch):
    cases = accepted_command_lines()
    assert len(cases) > 100
    assert {o.dest for o in OPTIONS} <= {o.dest for o in OPTIONS for c in cases for f in spellings(o)
                                         if any(a == f or a.startswith(f + "=") for a in c)}
    for argv in cases:
        fast = fastargs.parse(argv, environ={})
        assert fast is not None, argv
        assert fast == click_parse(argv, monkeypatch), argv


REFUSED = [
    ["--help"], ["-h"], ["--version"], ["Dockerfile", "--help"],
    ["--no-such-option"], ["-x"], ["-1"],
    ["-eh"],  # combined short options: click's
    ["--fix=1"], ["--no-unsafe-fixes=yes"], ["-e1"],
    ["--format"], ["--target"], ["-o"],  # a missing value
    ["--format", "xml"], ["--format=JSON"], ["--color", ""], ["--fail-level", "fatal"],
    ["-j", "-1"], ["--jobs", "x"], ["-j", ""], ["-j1.5"],
    ["--config", "missing.toml"], ["--config", "sub"], ["--config="],
    ["--output", "sub"],
    ["--form", "json"],  # click knows no abbreviations
    ["Dockerfile\0"],
]


@pytest.mark.parametrize("argv", REFUSED, ids=repr)
def test_what_the_fast_path_cannot_read_exactly_goes_to_click(files, monkeypatch, argv):
    assert fastargs.parse(argv, environ={}) is None
    got = click_parse(argv, monkeypatch) if "\0" not in argv[-1] else ("error", None)
    assert got[0] in ("exit", "error"), (argv, got)


def test_combined_short_options_go_to_click(files, monkeypatch):
    assert fastargs.parse(["-ej4", "Dockerfile"], environ={}) is None
    assert click_parse(["-ej4", "Dockerfile"], monkeypatch)[1]["jobs"] == 4  # valid, but click's to read


def test_shell_completion_requests_go_to_click(files):
    assert fastargs.parse(["Dockerfile"], environ={"_DOCKERLINT_COMPLETE": "bash_complete"}) is None
    assert fastargs.parse(["Dockerfile"], environ={}) is not None


def test_unreadable_or_unwritable_paths_go_to_click(files, monkeypatch):
    """click.Path refuses an existing file it cannot read (operands) or write (--output)."""
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert fastargs.parse(["Dockerfile"], environ={}) is None
    assert fastargs.parse(["-o", "Dockerfile"], environ={}) is None
    assert fastargs.parse(["-o", "new-report.txt", "-"], environ={}) is not None


TOKENS = sorted({f for o in OPTIONS for f in spellings(o)} | {
    "-", "--", "Dockerfile", "sub", "cfg.toml", "missing", "json", "text", "sarif", "never", "error", "3", "-1",
    "DKL201", "x", "", "--help", "-h", "--version", "-ej", "-j2", "-ofile", "--format=json", "--jobs=+1",
    "--select=DKL101,DKL102", "--fix=", "--color=always", "--config=cfg.toml", "--output=sub",
})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), max_size=7))
def test_any_command_line_either_parses_as_click_or_goes_to_click(files, monkeypatch, argv):
    fast = fastargs.parse(argv, environ={})
    if fast is not None:
        assert fast == click_parse(argv, monkeypatch), argv


# ---------------------------------------------------------------------------
# Through processes: same stdout, stderr, exit status and files written
# ---------------------------------------------------------------------------

FAST = "import sys; sys.argv[0] = 'dockerlint'; from dockerlint.__main__ import main; main()"
# the same entry with the fast parser declining every command line: click parses
CLICK = ("import sys; sys.argv[0] = 'dockerlint'; import dockerlint.fastargs as f; f.parse = lambda *a, **k: None;"
         " from dockerlint.__main__ import main; main()")

PROCESS_CASES = [
    ["Dockerfile"],
    ["--format", "json", "Dockerfile"],
    ["--format=sarif", "Dockerfile"],
    ["--format", "github", "Dockerfile", "missing"],
    ["--statistics", "Dockerfile"],
    ["--select", "DKL201", "--select", "DKL101", "Dockerfile"],
    ["--ignore=DKL201", "Dockerfile"],
    ["--fail-level", "error", "Dockerfile"],
    ["-e", "Dockerfile"],
    ["--target", "nope", "Dockerfile"],
    ["--color", "always", "Dockerfile"],
    ["--color=never", "Dockerfile", "sub"],
    ["-o", "report.txt", "Dockerfile"],
    ["--stdin-filename", "x/Dockerfile", "-"],
    ["--", "-"],
    ["--config", "cfg.toml", "Dockerfile"],
    ["--isolated", "-j", "2", "Dockerfile"],
    ["--diff", "Dockerfile"],
    ["--diff", "--unsafe-fixes", "Dockerfile"],
    ["--fix", "--no-unsafe-fixes", "Dockerfile"],
    ["--list-rules"],
    ["--explain", "DKL201"],
    # errors: the fast path hands them to click, which says them
    ["--explain", "nope"],
    ["--select", "nope", "Dockerfile"],
    ["--fix", "--diff", "Dockerfile"],
    ["--statistics", "--format", "sarif", "Dockerfile"],
    ["--format", "xml", "Dockerfile"],
    ["-j", "-1", "Dockerfile"],
    ["--config", "missing.toml", "Dockerfile"],
    ["--no-such-option"],
    ["--version"],
    ["--help"],
    ["missing"],
]


def run_in(tmp_path, name, code, argv):
    """Run one entry in a fresh folder holding the same files; (stdout, stderr, status, files)."""
    d = tmp_path / name
    d.mkdir()
    (d / "Dockerfile").write_text(APT)
    (d / "cfg.toml").write_text("select = [\"DKL201\"]\n")
    (d / "sub").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "DOCKERLINT_DEBUG")}
    env["PYTHONPATH"] = ROOT
    r = subprocess.run([sys.executable, "-c", code, *argv], cwd=d, capture_output=True, env=env,
                       input=APT.encode())
    here = str(d).encode()  # SARIF records the working folder: the two runs' folders differ
    written = {p.name: p.read_bytes().replace(here, b"<here>") for p in d.iterdir() if p.is_file()}
    return r.stdout.replace(here, b"<here>"), r.stderr.replace(here, b"<here>"), r.returncode, written


@pytest.mark.parametrize("argv", PROCESS_CASES, ids=" ".join)
def test_both_paths_print_and_exit_alike(tmp_path, argv):
    fast = run_in(tmp_path, "fast", FAST, argv)
    slow = run_in(tmp_path, "click", CLICK, argv)
    assert fast == slow
    assert b"Traceback" not in fast[1] and fast[2] in (0, 1, 2), fast


def test_a_common_run_does_not_import_click(tmp_path):
    (tmp_path / "Dockerfile").write_text(APT)
    code = ("import sys\nfrom dockerlint.cli import run_command\n"
            "status = run_command(['--format', 'json', '--select', 'DKL201', 'Dockerfile'])\n"
            "assert status == 1, status\nassert 'click' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, capture_output=True,
                   env={**os.environ, "PYTHONPATH": ROOT})
