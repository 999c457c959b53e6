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

from . import catalog
from .findings import Edit, Finding, Fix
from .lazyre import LazyRe
from .records import Mutable, replace
from .spans import Span
from .syntax import ParsedFile

# Bounded, linear patterns: a comment is attacker-controlled text.
# No two adjacent runs of the same class (`[ \t]*:?[ \t]*` backtracks quadratically on spaces).
_DIRECTIVE = LazyRe(r"(dockerlint|hadolint)(?:[ \t]*:)?[ \t]*(global[ \t]+)?ignore[ \t]*=[ \t]*(.*)", re.I)
# `# dockerlint ignore DKL201` or `ignore: DKL201`: the `=` is missing, so it is no suppression.
# Only reported when what follows starts with a rule (`# dockerlint ignore this` is prose).
_MISSING_EQ = LazyRe(r"dockerlint(?:[ \t]*:)?[ \t]*(global[ \t]+)?ignore([ \t]*:[ \t]*|[ \t]+)([^=\s].*)", re.I)
_CODE = LazyRe(r"[^,\s]+")


class Suppression(Mutable):
    tool: str  # "dockerlint" | "hadolint"
    is_global: bool
    line: int  # of the comment
    codes: list[tuple[str, Span]]  # as written, with their spans
    reason: str | None
    covers: tuple[int, int] | None  # instruction lines; None for global or dangling
    used: set[str]  # codes as written that suppressed something
    # For `# dockerlint ignore DKL201` (no `=`): the span of what stands where `=` belongs.
    # Such a comment suppresses nothing; DKL002 says so and its fix writes the `=`.
    missing_eq: Span | None

    _fields = ("tool", "is_global", "line", "codes", "reason", "covers", "used", "missing_eq")

    def __init__(self, tool: str, is_global: bool, line: int, codes: list[tuple[str, Span]],
                 reason: str | None, covers: tuple[int, int] | None = None,
                 used: set[str] | None = None, missing_eq: Span | None = None) -> None:
        self.tool = tool
        self.is_global = is_global
        self.line = line
        self.codes = codes
        self.reason = reason
        self.covers = covers
        self.used = set() if used is None else used
        self.missing_eq = missing_eq


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
            s = _missing_eq(c, parsed)
            if s is not None:
                if not s.is_global:
                    s.covers = _instruction_at_or_after(spans, starts, c.span.line)
                out.append(s)
            continue
        raw_line = parsed.lines[c.span.line - 1]
        body = m.group(3)
        at = raw_line.find(body, c.span.column - 1) if body else -1
        codes, reason = _codes_in(body, at + 1 if at >= 0 else c.span.column, c.span.line)
        s = Suppression(m.group(1).lower(), bool(m.group(2)), c.span.line, codes, reason)
        if not s.is_global:
            s.covers = _instruction_at_or_after(spans, starts, c.span.line)
        out.append(s)
    return out


def _codes_in(body: str, body_col: int, line: int) -> tuple[list[tuple[str, Span]], str | None]:
    """(codes as written with their spans, reason) of a suppression's text after `ignore=`.

    body_col: 1-based column of body's first character in the file's line.
    """
    reason = None
    if "--" in body:
        body, reason = body.split("--", 1)
        reason = reason.strip() or None
    codes = [(cm.group(0), Span(line, body_col + cm.start(), line, body_col + cm.end()))
             for cm in _CODE.finditer(body)]
    return codes, reason


def _missing_eq(c, parsed: ParsedFile) -> Suppression | None:
    """A `# dockerlint ignore DKL201` comment (no `=`) naming a rule first, else None."""
    m = _MISSING_EQ.match(c.text)
    if not m:
        return None
    raw_line = parsed.lines[c.span.line - 1]
    text_at = raw_line.find(c.text, c.span.column - 1)
    if text_at < 0:
        return None
    line = c.span.line
    codes, reason = _codes_in(m.group(3), text_at + m.start(3) + 1, line)
    if not codes or not _targets(Suppression("dockerlint", False, line, codes, reason), codes[0][0]):
        return None
    sep = Span(line, text_at + m.start(2) + 1, line, text_at + m.end(2) + 1)
    return Suppression("dockerlint", bool(m.group(1)), line, codes, reason, missing_eq=sep)


def _instruction_at_or_after(spans: list[tuple[int, int]], starts: list[int], line: int) -> tuple[int, int] | None:
    """The instruction holding line (a comment inside a continuation), else the next one."""
    k = bisect_right(starts, line) - 1
    if k >= 0 and spans[k][1] >= line:
        return spans[k]
    return spans[k + 1] if k + 1 < len(spans) else None


def _targets(s: Suppression, written: str) -> set[str]:
    """Our codes a code written in a suppression stands for (none when it is unknown)."""
    doc = catalog.lookup(written) if s.tool == "dockerlint" else None
    if doc is not None:
        return {doc.code}
    # a hadolint code that maps to a rule names it in our comments too, as in --ignore
    return {d.code for d in catalog.by_hadolint().get(written.upper(), ())}


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
        if s.missing_eq is not None:
            continue  # no suppression as written
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
        held: set[int] = set()
        named = _Named(out, spans, starts) if any(s.missing_eq is not None for s in sups) else None
        extra = _unused(sups, parsed, path, enabled, named, held)
        # A finding that a malformed suppression names keeps its fix back until the `=` is
        # written: --fix would otherwise fix it and write the `=` in one round, leaving the
        # suppression unused.  The fix stays visible as a suggestion.
        out = [replace(f, fix=None, suggestion=f.fix.title) if k in held and f.fix is not None else f
               for k, f in enumerate(out)]
        out.extend(extra)
    return out


class _Named:
    """Which unsuppressed findings a malformed suppression would suppress once it has its `=`.

    Answers are indices into the findings, memoised per (instruction, codes): however many
    such comments a file holds, each finding is looked at a bounded number of times.
    """

    def __init__(self, findings: list[Finding], spans, starts):
        self.findings = findings
        self.by_instruction: dict[tuple[int, int], list[int]] = {}
        for k, f in enumerate(findings):
            if f.suppressed:
                continue
            i = bisect_right(starts, f.span.line) - 1
            if i >= 0 and spans[i][1] >= f.span.line:
                self.by_instruction.setdefault(spans[i], []).append(k)
        self.memo: dict = {}

    def __call__(self, s: Suppression, codes: frozenset[str]) -> tuple[list[int], bool]:
        """(indices, whether this (instruction, codes) was asked before)."""
        key = (None if s.is_global else s.covers, codes)
        if key in self.memo:
            return self.memo[key], True
        if s.is_global:
            pool = range(len(self.findings))
            found = [k for k in pool if self.findings[k].code in codes and not self.findings[k].suppressed]
        else:
            found = [k for k in self.by_instruction.get(s.covers, ()) if self.findings[k].code in codes]
        self.memo[key] = found
        return found, False


def _unused(sups, parsed: ParsedFile, path: str, enabled: set[str], named: _Named | None,
            held: set[int]) -> list[Finding]:
    """DKL002 findings; adds to held the indices of the findings that a malformed suppression
    names while its fix writes the `=` (see _missing_eq_finding)."""
    doc = catalog.catalog()["DKL002"]
    out = []
    globally_off = any(s.is_global and s.missing_eq is None and any("DKL002" in _targets(s, w) for w, _ in s.codes)
                       for s in sups)
    for s in sups:
        if s.tool != "dockerlint":
            continue
        if s.missing_eq is not None:
            finding, hold = _missing_eq_finding(s, doc, parsed, path, enabled, named, globally_off)
            out.append(finding)
            if not finding.suppressed:
                held.update(hold)
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


def _missing_eq_finding(s: Suppression, doc, parsed: ParsedFile, path: str, enabled: set[str],
                        named: _Named, globally_off: bool) -> tuple[Finding, list[int]]:
    """DKL002 for `# dockerlint ignore DKL201` without `=`, and the indices of the findings
    whose fixes wait for the `=` (none when it was asked for them before).  The fix writes
    the `=`, unless the comment would suppress nothing even then: that fix removes it, as for
    any unused one."""
    line = parsed.lines[s.line - 1]
    written = line[s.missing_eq.column - 1:s.codes[-1][1].end_column - 1]
    head = line[s.missing_eq.column - 1 - len("ignore"):s.missing_eq.column - 1]
    as_written = f"{head}{written}"
    meant = f"{head}={written[s.missing_eq.end_column - s.missing_eq.column:]}"
    codes = frozenset().union(*(_targets(s, w) for w, _ in s.codes))
    found, asked = named(s, codes) if s.is_global or s.covers is not None else ([], False)
    span = Span(s.line, s.missing_eq.column - len("ignore"), s.line, s.codes[-1][1].end_column)
    hold: list[int] = []
    if found or not codes <= enabled:
        fix = Fix(f"Write `{meant}`", "safe", (Edit(s.missing_eq, "="),))
        message = f"Malformed suppression: `{as_written}` has no `=`, so it suppresses nothing; write `{meant}`"
        hold = [] if asked else found
    else:
        fix = _removal(s, set(range(len(s.codes))), parsed)
        where = "in this file" if s.is_global else (
            f"on the instruction at line {s.covers[0]}" if s.covers else "after it")
        message = (f"Malformed suppression: `{as_written}` has no `=`, and would suppress nothing with it: "
                   f"no {'/'.join(sorted(codes))} finding {where}")
    return Finding(doc.code, doc.name, doc.severity, message, path, span, fix, None, suppressed=globally_off), hold


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
