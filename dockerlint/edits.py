"""Concrete text edits that rules attach to findings, placed through the shell syntax tree.

Every edit of a RUN is computed from where tree-sitter-bash says its statements start
and end (``ShellScript.statements``), never from the raw text: a trailing
``# comment`` is the shell's, a trailing ``&`` sends the last command to the
background, a heredoc body is the script.  When no edit keeps the build correct, the
functions return None and a reason, and the rule says what to do instead.
"""

from __future__ import annotations

import re

from .findings import Edit
from .lazyre import LazyRe
from .spans import Span

_INDENT = LazyRe(r"[ \t]*")


class NoEdit(str):
    """Why no edit is offered (a str: it goes into the finding's help line)."""


def _end_position(run):
    """(script, (line, column) just after its last top-level statement) or (None, reason)."""
    ins = run.instruction
    if ins.json:
        return None, NoEdit("it is in exec form (a JSON array), which has no place for another command")
    src = run.script
    script = run.shell_script
    if src is None or script is None:
        return None, NoEdit("its command is not a POSIX shell script dockerlint can edit")
    if script.has_errors:
        return None, NoEdit("its shell text does not parse")
    if ins.heredocs and not _is_body_script(run):
        return None, NoEdit("the heredoc is input to a command, not the script")
    if not script.statements:
        return None, NoEdit("it runs no command")
    last = script.statements[-1]
    if last.terminator == "&":
        return None, NoEdit("it ends with `&`: its last command runs in the background, unfinished when the "
                            "RUN ends; drop the `&` first")
    line, col = src[1].locate(last.end - 1)
    return (script, last), (line, col + 1)


def _is_body_script(run) -> bool:
    """The heredoc body itself is the script (not input to a command in the RUN line)."""
    from .model import _heredoc_interpreter

    ins = run.instruction
    return (len(ins.heredocs) == 1 and ins.heredocs[0].fd is None
            and _heredoc_interpreter(ins.rest, ins.heredocs[0]) is not None)


def append_command(run, command: str) -> tuple[Edit | None, str | None]:
    """An edit that runs `command` after everything else in `run` succeeded, and why not when none fits.

    The new command keeps the RUN's exit status: it is joined with `&&` unless `set -e`
    is in force at the end of the script (then a new line in a heredoc, or `;` where the
    RUN already chains with `; \\`).  Multi-line RUNs get it on a new continuation line in
    the RUN's own style (trailing `&& \\`, leading `&&`); a `command` of several lines ("\\n"
    between them) is continued with the RUN's escape.  Returns (Edit, None) or (None, reason).
    """
    got, pos = _end_position(run)
    if got is None:
        return None, pos
    if "\n" in command and not run.instruction.heredocs:
        # a command of several lines: each goes on a continuation line of its own, indented
        # as the RUN's last line (four blanks under a one-line RUN)
        lines = run.file_lines
        text = lines[pos[0] - 1]
        indent = _INDENT.match(text).group(0) if pos[0] != run.instruction.keyword_span.line else "    "
        command = command.replace("\n", f" {run.escape}\n{indent}")
    else:
        command = command.replace("\n", " ")
    script, _last = got
    line, col = pos
    ins = run.instruction
    lines = run.file_lines
    errexit = script.errexit_at_end
    at = Span(line, col, line, col)
    if ins.heredocs:
        if errexit:
            text = lines[line - 1]
            indent = _INDENT.match(text).group(0)
            return Edit(Span(line + 1, 1, line + 1, 1), f"{indent}{command}\n"), None
        return Edit(at, f" && {command}"), None
    esc = run.escape
    if line == ins.keyword_span.line:
        return Edit(at, f" && {command}"), None
    text = lines[line - 1]
    indent = _INDENT.match(text).group(0)
    if text.lstrip().startswith(("&&", "||", "|", ";")):
        return Edit(at, f" {esc}\n{indent}&& {command}"), None
    prev = lines[line - 2].rstrip() if line >= 2 else ""
    if prev.endswith(esc):
        prev = prev[:-1].rstrip()
    if errexit and prev.endswith(";"):
        return Edit(at, f"; {esc}\n{indent}{command}"), None
    return Edit(at, f" && {esc}\n{indent}{command}"), None


def insert_before(span: Span, text: str) -> Edit:
    return Edit(Span(span.line, span.column, span.line, span.column), text)


def delete_instruction(ins) -> Edit:
    """Remove an instruction's lines entirely (its heredoc bodies included)."""
    return Edit(Span(ins.start_line, 1, ins.end_line + 1, 1), "")


def remove_command(run, cmd) -> Edit | None:
    """Cut one top-level command out of a `&&`/`;` chain, with the operator that joins it.

    Only for a command at the top level of a shell-form RUN that is the first or the last
    of the chain.  The tree says how it is joined (its connector); the operator is then the
    last token before it (or the first after it), with only blanks and line continuations
    around.  None when that cannot be shown.
    """
    script = run.shell_script
    sh = cmd.shell
    if script is None or script.has_errors or sh is None or run.instruction.heredocs:
        return None
    if sh.in_subshell or sh.in_pipeline or sh.in_substitution or sh.conditional or sh.in_function:
        return None
    cmds = [c for c in run.commands if c.argv or c.assignments]
    k = next((i for i, c in enumerate(cmds) if c is cmd), None)
    if k is None or len(cmds) < 2:
        return None
    # only the instruction's own lines: joining the whole file for each call made a file of
    # many RUNs quadratic (a 1 MB file: minutes)
    first = run.instruction.start_line
    own = run.file_lines[first - 1:run.instruction.end_line]
    text = "\n".join(own)
    starts = [0]
    for ln in own:
        starts.append(starts[-1] + len(ln) + 1)

    def off(line: int, col: int) -> int:
        return starts[line - first] + col - 1

    def pos(o: int) -> tuple[int, int]:
        from bisect import bisect_right

        i = bisect_right(starts, o) - 1
        return i + first, o - starts[i] + 1

    esc = run.escape
    blank = re.compile(rf"(?:[ \t]|{re.escape(esc)}\r?\n)*")
    if k == len(cmds) - 1:
        if sh.connector not in ("&&", ";"):
            return None
        a = off(sh.span.line, sh.span.column)

        def back(i: int) -> int:
            # over blanks and line continuations, never across a line end of its own
            while True:
                while i > 0 and text[i - 1] in " \t":
                    i -= 1
                if i >= 2 and text[i - 1] == "\n" and text[i - 2] == esc:
                    i -= 2
                elif i >= 3 and text[i - 1] == "\n" and text[i - 2] == "\r" and text[i - 3] == esc:
                    i -= 3
                else:
                    return i

        i = back(a)
        if text[max(0, i - 2):i] == "&&":
            i -= 2
        elif text[i - 1:i] == ";":
            i -= 1
        else:
            return None
        lo = back(i)
        hi = off(sh.span.end_line, sh.span.end_column)
    elif k == 0:
        nxt = cmds[1]
        if nxt.shell is None or nxt.shell.connector not in ("&&", ";") or nxt.shell.in_substitution:
            return None
        lo = off(sh.span.line, sh.span.column)
        b = off(sh.span.end_line, sh.span.end_column)
        m = re.compile(r"[ \t]*(?:&&|;)").match(text, b)
        if m is None:
            return None
        m2 = blank.match(text, m.end())
        hi = m2.end()
        if hi != off(nxt.span.line, nxt.span.column):
            return None
    else:
        return None
    (l1, c1), (l2, c2) = pos(lo), pos(hi)
    return Edit(Span(l1, c1, l2, c2), "")
