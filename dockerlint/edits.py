"""Concrete text edits that rules attach to findings, written in the file's own style."""

from __future__ import annotations

import re

from .findings import Edit
from .model import Run
from .spans import Span


def append_command(run: Run, command: str) -> Edit | None:
    """An edit that runs `command` at the end of a RUN, after everything else succeeded.

    Shell-form RUNs get it chained the way the RUN already chains its commands:
    `&& \\` at line ends, `&&` at line starts, or `; \\` under `set -e`.  Heredoc
    RUNs get a new line before the terminator.  Exec form has no place for it.
    """
    ins = run.instruction
    lines = run.file_lines
    if ins.json or not ins.rest.strip():
        return None
    if ins.heredocs:
        if len(ins.heredocs) != 1 or ins.rest.split() != [ins.rest.split()[0]]:
            return None
        doc = ins.heredocs[0]
        term = doc.terminator_line
        if term > len(lines) or lines[term - 1].lstrip("\t") != doc.name:
            return None
        body_lines = [ln for ln in doc.body.split("\n") if ln.strip()]
        indent = re.match(r"[ \t]*", body_lines[-1]).group(0) if body_lines else ""
        return Edit(Span(term, 1, term, 1), f"{indent}{command}\n")
    esc = run.escape
    tmap = ins.rest_map
    rest = ins.rest.rstrip()
    end_line, end_col = tmap.locate(len(rest) - 1)
    last = lines[end_line - 1]
    code_end = end_col + 1  # just after the last character of the command text
    tail = rest.rstrip()
    first_line = ins.keyword_span.line
    if end_line == first_line:
        joiner = " " if tail.endswith((";", "&&", "||", "|")) else " && "
        return Edit(Span(end_line, code_end, end_line, code_end), f"{joiner}{command}")
    # A multi-line RUN: copy the shape of its previous continuation line.
    prev = lines[end_line - 2] if end_line >= 2 else ""
    indent = re.match(r"[ \t]*", last).group(0)
    stripped_last = last.strip()
    if stripped_last.startswith("&&"):
        new = f"{esc}\n{indent}&& {command}"
        return Edit(Span(end_line, code_end, end_line, code_end), " " + new)
    prev_code = prev.rstrip()
    if prev_code.endswith(esc):
        prev_code = prev_code[:-1].rstrip()
    if prev_code.endswith(";"):
        sep = "" if tail.endswith(";") else ";"
        return Edit(Span(end_line, code_end, end_line, code_end), f"{sep} {esc}\n{indent}{command}")
    sep = "" if tail.endswith(("&&", ";")) else " &&"
    return Edit(Span(end_line, code_end, end_line, code_end), f"{sep} {esc}\n{indent}{command}")


def insert_before(span: Span, text: str) -> Edit:
    return Edit(Span(span.line, span.column, span.line, span.column), text)
