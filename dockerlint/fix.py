"""Applying fixes: --diff shows them, --fix writes them.

Nothing is written unless the fixed text parses no worse than the original and
the fixed findings are gone when it is linted again.  Writes are atomic (a
temporary file in the same directory, then a rename) and keep the file's mode,
line endings, BOM and everything no fix touched.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile

import click

from .engine import FileResult, lint_text
from .findings import Finding

MAX_ROUNDS = 5


def _wanted(f: Finding, unsafe: bool) -> bool:
    return f.fix is not None and not f.suppressed and (f.fix.safety == "safe" or unsafe)


def moved_positions(lines: list[str], edits, positions) -> list[tuple[int, int] | None]:
    """Where each position (line, col) of `lines` is once `edits` are applied as apply_edits does
    (1-based; an insertion at a position goes before it), None for one an edit replaces. The
    edited text is built once for all of them."""
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)

    def offset(ln: int, c: int) -> int:
        if ln > len(lines):
            return starts[-1] - 1
        return min(starts[ln - 1] + c - 1, starts[ln - 1] + len(lines[ln - 1]))

    spans = {(offset(e.span.line, e.span.column), offset(e.span.end_line, e.span.end_column), e.text) for e in edits}
    body = apply_edits(lines, edits)
    out: list[tuple[int, int] | None] = []
    for line, col in positions:
        at = new_at = offset(line, col)
        for a, b, t in spans:
            if a < at < b or (a == at < b):
                new_at = None
                break
            if b <= at:
                new_at += len(t) - (b - a)
        if new_at is None:
            out.append(None)
            continue
        before = body[:new_at]
        out.append((before.count("\n") + 1, new_at - (before.rfind("\n") + 1) + 1))
    return out


def apply_edits(lines: list[str], edits) -> str:
    """Apply edits (1-based line/column spans over `lines`) and return text joined with "\\n"."""
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)
    text = "\n".join(lines)

    def offset(line: int, col: int) -> int:
        if line > len(lines):
            return len(text)
        return min(starts[line - 1] + col - 1, starts[line - 1] + len(lines[line - 1]))

    # a set: one fix shared by several findings (DKL002 on two codes of one comment) applies once
    spans = sorted({(offset(e.span.line, e.span.column), offset(e.span.end_line, e.span.end_column), e.text)
                    for e in edits}, reverse=True)
    last_start = None
    for a, b, t in spans:
        if last_start is not None and b > last_start:
            continue  # overlapping edits: keep the later one, the next round takes the other
        text = text[:a] + t + text[b:]
        last_start = a
    return text


def _render(body: str, res: FileResult) -> str:
    parsed = res.parsed
    if parsed.newline != "\n":
        body = body.replace("\n", parsed.newline)
    # `lines` hold no line ends: the file's last one is only known from final_newline
    # (a file ending in blank lines has "" as its last lines, and needs it all the same)
    if parsed.final_newline and parsed.lines:
        body += parsed.newline
    return ("\ufeff" if parsed.bom else "") + body


def _compatible(findings: list) -> list:
    """The findings whose fixes can be applied together, in order: a fix with an edit that
    overlaps an edit of one already taken waits for the next round (DKL203's `--no-cache` inside
    the `apk add` that DKL102's fix rewrites), as apply_edits would otherwise drop half of it.
    The same edit shared by several findings is no conflict."""
    taken: list = []  # ((line, col), (end_line, end_col), text)
    out = []
    for f in findings:
        spans = [((e.span.line, e.span.column), (e.span.end_line, e.span.end_column), e.text) for e in f.fix.edits]
        if any(s != t and _overlap(s, t) for s in spans for t in taken):
            continue
        out.append(f)
        taken.extend(spans)
    return out


def _overlap(s, t) -> bool:
    (a1, b1, _), (a2, b2, _) = sorted((s, t), key=lambda x: (x[0], x[1]))
    return b1 > a2 or (a1 == a2 and (a1 != b1 or a2 != b2))


def fixed_text(res: FileResult, opts) -> tuple[str | None, list[str], str | None]:
    """(new text or None, titles of applied fixes, reason when a fix was refused)."""
    text = res.text
    current = res
    applied: list[str] = []
    # the file's configuration decides, unless the result came from lint_text without one
    unsafe = res.settings.unsafe_fixes if res.settings is not None else bool(opts.unsafe_fixes)
    for _ in range(MAX_ROUNDS):
        todo = [f for f in current.findings if _wanted(f, unsafe)]
        if not todo:
            break
        rewrite = next((f for f in todo if f.fix.rewrite), None)
        if rewrite is not None:
            chosen = [rewrite]
            new = rewrite.fix.rewrite
        else:
            chosen = _compatible([f for f in todo if f.fix.edits])
            if not chosen:
                break
            new = _render(apply_edits(current.parsed.lines, [e for f in chosen for e in f.fix.edits]), current)
        after = lint_text(new, res.path, **res.lint_options)
        if len(chosen) > 1 and (len(after.parsed.issues) > len(current.parsed.issues)
                                or _shell_errors(after) > _shell_errors(current)):
            # fixes that are right alone can clash in one RUN (two joins each opening a subshell
            # where edits touch: fix review, dchabot/simioc): this round takes the first alone
            chosen = chosen[:1]
            new = _render(apply_edits(current.parsed.lines, list(chosen[0].fix.edits)), current)
            after = lint_text(new, res.path, **res.lint_options)
        if len(after.parsed.issues) > len(current.parsed.issues) or _shell_errors(after) > _shell_errors(current):
            return None, applied, f"the fix for {chosen[0].code} would not parse; nothing written"
        for code in {f.code for f in chosen}:
            if not cleared(code, chosen, current, after):
                return None, applied, f"the fix for {code} did not clear its finding; nothing written"
        applied.extend(f"{f.code} {f.fix.title}" for f in chosen)
        text, current = new, after
    if text == res.text:
        return None, applied, None
    return text, applied, None


# Codes whose findings may show up on other lines once a fix of theirs lands, with nothing wrong:
# DKL202 leaves out of an install the recommends an earlier one brings, so turning the earlier
# one's off reveals the later install (the next round fixes it).
_REVEALING = frozenset({"DKL202"})


def cleared(code: str, fixed, before: FileResult, after: FileResult) -> bool:
    """Whether the fixes of `fixed` (findings of `code` in `before`, applied together) cleared them:
    fewer `code` findings after; for a code of _REVEALING, none left where a fixed one was (its
    fixes only insert, so positions map through them).  Also used by the fix harness."""
    edits = [e for f in fixed for e in f.fix.edits]
    n_before = sum(1 for f in before.findings if f.code == code)
    n_after = sum(1 for f in after.findings if f.code == code)
    if code not in _REVEALING or n_after < n_before:
        return n_after < n_before
    now = {(f.line, f.column) for f in after.findings if f.code == code}
    moved = moved_positions(before.parsed.lines, edits, [(f.line, f.column) for f in fixed if f.code == code])
    return all(to is not None and to not in now for to in moved)


def _shell_errors(res: FileResult) -> int:
    """How many RUNs of the result have shell text that does not parse."""
    if res.model is None:
        return 0
    return sum(1 for st in res.model.stages for r in st.runs if r.shell_script is not None and r.shell_script.has_errors)


def _write_atomic(path: str, text: str) -> None:
    data = text.encode("utf-8")
    d = os.path.dirname(os.path.abspath(path))
    st = os.stat(path)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".dockerlint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def apply_fixes(results: list[FileResult], opts, errors: list[str]) -> int | None:
    """Show or write the fixes; return the exit status for --diff (1 when there is a diff)."""
    changed = 0
    for i, res in enumerate(results):
        if res.text is None:
            continue
        new, applied, refused = fixed_text(res, opts)
        if refused:
            errors.append(f"{res.path}: {refused}")
        if new is None:
            continue
        changed += 1
        if opts.diff:
            diff = difflib.unified_diff(res.text.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{res.path}", f"b/{res.path}")
            out = "".join(d if d.endswith("\n") else d + "\n\\ No newline at end of file\n" for d in diff)
            click.echo(out, nl=False)
            continue
        if res.path == "-" or res.path == (opts.stdin_filename or "-") and not os.path.exists(res.path):
            sys.stdout.write(new)
        else:
            try:
                _write_atomic(res.path, new)
            except OSError as e:
                errors.append(f"{res.path}: cannot write the fix: {e.strerror or e}")
                continue
            click.echo(f"Fixed {res.path}: " + "; ".join(applied), err=True)
        # report what is left after the fixes
        results[i] = lint_text(new, res.path, **res.lint_options)
        results[i].settings = res.settings
    if opts.diff:
        return 1 if changed else 0
    return None
