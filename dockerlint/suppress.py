"""Inline suppressions, and DKL002 for the ones that suppress nothing.

    # dockerlint ignore=DKL201,apt-lists-not-cleaned -- lists are removed by the base's hook
    RUN apt-get update && apt-get install -y curl
    # dockerlint global ignore=DKL102

A non-global comment covers the next instruction (or, inside a multi-line
instruction, the one it sits in).  `# hadolint ignore=DL3009` and
`# hadolint global ignore=…` are honoured where a hadolint rule maps to ours
(the `hadolint` list in each rule's document), so files written for hadolint
need no second comment.  hadolint comments are never reported as unused:
hadolint itself may still need them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from . import catalog
from .findings import Edit, Finding, Fix
from .spans import Span
from .syntax import ParsedFile

# Bounded, linear patterns: a comment is attacker-controlled text.
# No two adjacent runs of the same class (`[ \t]*:?[ \t]*` backtracks quadratically on spaces).
_DIRECTIVE = re.compile(r"(dockerlint|hadolint)(?:[ \t]*:)?[ \t]*(global[ \t]+)?ignore[ \t]*=[ \t]*(.*)", re.I)
_CODE = re.compile(r"[^,\s]+")


@dataclass
class Suppression:
    tool: str  # "dockerlint" | "hadolint"
    is_global: bool
    line: int  # of the comment
    codes: list[tuple[str, Span]]  # as written, with their spans
    reason: str | None
    covers: tuple[int, int] | None = None  # instruction lines; None for global or dangling
    used: set[str] = field(default_factory=set)  # codes as written that suppressed something


def _maybe_directive(comment: str) -> bool:
    """Cheap test that lets most comments skip the regex (and most files the whole pass)."""
    return "ignore" in comment.lower()


def _instruction_lines(parsed: ParsedFile) -> tuple[list[tuple[int, int]], list[int]]:
    """(start, end) line of every instruction in order, and the starts alone for bisect."""
    spans = sorted((i.start_line, i.end_line) for i in parsed.instructions)
    return spans, [start for start, _ in spans]


def parse_suppressions(parsed: ParsedFile, lines=None) -> list[Suppression]:
    out: list[Suppression] = []
    spans, starts = lines or _instruction_lines(parsed)
    for c in parsed.comments:
        text = c.text
        if not _maybe_directive(text):
            continue
        m = _DIRECTIVE.match(text)
        if not m:
            continue
        raw_line = parsed.lines[c.span.line - 1]
        body_col = raw_line.find(m.group(3), c.span.column - 1) if m.group(3) else -1
        body = m.group(3)
        reason = None
        if "--" in body:
            body, reason = body.split("--", 1)
            reason = reason.strip() or None
        codes = []
        for cm in _CODE.finditer(body):
            col = body_col + cm.start() + 1 if body_col >= 0 else c.span.column
            codes.append((cm.group(0), Span(c.span.line, col, c.span.line, col + len(cm.group(0)))))
        s = Suppression(m.group(1).lower(), bool(m.group(2)), c.span.line, codes, reason)
        if not s.is_global:
            s.covers = _instruction_at_or_after(spans, starts, c.span.line)
        out.append(s)
    return out


def _instruction_at_or_after(spans: list[tuple[int, int]], starts: list[int], line: int) -> tuple[int, int] | None:
    """The instruction holding line (a comment inside a continuation), else the next one."""
    k = bisect_right(starts, line) - 1
    if k >= 0 and spans[k][1] >= line:
        return spans[k]
    return spans[k + 1] if k + 1 < len(spans) else None


def _targets(s: Suppression, written: str) -> set[str]:
    """Our codes a code written in a suppression stands for (none when it is unknown)."""
    if s.tool == "hadolint":
        return {d.code for d in catalog.by_hadolint().get(written.upper(), ())}
    doc = catalog.lookup(written)
    return {doc.code} if doc else set()


def apply(findings: list[Finding], parsed: ParsedFile, path: str, enabled: set[str]) -> list[Finding]:
    """Mark suppressed findings and add DKL002 for suppressions that matched nothing."""
    if not any(_maybe_directive(c.text) for c in parsed.comments):
        return findings
    spans, starts = lines = _instruction_lines(parsed)
    sups = parse_suppressions(parsed, lines)
    if not sups:
        return findings
    # Index by the instruction covered, so a file of many comments and findings stays linear.
    by_instruction: dict[tuple[int, int], list[Suppression]] = {}
    file_wide = []
    for s in sups:
        if s.is_global:
            file_wide.append(s)
        elif s.covers is not None:
            by_instruction.setdefault(s.covers, []).append(s)
    out = []
    for f in findings:
        k = bisect_right(starts, f.span.line) - 1
        local = by_instruction.get(spans[k], ()) if k >= 0 and spans[k][1] >= f.span.line else ()
        for s in (*local, *file_wide):
            hit = [w for w, _ in s.codes if f.code in _targets(s, w)]
            if hit:
                s.used.update(hit)
                f = replace(f, suppressed=True, suppress_reason=s.reason)
                break
        out.append(f)
    if "DKL002" in enabled:
        out.extend(_unused(sups, parsed, path, enabled))
    return out


def _unused(sups, parsed: ParsedFile, path: str, enabled: set[str]) -> list[Finding]:
    doc = catalog.catalog()["DKL002"]
    out = []
    globally_off = any(s.is_global and any("DKL002" in _targets(s, w) for w, _ in s.codes) for s in sups)
    for s in sups:
        if s.tool != "dockerlint":
            continue
        stale = []  # (index in s.codes, message)
        for k, (written, _span) in enumerate(s.codes):
            codes = _targets(s, written)
            if not codes:
                stale.append((k, f"`{written}` is not a dockerlint rule"))
            elif written in s.used or "DKL002" in codes:
                continue
            elif not codes <= enabled:
                continue  # a rule that is not run cannot tell us whether it is needed
            elif s.covers is None and not s.is_global:
                stale.append((k, f"`{written}` has no instruction after it to cover"))
            else:
                where = "in this file" if s.is_global else f"on the instruction at line {s.covers[0]}"
                stale.append((k, f"`{written}` suppresses nothing: no {'/'.join(sorted(codes))} finding {where}"))
        if not stale:
            continue
        fix = _removal(s, {k for k, _ in stale}, parsed)
        for k, message in stale:
            out.append(Finding(doc.code, doc.name, doc.severity, f"Unused suppression: {message}", path,
                               s.codes[k][1], fix, None, suppressed=globally_off))
    return out


def _removal(s: Suppression, stale: set[int], parsed: ParsedFile) -> Fix:
    keep = [w for k, (w, _) in enumerate(s.codes) if k not in stale]
    line = s.line
    if not keep:  # comments are whole lines in a Dockerfile: drop the line with its line end
        end = Span(line + 1, 1, line + 1, 1) if line < len(parsed.lines) else \
            Span(line, len(parsed.lines[line - 1]) + 1, line, len(parsed.lines[line - 1]) + 1)
        return Fix("Remove the unused suppression comment", "safe", (Edit(Span(line, 1, end.line, end.column), ""),))
    first, last = s.codes[0][1], s.codes[-1][1]
    gone = ", ".join(w for k, (w, _) in enumerate(s.codes) if k in stale)
    return Fix(f"Remove {gone} from the suppression", "safe",
               (Edit(Span(line, first.column, line, last.end_column), ",".join(keep)),))
