"""Text, JSON and --statistics reporters.  SARIF and GitHub formats live in their own modules."""

from __future__ import annotations

import os
from collections.abc import Iterable

from .engine import FileResult
from .findings import Finding
from .records import Value, setfield, asdict
from .spans import Span

_SEV_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


def finding_dict(f: Finding) -> dict:
    fix = None
    if f.how_to_fix:
        fix = {
            "title": f.how_to_fix,
            "safety": f.fix.safety if f.fix else "display-only",
            "edits": [
                {"line": e.span.line, "column": e.span.column, "end_line": e.span.end_line,
                 "end_column": e.span.end_column, "text": e.text}
                for e in (f.fix.edits if f.fix else ())
            ],
            "rewrite": f.fix.rewrite if f.fix else None,
        }
    return {
        "code": f.code, "name": f.name, "severity": f.severity, "message": f.message,
        "path": f.path, "line": f.span.line, "column": f.span.column,
        "end_line": f.span.end_line, "end_column": f.span.end_column,
        "suppressed": f.suppressed, "suppress_reason": f.suppress_reason, "fix": fix, "size_mb": f.size_mb,
        "related": [{"line": r.line, "column": r.column, "end_line": r.end_line, "end_column": r.end_column}
                    for r in f.related],
    }


def relative_path(path: str, cwd: str | None = None) -> str | None:
    """path relative to the working directory with forward slashes; None when it lies outside."""
    cwd = cwd or os.getcwd()
    try:
        rel = os.path.relpath(os.path.abspath(path), cwd)
    except ValueError:  # another drive on Windows
        return None
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return rel.replace(os.sep, "/")


def visible_region(span: Span) -> tuple[int, int, int, int]:
    """1-based (line, column, end line, end column), at least one character wide: viewers
    (GitHub's included) drop or misplace an empty region."""
    line, col = max(span.line, 1), max(span.column, 1)
    end_line, end_col = max(span.end_line, line), max(span.end_column, 1)
    if end_line == line and end_col <= col:
        end_col = col + 1
    return line, col, end_line, end_col


def render_json(results: Iterable[FileResult], errors: list[str]) -> str:
    """The JSON report: {"version": 1, "findings": [finding_dict...], "errors": [...], "files": n},
    indented by 2 (JsonReport gives the same bytes a file at a time)."""
    report = JsonReport()
    return "".join([report.begin(), *(report.file(r) for r in results), report.end(errors)])


class JsonReport:
    """render_json's document written as the results come (a run over 100,000 files need not
    keep them): begin(), then file(result) for each file in order, then end(errors); the
    pieces joined are json.dumps(doc, indent=2, ensure_ascii=False) + newline, byte for byte.
    Keeps only the count of files."""

    __slots__ = ("_files", "_findings")

    def __init__(self) -> None:
        self._files = self._findings = 0

    def begin(self) -> str:
        return '{\n  "version": 1,\n  "findings": ['

    def file(self, r: FileResult) -> str:
        import json  # noqa: PLC0415 - here, not at import: json is 3 ms of a one-file run

        self._files += 1
        out = []
        for f in r.findings:
            # a finding is an element of a list two levels down: json.dumps indents it by 4 more
            # (a JSON string never holds a raw newline, so every newline is the layout's)
            out.append(("\n    " if not self._findings else ",\n    ")
                       + json.dumps(finding_dict(f), indent=2, ensure_ascii=False).replace("\n", "\n    "))
            self._findings += 1
        return "".join(out)

    def end(self, errors: list[str]) -> str:
        import json  # noqa: PLC0415 - here, not at import: json is 3 ms of a one-file run
        errs = json.dumps(errors, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        return (("\n  ]" if self._findings else "]")
                + f',\n  "errors": {errs},\n  "files": {self._files}\n}}\n')


def fix_applies(f: Finding, unsafe: bool) -> bool:
    """Whether --fix would apply this finding's fix: it has edits or a rewrite, the finding
    is not suppressed, and the fix is safe (or unsafe fixes are on for its file)."""
    fix = f.fix
    return (fix is not None and not f.suppressed and bool(fix.edits or fix.rewrite is not None)
            and (fix.safety == "safe" or unsafe))


def _unsafe_on(r: FileResult) -> bool:
    return bool(getattr(r.settings, "unsafe_fixes", False))


def fixable_counts(results: Iterable[FileResult]) -> tuple[int, int]:
    """(findings --fix would fix, more that --unsafe-fixes would add), over every file with
    its own settings (a configuration with `unsafe-fixes = true` makes --fix apply them)."""
    now = more = 0
    for r in results:
        unsafe = _unsafe_on(r)
        for f in r.findings:
            if fix_applies(f, unsafe):
                now += 1
            elif fix_applies(f, True):
                more += 1
    return now, more


class Tally:
    """What summary_lines counts, a file at a time: unsuppressed findings by severity, files
    with any, and the findings --fix (and --unsafe-fixes) would fix under each file's settings."""

    __slots__ = ("count", "files", "now", "more")

    def __init__(self) -> None:
        self.count = {"error": 0, "warning": 0, "info": 0}
        self.files = self.now = self.more = 0

    def add(self, r: FileResult) -> None:
        count = self.count
        shown = False
        for f in r.findings:
            if not f.suppressed:
                shown = True
                count[f.severity] = count.get(f.severity, 0) + 1
        self.files += shown
        now, more = fixable_counts((r,))
        self.now += now
        self.more += more

    def lines(self) -> list[str]:
        return _summary(self)


def summary_lines(results: list[FileResult]) -> list[str]:
    """The closing lines of the text output: problems found, and how many --fix would fix."""
    tally = Tally()
    for r in results:
        tally.add(r)
    return tally.lines()


def _summary(tally: Tally) -> list[str]:
    count, nfiles = tally.count, tally.files
    total = sum(count.values())
    if not total:
        return []
    parts = [f"{n} {k}{'s' if n != 1 else ''}" for k, n in count.items() if n]
    out = [f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) "
           f"in {nfiles} file{'s' if nfiles != 1 else ''}."]
    now, more = tally.now, tally.more
    if now:
        out.append(f"{now} fixable with `--fix`" + (f" ({more} more with `--unsafe-fixes`)" if more else "") + ".")
    elif more:
        # ruff's wording when only unsafe fixes exist: "0 fixable" reads as "nothing to do"
        out.append(f"No fixes with `--fix`; {more} with `--unsafe-fixes`.")
    return out


CLEAN = "All checks passed!"


def render_text(results: Iterable[FileResult], color: bool, show_source: bool = True, errors=()) -> str:
    """Each unsuppressed finding with its source line and fix, then summary_lines; a run with
    neither findings nor errors prints CLEAN.  (TextReport gives the same text a file at a time.)"""
    report = TextReport(color, show_source)
    return "".join([*(report.file(r) for r in results), report.end(errors)])


class TextReport:
    """render_text written as the results come: file(result) for each file in order gives its
    findings' lines, end(errors) the summary (or CLEAN); the pieces joined are render_text's
    text.  Keeps only the counts the summary needs (a Tally), not the results."""

    __slots__ = ("color", "show_source", "tally", "_printed")

    def __init__(self, color: bool, show_source: bool = True) -> None:
        self.color, self.show_source = color, show_source
        self.tally = Tally()
        self._printed = False

    def _style(self, s: str, **kw) -> str:
        if not self.color:
            return s
        import click  # only for colour: a plain run need not import click (issue 12)

        return click.style(s, **kw)

    def file(self, r: FileResult) -> str:
        self.tally.add(r)
        style, show_source = self._style, self.show_source
        out: list[str] = []
        lines = r.parsed.lines if r.parsed else []
        for f in r.findings:
            if f.suppressed:
                continue
            head = (f"{style(f.path, bold=True)}:{f.line}:{f.column}: "
                    f"{style(f.code, fg=_SEV_COLOR.get(f.severity), bold=True)} "
                    f"{f.message} {style('[' + f.name + ']', dim=True)}")
            out.append(head)
            if show_source and 0 < f.line <= len(lines):
                src = lines[f.line - 1].replace("\t", " ")
                gutter = str(f.line)
                pad = " " * len(gutter)
                start = max(f.column - 1, 0)
                end = f.span.end_column - 1 if f.span.end_line == f.line else len(src)
                width = max(1, min(end, len(src)) - start)
                if len(src) > 200:
                    src = src[:200] + "…"
                    width = max(1, min(width, 200 - start))
                out.append(f"{pad} |")
                out.append(f"{gutter} | {src}")
                out.append(f"{pad} | {' ' * start}{style('^' * width, fg=_SEV_COLOR.get(f.severity))}")
            if f.fix is not None:
                tag = "" if f.fix.safety == "safe" else " (unsafe: needs --unsafe-fixes)"
                out.append(f"  = fix: {f.fix.title}{tag}")
            elif f.suggestion:
                out.append(f"  = help: {f.suggestion}")
            if show_source:
                out.append("")
        if not out:
            return ""
        self._printed = True
        return "\n".join(out) + "\n"

    def end(self, errors=()) -> str:
        out = self.tally.lines()
        if not out and not self._printed and not errors:
            out.append(CLEAN)
        return "".join(line + "\n" for line in out)


class Statistic(Value):
    """One rule's row of --statistics: how many unsuppressed findings it has, whether --fix
    would fix any of them (under each file's settings), and how many MB fixing them would save
    (the sum of the findings' size_mb where known, None when none of them has one).  A column
    is a field here and an entry in STATISTIC_COLUMNS."""

    count: int
    code: str
    name: str
    fixable: bool
    megabytes: float | None

    __slots__ = _fields = ("count", "code", "name", "fixable", "megabytes")

    def __init__(self, count: int, code: str, name: str, fixable: bool,
                 megabytes: float | None = None) -> None:
        setfield(self, "count", count)
        setfield(self, "code", code)
        setfield(self, "name", name)
        setfield(self, "fixable", fixable)
        setfield(self, "megabytes", megabytes)


# (field, how the text table aligns it): ruff's (and flake8's) --statistics layout, then the
# megabytes column (shown when some row has a size).
STATISTIC_COLUMNS = (("count", ">"), ("code", "<"), ("name", ""), ("megabytes", ">"))


def statistics(results: Iterable[FileResult]) -> list[Statistic]:
    """One Statistic per rule with findings, most findings first, then by code."""
    rows: dict[str, list] = {}
    for r in results:
        unsafe = _unsafe_on(r)
        for f in r.findings:
            if f.suppressed:
                continue
            row = rows.setdefault(f.code, [0, f.name, False, None])
            row[0] += 1
            row[2] = row[2] or fix_applies(f, unsafe)
            if f.size_mb is not None:
                row[3] = (row[3] or 0.0) + f.size_mb
    out = [Statistic(n, code, name, fixable, None if mb is None else round(mb, 1))
           for code, (n, name, fixable, mb) in rows.items()]
    return sorted(out, key=lambda s: (-s.count, s.code))


def megabytes_text(mb: float | None) -> str:
    """`40 MB`, `2.5 MB`; "" when unknown."""
    if mb is None:
        return ""
    return (f"{mb:.0f}" if mb >= 10 else f"{mb:.1f}".rstrip("0").rstrip(".")) + " MB"


def saved_line(rows: list[Statistic]) -> str | None:
    """The closing total: `About N MB could be saved.` over the rows whose size is known."""
    known = [s.megabytes for s in rows if s.megabytes is not None]
    if not known:
        return None
    return f"About {megabytes_text(sum(known))} could be saved (findings whose size is known)."


def render_statistics(results: Iterable[FileResult], errors, fmt: str, color: bool = False) -> str:
    """--statistics: a tab-separated table (count, code, `[*]` when fixable, name, and the
    megabytes at stake when some rule knows them), the summary lines and the total that could
    be saved as text, or a JSON list of {count, code, name, fixable, megabytes}."""
    results = list(results)
    rows = statistics(results)
    if fmt == "json":
        import json  # noqa: PLC0415 - here, not at import: json is 3 ms of a one-file run
        return json.dumps([asdict(s) for s in rows], indent=2) + "\n"
    import click

    out = []
    if rows:
        any_fixable = any(s.fixable for s in rows)
        columns = [(c, a) for c, a in STATISTIC_COLUMNS
                   if c != "megabytes" or any(s.megabytes is not None for s in rows)]
        table = []
        for s in rows:
            cells = {}
            for c, _align in columns:
                v = megabytes_text(s.megabytes) if c == "megabytes" else str(getattr(s, c))
                if c == "name" and any_fixable:
                    v = ("[*] " if s.fixable else "[ ] ") + v
                cells[c] = v
            table.append((s, cells))
        widths = {c: max(len(cells[c]) for _s, cells in table) for c, _ in columns}
        for s, cells in table:
            line = []
            for k, (c, align) in enumerate(columns):
                v = cells[c]
                last = k == len(columns) - 1
                text = v if last and not align else f"{v:{align or '<'}{widths[c]}}"
                if c == "name" and any_fixable and color and s.fixable:
                    text = text.replace("[*]", f"[{click.style('*', fg='cyan')}]", 1)
                line.append(text)
            out.append("\t".join(line).rstrip())
    out.extend(summary_lines(results))
    saved = saved_line(rows)
    if saved:
        out.append(saved)
    if not out and not errors:
        out.append(CLEAN)
    return "\n".join(out) + "\n"
