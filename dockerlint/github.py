"""GitHub Actions workflow commands (`--format github`): one annotation per unsuppressed finding.

    ::warning file=Dockerfile,line=5,col=5,endLine=5,endColumn=15,title=DKL201 apt-lists-not-cleaned::MESSAGE

Escaping follows the Actions toolkit (toolkit/packages/core/src/command.ts): the message
escapes `%`, CR and LF; property values also escape `:` and `,`.
"""

from __future__ import annotations

import os
from typing import Iterable

from .engine import FileResult
from .findings import Finding

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation_path(path: str, cwd: str | None = None) -> str:
    """The path relative to the working directory (the workspace in Actions), with forward
    slashes; a path outside it is left as given."""
    if path == "-":
        return path
    cwd = cwd or os.getcwd()
    try:
        rel = os.path.relpath(os.path.abspath(path), cwd)
    except ValueError:
        return path
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return path.replace(os.sep, "/")
    return rel.replace(os.sep, "/")


def annotation(f: Finding) -> str:
    s = f.span
    props = [("file", annotation_path(f.path)), ("line", str(s.line))]
    if s.end_line == s.line:
        # GitHub only takes columns for a single-line annotation.
        end_col = s.end_column if s.end_column > s.column else s.column + 1
        props += [("col", str(s.column)), ("endLine", str(s.end_line)), ("endColumn", str(end_col))]
    else:
        props.append(("endLine", str(s.end_line)))
    props.append(("title", f"{f.code} {f.name}"))
    how = f.fix.title if f.fix is not None else f.suggestion
    message = f"{f.message} — fix: {how}" if how else f.message
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMANDS.get(f.severity, 'warning')} {head}::{escape_data(message)}"


def render_github(results: Iterable[FileResult]) -> str:
    findings = sorted((f for r in results for f in r.findings if not f.suppressed), key=Finding.sort_key)
    return "".join(annotation(f) + "\n" for f in findings)
