"""The CLI as users meet it: through click's runner and as a subprocess."""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from dockerlint.cli import cli

from .conftest import CORPUS, SEED, corpus_files, needs_corpus, needs_seed

APT = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD [\"curl\"]\n"
CLEAN = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nCMD [\"curl\"]\n"


def run(*args, input=None):
    r = CliRunner().invoke(cli, list(args), input=input)
    return r.exit_code, r.output, getattr(r, "stderr", "")


def proc(*args, input=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "dockerlint", *args], input=input, capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "NO_COLOR": "1"})


def test_findings_exit_1_text_format(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(APT)
    code, out, _ = run(str(p))
    assert code == 1
    assert out.startswith(f"{p}:2:5: DKL201 `apt-get update` writes apt")
    assert "2 | RUN apt-get update" in out and "= fix: Append" in out
    assert "Found 1 problem (1 warning) in 1 file." in out


def test_clean_file_exit_0(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(CLEAN)
    assert run(str(p))[:2] == (0, "All checks passed!\n")


def test_json_output_parses(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(APT)
    code, out, _ = run("--format", "json", str(p))
    doc = json.loads(out)
    (f,) = doc["findings"]
    assert code == 1
    assert {k: f[k] for k in ("code", "name", "severity", "line", "column", "end_line", "end_column")} == {
        "code": "DKL201", "name": "apt-lists-not-cleaned", "severity": "warning", "line": 2, "column": 5,
        "end_line": 2, "end_column": 19}
    assert f["fix"]["safety"] == "safe" and f["fix"]["edits"][0]["text"] == " && rm -rf /var/lib/apt/lists/*"


def test_stdin_gives_the_same_result(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(APT)
    a = json.loads(run("--format", "json", str(p))[1])["findings"]
    b = json.loads(run("--format", "json", "--stdin-filename", str(p), "-", input=APT)[1])["findings"]
    assert a == b


def test_missing_file_exit_2_one_line():
    r = proc("/nonexistent/Dockerfile")
    assert r.returncode == 2
    assert r.stderr == "dockerlint: error: /nonexistent/Dockerfile: no such file or directory\n"


@pytest.mark.parametrize("content,needle", [
    (b"\x7fELF\x00\x00\x01", "binary file"),
    (b"FROM a\nRUN echo \xff\xfe\n", "not UTF-8"),
])
def test_binary_and_non_utf8_exit_2_without_traceback(tmp_path, content, needle):
    p = tmp_path / "Dockerfile"
    p.write_bytes(content)
    r = proc(str(p))
    assert r.returncode == 2 and needle in r.stderr and "Traceback" not in r.stderr


def test_empty_file_is_a_syntax_finding(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("")
    r = proc(str(p))
    assert r.returncode == 1 and "DKL001 file with no instructions" in r.stdout and not r.stderr


def test_crlf_and_bom(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"\xef\xbb\xbf" + APT.replace("\n", "\r\n").encode())
    r = proc("--format", "json", str(p))
    assert r.returncode == 1 and [f["line"] for f in json.loads(r.stdout)["findings"]] == [2]


def test_one_bad_file_does_not_hide_others(tmp_path):
    good = tmp_path / "Dockerfile"
    good.write_text(APT)
    r = proc(str(tmp_path / "missing"), str(good))
    assert r.returncode == 2 and "DKL201" in r.stdout and "missing: no such file" in r.stderr


def test_directory_discovery(tmp_path):
    for name in ["Dockerfile", "app.Dockerfile", "Dockerfile.dev", "Dockerfile-single", "Containerfile",
                 "notes.txt", ".git/Dockerfile", "node_modules/x/Dockerfile"]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(APT)
    doc = json.loads(proc("--format", "json", str(tmp_path)).stdout)
    found = sorted(os.path.basename(f["path"]) for f in doc["findings"])
    assert found == ["Containerfile", "Dockerfile", "Dockerfile-single", "Dockerfile.dev", "app.Dockerfile"]


def test_directory_without_dockerfiles(tmp_path):
    r = proc(str(tmp_path))
    assert r.returncode == 2 and "no Dockerfiles found" in r.stderr


def test_select_ignore_by_code_name_prefix_and_unknown(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(APT)
    assert run("--ignore", "apt-lists-not-cleaned", str(p))[0] == 0
    assert run("--ignore", "DKL2", str(p))[0] == 0
    assert run("--select", "DKL101", str(p))[0] == 0
    code, out, _ = run("--select", "DKL999", str(p))
    assert code == 2 and "unknown rule 'DKL999'" in out


def test_fail_level(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(APT)
    assert run("--fail-level", "error", str(p))[0] == 0
    assert run("--fail-level", "warning", str(p))[0] == 1


def test_list_rules_and_explain():
    code, out, _ = run("--list-rules")
    assert code == 0 and out.splitlines()[2].split()[:3] == ["DKL101", "single-stage-build", "warning"]
    code, out, _ = run("--explain", "apt-lists-not-cleaned")
    assert code == 0 and out.startswith("# DKL201 apt-lists-not-cleaned") and "## Why is this bad?" in out
    assert run("--explain", "nope")[0] == 2


def test_bad_option_exit_2():
    assert proc("--format", "xml", "x").returncode == 2


def test_no_color_and_forced_color(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(APT)
    assert "\x1b[" not in proc(str(p)).stdout
    assert "\x1b[" in proc("--color", "always", str(p)).stdout


def test_fix_writes_atomically_keeping_mode_and_crlf(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_bytes(APT.replace("\n", "\r\n").encode())
    os.chmod(p, 0o640)
    r = proc("--fix", str(p))
    assert r.returncode == 0, r.stderr
    data = p.read_bytes()
    assert b"&& rm -rf /var/lib/apt/lists/*\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    assert oct(os.stat(p).st_mode & 0o777) == "0o640"
    assert sorted(os.listdir(tmp_path)) == ["Dockerfile"]


def test_diff_does_not_write(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(APT)
    r = proc("--diff", str(p))
    assert r.returncode == 1 and "+RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf" in r.stdout
    assert p.read_text() == APT


@needs_seed
def test_seed_single_golang_as_a_user_runs_it():
    r = proc(str(SEED / "Dockerfile-single-golang"))
    assert r.returncode == 1 and "DKL101" in r.stdout and "DKL201" in r.stdout
    r = proc("--diff", "--unsafe-fixes", str(SEED / "Dockerfile-single-golang"))
    assert "+FROM scratch" in r.stdout and "+COPY --from=build /app/hello-world-go ." in r.stdout


@needs_corpus
def test_whole_corpus_in_one_run():
    files = [str(p) for p in corpus_files()]
    r = proc("--format", "json", *files)
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["files"] == len(files) and doc["errors"] == []
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("line, col, moved", [
    (1, 1, (1, 1)),  # before every edit
    (1, 9, (1, 13)),  # after the insertion at column 5 ("abc " is 4 long)
    (1, 12, None),  # inside the replaced columns 10-12
    (1, 14, (1, 17)),  # after them: "XY" takes the place of "et " (-1), "abc " before (+4)
    (2, 3, (3, 3)),  # the next line, pushed down by the inserted line
])
def test_moved_position_maps_through_edits(line, col, moved):
    from dockerlint.findings import Edit
    from dockerlint.fix import apply_edits, moved_positions
    from dockerlint.spans import Span

    lines = ["RUN apt-get rep install", "RUN x"]
    edits = [Edit(Span(1, 5, 1, 5), "abc "), Edit(Span(1, 10, 1, 13), "XY"), Edit(Span(1, 24, 1, 24), "\nNEW")]
    assert apply_edits(lines, edits) == "RUN abc apt-gXYrep install\nNEW\nRUN x"
    assert moved_positions(lines, edits, [(line, col)]) == [moved]
