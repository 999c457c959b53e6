"""GitHub Actions workflow commands (`--format github`): one annotation per unsuppressed finding,
and one `::error` per error of the run (a missing file, a broken configuration).

    ::warning file=Dockerfile,line=5,col=5,endLine=5,endColumn=15,title=DKL201 apt-lists-not-cleaned::MESSAGE
    ::error file=pyproject.toml,title=dockerlint::pyproject.toml: [tool.dockerlint]: unknown key ...

Escaping follows the Actions toolkit (toolkit/packages/core/src/command.ts): the message
escapes `%`, CR and LF; property values also escape `:` and `,`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

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


def error_annotation(error: str, paths=()) -> str:
    """An error of the run (a missing file, a broken configuration) as an `::error` command,
    placed on the file it is about: the error's own `path` (runner.Problem), else the
    longest of paths that it starts with (`PATH: ...`)."""
    path = getattr(error, "path", None)
    if path is None:
        path = max((p for p in paths if error.startswith(f"{p}: ")), key=len, default=None)
    props = f"file={escape_property(annotation_path(path))}," if path and path != "-" else ""
    return f"::error {props}title=dockerlint::{escape_data(str(error))}"


def render_github(results: Iterable[FileResult], errors=()) -> str:
    """One annotation per unsuppressed finding in path order, then one `::error` per error
    of the run (those also go to standard error, as in every format)."""
    results = list(results)
    findings = sorted((f for r in results for f in r.findings if not f.suppressed), key=Finding.sort_key)
    paths = [r.path for r in results]
    return "".join(annotation(f) + "\n" for f in findings) + "".join(
        error_annotation(e, paths) + "\n" for e in errors)
