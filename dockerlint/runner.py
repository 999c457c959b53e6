"""One run of the linter over many files: collect, lint, report, decide the exit status."""

from __future__ import annotations

import gc
import os
import sys

from .discover import describe, display_path, find_dockerfiles
from .engine import FileResult, lint_bytes
from .records import Mutable

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class Problem(str):
    """One error line of a run (`path: what went wrong`) that also knows the file it is
    about (None: no file), so that `--format github` can place it."""

    path: str | None

    def __new__(cls, text: str, path: str | None = None):
        obj = super().__new__(cls, text)
        obj.path = path
        return obj


class Options(Mutable):
    # None means "not given on the command line": the file's configuration decides.
    select: set[str] | None
    ignore: set[str] | None
    target: str | None
    fail_level: str | None
    fmt: str
    output: str | None
    diff: bool
    fix: bool
    unsafe_fixes: bool | None
    stdin_filename: str | None
    color: bool
    config: str | None  # --config FILE: this file for every linted file
    isolated: bool  # --isolated: no configuration file at all
    jobs: int  # the CLI's default is one per CPU
    exit_zero: bool  # --exit-zero: findings do not make the exit status 1 (errors still make it 2)
    statistics: bool  # --statistics: a count per rule instead of the findings

    _fields = ("select", "ignore", "target", "fail_level", "fmt", "output", "diff", "fix",
               "unsafe_fixes", "stdin_filename", "color", "config", "isolated", "jobs", "exit_zero",
               "statistics")

    def __init__(self, select: set[str] | None = None, ignore: set[str] | None = None,
                 target: str | None = None, fail_level: str | None = None, fmt: str = "text",
                 output: str | None = None, diff: bool = False, fix: bool = False,
                 unsafe_fixes: bool | None = None, stdin_filename: str | None = None,
                 color: bool = False, config: str | None = None, isolated: bool = False,
                 jobs: int = 1, exit_zero: bool = False, statistics: bool = False) -> None:
        self.select = select
        self.ignore = ignore
        self.target = target
        self.fail_level = fail_level
        self.fmt = fmt
        self.output = output
        self.diff = diff
        self.fix = fix
        self.unsafe_fixes = unsafe_fixes
        self.stdin_filename = stdin_filename
        self.color = color
        self.config = config
        self.isolated = isolated
        self.jobs = jobs
        self.exit_zero = exit_zero
        self.statistics = statistics


def collect(paths: list[str], errors: list[str]) -> list[str]:
    """Files to lint, in the order given, each once, as written but without a leading `./`.

    A file named on the command line is linted whatever its name; a directory expands to
    the Dockerfiles found below it (discover.find_dockerfiles).  Problems go to errors.
    """
    if not paths:
        paths = ["."]
    out: list[str] = []
    seen: set[str] = set()
    for p in paths:
        if p == "-":
            out.append(p)
            continue
        shown = display_path(p)
        if os.path.isdir(p):
            found = find_dockerfiles(p)
            if not found:
                errors.append(Problem(f"{shown}: no Dockerfiles found in this directory ({describe()})"))
            for f in found:
                if f not in seen:
                    seen.add(f)
                    out.append(f)
        elif os.path.exists(p):
            if shown not in seen:
                seen.add(shown)
                out.append(shown)
        else:
            errors.append(Problem(f"{shown}: no such file or directory", shown))
    return out


def read_input(path: str, stdin_name: str | None) -> tuple[str, bytes | None, str | None]:
    """(display path, bytes or None, error)."""
    if path == "-":
        return stdin_name or "-", sys.stdin.buffer.read(), None
    try:
        with open(path, "rb") as fh:
            return path, fh.read(), None
    except IsADirectoryError:
        return path, None, Problem(f"{path}: is a directory", path)
    except PermissionError:
        return path, None, Problem(f"{path}: permission denied", path)
    except OSError as e:
        return path, None, Problem(f"{path}: cannot read: {e.strerror or e}", path)


def _lint_one(p: str, opts: Options) -> tuple[FileResult | None, list[str]]:
    """One file: its result (None when it could not be linted) and its error lines, in order."""
    from .config import ConfigError, settings_for

    errors: list[str] = []
    try:
        settings = settings_for(opts.stdin_filename if p == "-" and opts.stdin_filename else p, opts)
    except ConfigError as e:
        # the files this configuration governs are not linted: a broken config must not
        # pass silently with defaults; the caller says it once, exit 2
        return None, [Problem(str(e), e.path)]
    name, data, err = read_input(p, opts.stdin_filename)
    if err:
        return None, [err]
    res = lint_bytes(data, name, select=settings.select, ignore=settings.ignored_for(name), target=settings.target)
    if res.error:
        return None, [Problem(res.error, name)]
    res.settings = settings
    if res.model is not None and res.model.target_missing:
        where = "--target" if opts.target else f"target in {settings.source}"
        errors.append(Problem(f"{name}: {where} {settings.target!r}: no such stage; linted the last stage instead",
                              name))
    errors.extend(Problem(e, name) for e in res.internal_errors)
    return res, errors


class _SourceLines:
    """The lines of a file the text report shows (the first line of each finding), with the
    file's line count: a sequence that answers "" for any other line. Keeping all lines of every
    file of a 100,000-file run costs hundreds of MB for snippets nobody prints."""

    __slots__ = ("_kept", "_n")

    def __init__(self, lines: list[str], findings) -> None:
        self._n = len(lines)
        self._kept = {f.line - 1: lines[f.line - 1] for f in findings if 0 < f.line <= len(lines)}

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> str:
        return self._kept.get(i if i >= 0 else self._n + i, "")


class _Lines:
    """What reporters read of a parse (``.lines``), kept instead of the whole parse."""

    __slots__ = ("lines",)

    def __init__(self, lines) -> None:
        self.lines = lines


def _slim(res: FileResult) -> None:
    """Drop what only linting needed: the model and parse hold tree-sitter objects and reference
    cycles, cost more to pickle than to rebuild, and a bulk run would keep one per file."""
    if res.model is not None:
        res.model.release()
    res.model, res.parsed = None, _Lines(_SourceLines(res.parsed.lines, res.findings))
    if not any(f.fix is not None and f.fix.rewrite is not None for f in res.findings):
        res.text = None  # SARIF reads it only to replace the whole file with a rewrite


# With the cyclic GC off (dockerlint.__main__, for start-up), every model is a reference cycle
# that nothing frees: collect the young generations every so many files, which finds the last
# files' models and leaves the survivors (earlier results) alone. 100,000 files without it: 6 GB.
_COLLECT_EVERY = 64


def _collect(k: int) -> None:
    if k % _COLLECT_EVERY == _COLLECT_EVERY - 1 and not gc.isenabled():
        gc.collect(1)


def _lint_chunk(args) -> list[tuple[FileResult | None, list[str]]]:
    paths, opts = args
    out = []
    for k, p in enumerate(paths):
        res, errs = _lint_one(p, opts)
        if res is not None:
            _slim(res)
        out.append((res, errs))
        _collect(k)
    return out


def _serial(files: list[str], opts: Options):
    keep = opts.fix or opts.diff  # the fixer lints again from the parse
    for k, p in enumerate(files):
        res, errs = _lint_one(p, opts)
        if res is not None and not keep:
            _slim(res)
        yield res, errs
        _collect(k)


# Below this many files a pool costs more to start than it saves.
MIN_FILES_PER_JOB = 20
# The most files a worker lints before it hands their results back: what a worker and the
# parent hold at once grows with it (a chunk of a 100,000-file run was 12,500 files).
MAX_CHUNK = 64


def lint_results(paths: list[str], opts: Options, errors: list[str]):
    """The files' results (FileResult, slimmed unless --fix or --diff), one at a time in the
    order of collect(paths), as they are ready; their error lines are added to errors as they
    come (each distinct line once: a broken configuration is said once, not per file)."""
    from .config import clear_cache

    clear_cache()  # each run reads the configuration afresh (one process may run several: tests, editors)
    files = collect(paths, errors)
    jobs = min(opts.jobs, len(files) // MIN_FILES_PER_JOB)
    if jobs > 1 and not (opts.fix or opts.diff) and "-" not in files:
        outcomes = _parallel(files, opts, jobs)
    else:
        outcomes = _serial(files, opts)
    for res, errs in outcomes:
        for e in errs:
            if e not in errors:
                errors.append(e)
        if res is not None:
            yield res


def lint_paths(paths: list[str], opts: Options, errors: list[str]) -> list[FileResult]:
    """Every result of lint_results, in a list."""
    return list(lint_results(paths, opts, errors))


def _parallel(files: list[str], opts: Options, jobs: int):
    """Lint in worker processes; outcomes come back in the order of `files`, a chunk at a time.

    Where no pool can be had (no /dev/shm, no fork in a sandbox) or it breaks, the files not
    yet handed back are linted here, serially: the same output, only slower.
    """
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from collections import deque

    size = max(1, min(-(-len(files) // (jobs * 4)), MAX_CHUNK))  # a few chunks per worker evens out big files
    chunks = ((files[i:i + size], opts) for i in range(0, len(files), size))
    done = 0
    try:
        pool = ProcessPoolExecutor(max_workers=jobs)
        try:
            # A few chunks in flight per worker, the next submitted as one is taken: where the
            # report is slower than the workers (the parent shares the CPUs with them), finished
            # chunks would otherwise pile up here (pool.map submits them all at once).
            pending = deque(pool.submit(_lint_chunk, c) for _, c in zip(range(jobs * 2), chunks))
            while pending:
                chunk = pending.popleft().result()
                nxt = next(chunks, None)
                if nxt is not None:
                    pending.append(pool.submit(_lint_chunk, nxt))
                done += len(chunk)
                chunk.reverse()
                while chunk:
                    yield chunk.pop()  # the parent keeps no outcome it has handed on
        finally:
            # on an error or an early stop, what has not started is not linted for nothing
            pool.shutdown(wait=True, cancel_futures=True)
    except (OSError, BrokenProcessPool, NotImplementedError):
        yield from _serial(files[done:], opts)


def _streams(opts: Options) -> bool:
    """Whether the report is written a file at a time (the text and JSON reports; SARIF, GitHub
    and --statistics are built from every result at the end, and --fix/--diff need them all)."""
    return opts.fmt in ("text", "json") and not (opts.statistics or opts.fix or opts.diff)


def run(paths: list[str], opts: Options) -> int:
    """Lint, report, and return the exit status: 0 nothing at or above the failure level
    (or --exit-zero), 1 findings (or, with --diff, a diff), 2 any error of the run."""
    errors: list[str] = []
    if _streams(opts):
        failing = _run_streaming(paths, opts, errors)
    else:
        failing = _run_buffered(paths, opts, errors)
    for e in errors:
        echo(f"dockerlint: error: {e}\n", err=True)
    if errors:
        return 2
    if opts.exit_zero:
        return 0
    return failing


def _fails(r: FileResult) -> bool:
    # each file has its own fail-level: its configuration's, unless the command line gave one
    level = SEVERITY_RANK[r.settings.fail_level]
    return any(SEVERITY_RANK.get(f.severity, 0) >= level and not f.suppressed for f in r.findings)


def _run_buffered(paths: list[str], opts: Options, errors: list[str]) -> int:
    """Lint every file, then report: the status without errors or --exit-zero."""
    results = lint_paths(paths, opts, errors)
    fixed_status = None
    if opts.diff or opts.fix:
        from .fix import apply_fixes

        fixed_status = apply_fixes(results, opts, errors)
    report = render(results, errors, opts)
    if opts.output:
        _write_output(opts.output, [report], errors)
    elif report and not (opts.diff and opts.fmt == "text"):
        echo(report, color=opts.color)
    if fixed_status is not None:
        return fixed_status
    return 1 if any(_fails(r) for r in results) else 0


def _run_streaming(paths: list[str], opts: Options, errors: list[str]) -> int:
    """Lint and report a file at a time (render's bytes), keeping no result: the status without
    errors or --exit-zero.  Standard output gets each file's part as it is ready; a report for
    --output is spooled to a temporary file and written to the output at the end, as before."""
    from .report import JsonReport, TextReport

    failing = False
    if opts.fmt == "json":
        report = JsonReport()
        begin = report.begin
    else:
        report = TextReport(opts.color)
        begin = str
    spool = None
    if opts.output:
        import tempfile

        spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        put = spool.write
    else:
        def put(text: str) -> None:
            echo(text, color=opts.color)
    try:
        if text := begin():
            put(text)
        for k, r in enumerate(lint_results(paths, opts, errors)):
            failing = failing or _fails(r)
            if text := report.file(r):
                put(text)
            # json.dumps with an indent leaves a reference cycle per call (the encoder's
            # closures), and the cyclic GC is off: 100,000 files grew this process by 700 MB
            _collect(k)
        if text := report.end(errors):
            put(text)
        if spool is not None:
            spool.seek(0)
            _write_output(opts.output, iter(lambda: spool.read(1 << 16), ""), errors)
    finally:
        if spool is not None:
            spool.close()
    return 1 if failing else 0


def _write_output(path: str, pieces, errors: list[str]) -> None:
    try:
        with open(path, "w", encoding="utf-8") as fh:
            for piece in pieces:
                fh.write(piece)
    except OSError as e:
        errors.append(f"{path}: cannot write the report: {e.strerror or e}")


def echo(text: str, *, err: bool = False, color: bool | None = None) -> None:
    """Write `text` as it is (add the newline yourself) to standard output (standard error with
    `err`) and flush, as click.echo does, so that a run that never imports click writes the same
    bytes: escape sequences are removed unless `color` is True (None: unless the stream is a
    terminal), and a stream misconfigured as ASCII is written as UTF-8 with replacements.
    Nothing is written when the stream is None (pythonw)."""
    stream = sys.stderr if err else sys.stdout
    if stream is None:
        return
    if not text:
        stream.flush()
        return
    if color is None:
        try:
            color = stream.isatty()
        except Exception:  # click.utils.isatty: a stream that cannot tell is no terminal
            color = False
    if not color and "\033" in text:
        import re

        text = re.sub(r"\033\[[0-?]*[ -/]*[@-~]", "", text)  # click._compat._ansi_re
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and _is_ascii(getattr(stream, "encoding", None) or "ascii"):
        # click replaces such a stream with a UTF-8 writer (click._compat._stream_is_misconfigured)
        stream.flush()
        buffer.write(text.encode("utf-8", "replace"))
        buffer.flush()
        return
    stream.write(text)
    stream.flush()


def _is_ascii(encoding: str) -> bool:
    import codecs

    try:
        return codecs.lookup(encoding).name == "ascii"
    except LookupError:
        return False


def render(results: list[FileResult], errors: list[str], opts: Options) -> str:
    """The report in the chosen format; errors are also in it where the format has room."""
    if opts.statistics:
        from .report import render_statistics

        return render_statistics(results, errors, opts.fmt, opts.color)
    if opts.fmt == "json":
        from .report import render_json

        return render_json(results, errors)
    if opts.fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(results, errors)
    if opts.fmt == "github":
        from .github import render_github

        return render_github(results, errors)
    from .report import render_text

    return render_text(results, opts.color, errors=errors)
