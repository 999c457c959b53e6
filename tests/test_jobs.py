"""--jobs: several processes, the same output in the same order."""

from __future__ import annotations

import concurrent.futures
import json

from click.testing import CliRunner

from dockerlint.cli import cli

APT = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD [\"curl\"]\n"
GO = "FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n"
CLEAN = "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n"


def _tree(tmp_path, n=90):
    texts = [APT, GO, CLEAN, "FROM\n", APT.replace("curl", "gcc")]
    for i in range(n):
        d = tmp_path / f"d{i % 7}"
        d.mkdir(exist_ok=True)
        (d / f"{i:03d}.Dockerfile").write_text(texts[i % len(texts)])
    (tmp_path / "d0" / "bin.Dockerfile").write_bytes(b"\x00\x01binary")
    return tmp_path


def _run(*args):
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_parallel_output_is_identical_in_every_format(tmp_path):
    root = str(_tree(tmp_path))
    for fmt in ("text", "json", "sarif", "github"):
        serial = _run("-j", "1", "--format", fmt, root)
        parallel = _run("-j", "2", "--format", fmt, root)
        assert serial == parallel, fmt
        assert serial[0] == 2  # the binary file is an input error; the others are still reported
    doc = json.loads(_run("-j", "2", "--format", "json", root)[1])
    paths = [f["path"] for f in doc["findings"]]
    assert paths == sorted(paths, key=lambda p: (p.split("/")[-2], p.split("/")[-1]))
    assert doc["files"] == 90 and "bin.Dockerfile: binary file" in _run("-j", "2", root)[2]


def test_parallel_really_uses_a_pool(tmp_path, monkeypatch):
    used = []
    real = concurrent.futures.ProcessPoolExecutor

    class Spy(real):
        def __init__(self, *a, **k):
            used.append(k.get("max_workers"))
            super().__init__(*a, **k)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    root = str(_tree(tmp_path))
    _run("-j", "2", root)
    assert used == [2]
    _run("-j", "2", str(tmp_path / "d1"))  # 13 files: not worth a pool
    _run("-j", "2", "--diff", root)  # fixes are applied in this process
    assert used == [2]


def test_no_pool_falls_back_to_serial(tmp_path, monkeypatch):
    root = str(_tree(tmp_path))
    expected = _run("-j", "1", "--format", "json", root)

    def broken(*a, **k):
        raise OSError(38, "Function not implemented")  # e.g. no /dev/shm in a sandbox

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", broken)
    assert _run("-j", "2", "--format", "json", root) == expected


def test_jobs_rejects_negative():
    code, _, err = _run("-j", "-1", ".")
    assert code == 2 and "Invalid value for '-j' / '--jobs'" in err



def test_a_worker_does_not_keep_the_models_of_the_files_it_linted(tmp_path):
    # issue 12: with the cyclic GC off for start-up (dockerlint.__main__), every model is a
    # reference cycle; a worker that linted 100,000 files held them all (6 GB). The results it
    # keeps are slim and young cycles are collected every few files.
    import subprocess
    import sys

    f = tmp_path / "Dockerfile"
    f.write_text("FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc\nCOPY . /src\n"
                 "RUN make -C /src\nCMD [\"/src/app\"]\n")
    code = (
        "import gc, sys\n"
        "gc.disable()\n"
        "from dockerlint import runner\n"
        "from dockerlint.model import Stage\n"
        f"out = runner._lint_chunk(([{str(f)!r}] * 300, runner.Options()))\n"
        "alive = sum(1 for o in gc.get_objects() if isinstance(o, Stage))\n"
        "assert len(out) == 300 and all(r.findings for r, _e in out)\n"
        "print(alive)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout) <= 2 * 64, p.stdout  # at most the files since the last collection
