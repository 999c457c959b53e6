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


def _hadolint_map() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for doc in catalog.catalog().values():
        for dl in doc.hadolint:
            out.setdefault(dl.upper(), set()).add(doc.code)
    return out


def parse_suppressions(parsed: ParsedFile) -> list[Suppression]:
    out: list[Suppression] = []
    starts = sorted((i.start_line, i.end_line) for i in parsed.instructions)
    for c in parsed.comments:
        text = c.text
        if "ignore" not in text.lower():
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
            s.covers = _covered(starts, c.span.line)
        out.append(s)
    return out


def _covered(instructions: list[tuple[int, int]], line: int) -> tuple[int, int] | None:
    for start, end in instructions:
        if start <= line <= end or start > line:
            return start, end
    return None


def apply(findings: list[Finding], parsed: ParsedFile, path: str, enabled: set[str]) -> list[Finding]:
    """Mark suppressed findings and add DKL002 for suppressions that matched nothing."""
    sups = parse_suppressions(parsed)
    if not sups:
        return findings
    dl = _hadolint_map() if any(s.tool == "hadolint" for s in sups) else {}

    def targets(s: Suppression, written: str) -> set[str]:
        if s.tool == "hadolint":
            return dl.get(written.upper(), set())
        doc = catalog.lookup(written)
        return {doc.code} if doc else set()

    out = []
    for f in findings:
        for s in sups:
            if not s.is_global and (s.covers is None or not s.covers[0] <= f.span.line <= s.covers[1]):
                continue
            hit = [w for w, _ in s.codes if f.code in targets(s, w)]
            if hit:
                s.used.update(hit)
                f = replace(f, suppressed=True, suppress_reason=s.reason)
                break
        out.append(f)
    if "DKL002" in enabled:
        out.extend(_unused(sups, parsed, path, enabled, targets))
    return out


def _unused(sups, parsed: ParsedFile, path: str, enabled: set[str], targets) -> list[Finding]:
    doc = catalog.catalog()["DKL002"]
    out = []
    globally_off = any(s.is_global and any("DKL002" in targets(s, w) for w, _ in s.codes) for s in sups)
    for s in sups:
        if s.tool != "dockerlint":
            continue
        stale = []
        for written, span in s.codes:
            codes = targets(s, written)
            if not codes:
                stale.append((written, span, f"`{written}` is not a dockerlint rule"))
            elif written in s.used or "DKL002" in codes:
                continue
            elif not codes <= enabled:
                continue  # a rule that is not run cannot tell us whether it is needed
            elif s.covers is None and not s.is_global:
                stale.append((written, span, f"`{written}` has no instruction after it to cover"))
            else:
                where = "in this file" if s.is_global else (
                    f"on the instruction at line {s.covers[0]}")
                stale.append((written, span, f"`{written}` suppresses nothing: no {'/'.join(sorted(codes))} "
                                             f"finding {where}"))
        if not stale:
            continue
        fix = _removal(s, {id(sp) for _, sp, _ in stale}, parsed)
        for written, span, message in stale:
            out.append(Finding(doc.code, doc.name, doc.severity, f"Unused suppression: {message}", path, span,
                               fix, None, suppressed=globally_off))
    return out


def _removal(s: Suppression, stale_ids: set[int], parsed: ParsedFile) -> Fix:
    keep = [w for w, sp in s.codes if id(sp) not in stale_ids]
    line = s.line
    raw = parsed.lines[line - 1]
    if not keep:
        if raw.lstrip().startswith("#"):  # a comment on its own line: drop the line
            end = Span(line + 1, 1, line + 1, 1) if line < len(parsed.lines) else Span(line, len(raw) + 1, line, len(raw) + 1)
            start_col = 1 if line < len(parsed.lines) else 1
            return Fix("Remove the unused suppression comment", "safe",
                       (Edit(Span(line, start_col, end.line, end.column), ""),))
    first, last = s.codes[0][1], s.codes[-1][1]
    return Fix(f"Remove {', '.join(w for w, sp in s.codes if id(sp) in stale_ids)} from the suppression", "safe",
               (Edit(Span(line, first.column, line, last.end_column), ",".join(keep)),))
