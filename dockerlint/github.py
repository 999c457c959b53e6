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
from .report import relative_path, visible_region

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation_path(path: str) -> str:
    """Relative to the working directory (the workspace in Actions); a path outside it as given."""
    return path if path == "-" else (relative_path(path) or path.replace(os.sep, "/"))


def annotation(f: Finding) -> str:
    line, col, end_line, end_col = visible_region(f.span)
    props = [("file", annotation_path(f.path)), ("line", str(line))]
    if end_line == line:  # GitHub only takes columns for a single-line annotation
        props += [("col", str(col)), ("endLine", str(end_line)), ("endColumn", str(end_col))]
    else:
        props.append(("endLine", str(end_line)))
    props.append(("title", f"{f.code} {f.name}"))
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMANDS.get(f.severity, 'warning')} {head}::{escape_data(f.message_with_fix)}"


def render_github(results: Iterable[FileResult]) -> str:
    findings = sorted((f for r in results for f in r.findings if not f.suppressed), key=Finding.sort_key)
    return "".join(annotation(f) + "\n" for f in findings)
