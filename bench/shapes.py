#!/usr/bin/env python3
"""Time and memory at size: the file shapes of issue 12, and a run over 100,000 real files.

    python bench/shapes.py shapes [--sizes 1,10]     # each shape at 1 MB and 10 MB
    python bench/shapes.py scale [--files 100000]    # one run over N corpus files

shapes: each shape of tests/shapes.py is written to a temporary file and linted by one
dockerlint process; printed are its CPU time (user + system, from wait4's rusage, so a busy
machine does not inflate it much), wall time and peak memory (max RSS), and the CPU-time
ratio between the largest and the smallest size (linear: the size ratio).

scale: a temporary folder of N symbolic links, under distinct names, to the files of
../shared/corpus and ../shared/corpus-dinosaur (cycled; never copies), linted in one
invocation as a user would (`dockerlint --exit-zero --format json FOLDER`, a worker per CPU).
Printed are files/s and the peak of the *summed* resident memory of dockerlint and its
workers, sampled from /proc every 20 ms.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.shapes import SHAPES, shape  # noqa: E402

MB = 1_000_000


def dockerlint() -> list[str]:
    here = Path(sys.executable).parent / "dockerlint"
    return [str(here)] if here.exists() else [sys.executable, "-m", "dockerlint"]


def _tree_rss_kib(root: int) -> int:
    """Summed VmRSS (KiB) of `root` and its descendants, from /proc (Linux only)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as fh:
                ppid, vm = 0, 0
                for line in fh:
                    if line.startswith("PPid:"):
                        ppid = int(line.split()[1])
                    elif line.startswith("VmRSS:"):
                        vm = int(line.split()[1])
        except OSError:
            continue
        children.setdefault(ppid, []).append(int(d))
        rss[int(d)] = vm
    total, stack = 0, [root]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, ()))
    return total


def measure(cmd: list[str], sample_tree: bool = False) -> tuple[float, float, float, int]:
    """(CPU seconds of the child and its waited-for children, wall seconds, peak KiB, exit status).
    Peak is the child's max RSS, or with sample_tree the largest summed RSS of its process tree."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if sample_tree:
            peak = max(peak, _tree_rss_kib(p.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    # wait4's rusage covers the child; its workers are counted through RUSAGE_CHILDREN below
    cpu = ru.ru_utime + ru.ru_stime
    if not sample_tree:
        peak = ru.ru_maxrss
    return cpu, wall, peak, os.waitstatus_to_exitcode(status)


def run_shapes(sizes: list[float]) -> None:
    print(f"{'shape':8} " + " ".join(f"{f'{s:g} MB: cpu s / wall s / peak MiB':>34}" for s in sizes)
          + "   cpu ratio")
    with tempfile.TemporaryDirectory() as tmp:
        for name in sorted(SHAPES):
            cells, cpus = [], []
            for s in sizes:
                path = os.path.join(tmp, f"{name}-{s:g}.Dockerfile")
                with open(path, "w") as fh:
                    fh.write(shape(name, int(s * MB)))
                cpu, wall, peak, _rc = measure(dockerlint() + ["--exit-zero", "--jobs", "1", path])
                cpus.append(cpu)
                cells.append(f"{cpu:10.2f} / {wall:7.2f} / {peak / 1024:7.0f}")
                os.unlink(path)
            ratio = cpus[-1] / cpus[0] if cpus[0] else float("nan")
            print(f"{name:8} " + " ".join(f"{c:>34}" for c in cells) + f"   {ratio:9.1f}", flush=True)


def run_scale(n: int) -> None:
    shared = REPO.parent / "shared"
    sources = sorted(str(p) for c in ("corpus", "corpus-dinosaur") for p in (shared / c).rglob("*")
                     if p.is_file() and p.name != "SOURCES.tsv")
    if not sources:
        sys.exit(f"no corpus files under {shared}")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            d = os.path.join(tmp, f"{i // 1000:03d}")
            if i % 1000 == 0:
                os.mkdir(d)
            os.symlink(sources[i % len(sources)], os.path.join(d, f"Dockerfile.{i}"))
        cmd = dockerlint() + ["--exit-zero", "--format", "json", tmp]
        cpu, wall, peak, rc = measure(cmd, sample_tree=True)
    print(f"{n} files ({len(sources)} distinct) in {wall:.1f} s wall: {n / wall:.0f} files/s; "
          f"peak memory of all dockerlint processes together {peak / 1024:.0f} MiB; exit {rc}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    s = sub.add_parser("shapes")
    s.add_argument("--sizes", default="1,10", help="sizes in MB, comma-separated [1,10]")
    c = sub.add_parser("scale")
    c.add_argument("--files", type=int, default=100_000)
    args = ap.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "dockerlint")], check=False,
                   stdout=subprocess.DEVNULL)
    if args.what == "shapes":
        run_shapes([float(x) for x in args.sizes.split(",")])
    else:
        run_scale(args.files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
