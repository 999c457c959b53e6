"""Findings and fixes: what rules produce and what reporters and the fixer consume."""

from __future__ import annotations

from .records import Value, setfield
from .spans import Span

SEVERITIES = ("info", "warning", "error")


class Edit(Value):
    """Replace the text between two positions (1-based line, 1-based column, end exclusive)."""

    span: Span
    text: str

    __slots__ = _fields = ("span", "text")

    def __init__(self, span: Span, text: str) -> None:
        setfield(self, "span", span)
        setfield(self, "text", text)


class Fix(Value):
    title: str  # what the fix does, e.g. "Append `&& rm -rf /var/lib/apt/lists/*`"
    safety: str  # "safe" | "unsafe"
    edits: tuple[Edit, ...]
    rewrite: str | None  # a whole new Dockerfile, for multi-stage rewrites

    __slots__ = _fields = ("title", "safety", "edits", "rewrite")

    def __init__(self, title: str, safety: str, edits: tuple[Edit, ...] = (),
                 rewrite: str | None = None) -> None:
        setfield(self, "title", title)
        setfield(self, "safety", safety)
        setfield(self, "edits", edits)
        setfield(self, "rewrite", rewrite)


class Hit(Value):
    """What a rule's check yields; the engine adds the rule's code, name and severity."""

    span: Span
    message: str
    fix: Fix | None
    suggestion: str | None  # how to fix it, for humans, when no concrete edit is offered
    related: tuple[Span, ...]  # other places the same finding is about (more packages of one RUN)
    size_mb: float | None  # MB (10^6 bytes, installed, uncompressed) at stake, where known from data

    __slots__ = _fields = ("span", "message", "fix", "suggestion", "related", "size_mb")

    def __init__(self, span: Span, message: str, fix: Fix | None = None,
                 suggestion: str | None = None, related: tuple[Span, ...] = (),
                 size_mb: float | None = None) -> None:
        setfield(self, "span", span)
        setfield(self, "message", message)
        setfield(self, "fix", fix)
        setfield(self, "suggestion", suggestion)
        setfield(self, "related", related)
        setfield(self, "size_mb", size_mb)


class Finding(Value):
    code: str
    name: str
    severity: str
    message: str
    path: str
    span: Span
    fix: Fix | None
    suggestion: str | None
    suppressed: bool  # matched an inline or file-wide ignore comment: reported, never failing
    suppress_reason: str | None  # the text after `--` in that comment
    related: tuple[Span, ...]  # other places this finding is about, in file order
    size_mb: float | None  # MB the image would lose if this were fixed; None: not known
    extra: dict

    __slots__ = _fields = ("code", "name", "severity", "message", "path", "span", "fix",
                           "suggestion", "suppressed", "suppress_reason", "related", "size_mb",
                           "extra")
    _nocompare = ("extra",)
    _nohash = ("extra",)

    def __init__(self, code: str, name: str, severity: str, message: str, path: str, span: Span,
                 fix: Fix | None = None, suggestion: str | None = None, suppressed: bool = False,
                 suppress_reason: str | None = None, related: tuple[Span, ...] = (),
                 size_mb: float | None = None, extra: dict | None = None) -> None:
        setfield(self, "code", code)
        setfield(self, "name", name)
        setfield(self, "severity", severity)
        setfield(self, "message", message)
        setfield(self, "path", path)
        setfield(self, "span", span)
        setfield(self, "fix", fix)
        setfield(self, "suggestion", suggestion)
        setfield(self, "suppressed", suppressed)
        setfield(self, "suppress_reason", suppress_reason)
        setfield(self, "related", related)
        setfield(self, "size_mb", size_mb)
        setfield(self, "extra", {} if extra is None else extra)

    @property
    def how_to_fix(self) -> str | None:
        """How to fix it, in words: the fix's title, else the suggestion."""
        return self.fix.title if self.fix is not None else (self.suggestion or None)

    @property
    def message_with_fix(self) -> str:
        """The message with how to fix it, for formats that have one text field."""
        how = self.how_to_fix
        return f"{self.message} — fix: {how}" if how else self.message

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self):
        return (self.path, self.span.line, self.span.column, self.code)
