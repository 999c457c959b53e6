"""Text and JSON reporters.  SARIF and GitHub formats live in their own modules."""

from __future__ import annotations

import json
import os
from typing import Iterable

from .engine import FileResult
from .findings import Finding
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
        "suppressed": f.suppressed, "suppress_reason": f.suppress_reason, "fix": fix,
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
    results = list(results)
    doc = {
        "version": 1,
        "findings": [finding_dict(f) for r in results for f in r.findings],
        "errors": errors,
        "files": len(results),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_text(results: Iterable[FileResult], color: bool, show_source: bool = True) -> str:
    import click

    def style(s: str, **kw) -> str:
        return click.style(s, **kw) if color else s

    out: list[str] = []
    count = {"error": 0, "warning": 0, "info": 0}
    nfiles = 0
    for r in results:
        shown = [f for f in r.findings if not f.suppressed]
        if shown:
            nfiles += 1
        lines = r.parsed.lines if r.parsed else []
        for f in shown:
            count[f.severity] = count.get(f.severity, 0) + 1
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
    total = sum(count.values())
    if total:
        parts = [f"{n} {k}{'s' if n != 1 else ''}" for k, n in
                 (("error", count["error"]), ("warning", count["warning"]), ("info", count["info"])) if n]
        out.append(f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) "
                   f"in {nfiles} file{'s' if nfiles != 1 else ''}.")
    return "\n".join(out) + ("\n" if out else "")
