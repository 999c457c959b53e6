"""The text and JSON reports are written a file at a time (issue 12: 100,000 files in bounded
memory): the same bytes as a report built from every result, and no result kept."""

from __future__ import annotations

import gc
import json
import tracemalloc
import weakref

import pytest
from click.testing import CliRunner

from dockerlint import report, runner
from dockerlint.cli import cli
from dockerlint.report import render_json, render_text

APT = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD [\"curl\"]\n"
GO = "FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n"
CLEAN = "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n"
SUPPRESSED = APT.replace("RUN", "# dockerlint ignore=DKL201\nRUN")  # its one finding, suppressed
TEXTS = [APT, GO, CLEAN, "FROM\n", SUPPRESSED, APT.replace("curl", "gcc")]


def _tree(root, n: int, texts=TEXTS):
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        d = root / f"d{i % 5}"
        d.mkdir(exist_ok=True)
        (d / f"{i:04d}.Dockerfile").write_text(texts[i % len(texts)])
    return str(root)


def _cli(*args):
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.stderr


def _buffered(root: str, fmt: str, jobs: int = 1) -> tuple[str, list[str]]:
    """The report as render() builds it from every result at once."""
    errors: list[str] = []
    results = runner.lint_paths([root], runner.Options(fmt=fmt, jobs=jobs), errors)
    if fmt == "json":
        return render_json(results, errors), errors
    return render_text(results, False, errors=errors), errors


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_streamed_report_is_the_buffered_one(tmp_path, fmt, jobs):
    root = _tree(tmp_path, 130)
    (tmp_path / "d0" / "bin.Dockerfile").write_bytes(b"\x00\x01binary")  # an error mid-run
    expected, errors = _buffered(root, fmt)
    code, out, err = _cli("-j", jobs, "--format", fmt, "--color", "never", root)
    assert out == expected
    assert code == 2 and errors and err == "".join(f"dockerlint: error: {e}\n" for e in errors)
    if fmt == "json":
        doc = json.loads(out)
        assert doc["files"] == 130 and len(doc["findings"]) > 100
    else:
        assert out.count("\n  = fix: ") > 10 and out.rstrip().endswith("with `--unsafe-fixes`).")
    # and to a file: the same bytes
    dest = tmp_path / "report.out"
    assert _cli("-j", jobs, "--format", fmt, "-o", str(dest), root)[0] == 2
    assert dest.read_text(encoding="utf-8") == expected


def test_streamed_report_edges(tmp_path):
    # no findings at all: the text report says so, JSON has empty lists
    root = _tree(tmp_path / "clean", 3, [CLEAN])
    assert _cli(root) == (0, "All checks passed!\n", "")
    code, out, _ = _cli("--format", "json", root)
    assert code == 0 and out == _buffered(root, "json")[0]
    assert out == '{\n  "version": 1,\n  "findings": [],\n  "errors": [],\n  "files": 3\n}\n'
    # only suppressed findings: the clean line too (JSON lists them, marked suppressed)
    root = _tree(tmp_path / "sup", 2, [SUPPRESSED])
    assert [f["suppressed"] for f in json.loads(_cli("--format", "json", root)[1])["findings"]] == [True, True]
    assert _cli(root) == (0, "All checks passed!\n", "") and _buffered(root, "text")[0] == "All checks passed!\n"
    # an error and no findings: no clean line
    (tmp_path / "sup" / "bin.Dockerfile").write_bytes(b"\x00")
    code, out, err = _cli(root)
    assert (code, out) == (2, "") and "bin.Dockerfile: binary file" in err


def _max_live_results(monkeypatch, root: str, fmt: str, jobs: int) -> int:
    """The most results alive at once while the report is written (each result the reporter
    is handed is watched through a weak reference)."""
    refs: list[weakref.ref] = []
    most = [0]
    cls = report.JsonReport if fmt == "json" else report.TextReport
    real = cls.file

    def file(self, r):
        refs.append(weakref.ref(r))
        most[0] = max(most[0], sum(1 for w in refs if w() is not None))
        return real(self, r)

    monkeypatch.setattr(cls, "file", file)
    was = gc.isenabled()
    gc.disable()  # as a real run (dockerlint.__main__): results must be freed by reference counting
    try:
        code, out, _ = _cli("-j", str(jobs), "--format", fmt, "--exit-zero", root)
    finally:
        if was:
            gc.enable()
    assert code == 0 and out
    return most[0]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_parent_keeps_no_result(tmp_path, monkeypatch, fmt):
    small = _tree(tmp_path / "a", 40)
    big = _tree(tmp_path / "b", 160)
    # serially, the result being reported is the only one alive
    assert _max_live_results(monkeypatch, small, fmt, 1) <= 2
    assert _max_live_results(monkeypatch, big, fmt, 1) <= 2
    # with workers, at most the chunks handed back and not yet reported (a few of MAX_CHUNK)
    assert _max_live_results(monkeypatch, big, fmt, 2) <= 3 * runner.MAX_CHUNK < 160 * 2


def _peak_kib(root: str, fmt: str) -> float:
    """Peak traced memory of a run whose report goes to the null device (the report itself,
    captured, would grow with the files), with the cyclic GC off as in a real run; the files
    are linted by two workers, so what is traced is what the reporting process keeps."""
    import os

    was = gc.isenabled()
    gc.disable()
    tracemalloc.start()
    try:
        code = CliRunner().invoke(cli, ["-j", "2", "--exit-zero", "--format", fmt, "-o", os.devnull, root]).exit_code
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()
        if was:
            gc.enable()
        assert code == 0


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_memory_does_not_grow_with_the_number_of_files(tmp_path, monkeypatch, fmt):
    # 200 and 800 findings-heavy files: a run that kept every result needs about 4x the memory
    # for 4x the files (measured: 3.9x), and so does one that leaves a reference cycle per
    # finding with the GC off (json.dumps with an indent does: 3.3x); a streamed one ~1.0x.
    texts = [APT + "".join(f"RUN apt-get install -y pkg{k}\n" for k in range(20))]
    n = _tree(tmp_path / "n", 200, texts)
    n4 = _tree(tmp_path / "n4", 800, texts)
    monkeypatch.setattr(runner, "MAX_CHUNK", 8)  # the same chunks for both runs (what is in flight)
    _peak_kib(n, fmt)  # warm: tables and rule modules load once per process
    one, four = _peak_kib(n, fmt), _peak_kib(n4, fmt)
    assert four < 1.6 * one, (one, four)
