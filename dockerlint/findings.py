"""Findings and fixes: what rules produce and what reporters and the fixer consume."""

from __future__ import annotations

from dataclasses import dataclass, field

from .spans import Span

SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Edit:
    """Replace the text between two positions (1-based line, 1-based column, end exclusive)."""

    span: Span
    text: str


@dataclass(frozen=True)
class Fix:
    title: str  # what the fix does, e.g. "Append `&& rm -rf /var/lib/apt/lists/*`"
    safety: str  # "safe" | "unsafe"
    edits: tuple[Edit, ...] = ()
    rewrite: str | None = None  # a whole new Dockerfile, for multi-stage rewrites


@dataclass(frozen=True)
class Hit:
    """What a rule's check yields; the engine adds the rule's code, name and severity."""

    span: Span
    message: str
    fix: Fix | None = None
    suggestion: str | None = None  # how to fix it, for humans, when no concrete edit is offered
    related: tuple[Span, ...] = ()  # other places the same finding is about (more packages of one RUN)
    size_mb: float | None = None  # MB (10^6 bytes, installed, uncompressed) at stake, where known from data


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str
    message: str
    path: str
    span: Span
    fix: Fix | None = None
    suggestion: str | None = None
    suppressed: bool = False  # matched an inline or file-wide ignore comment: reported, never failing
    suppress_reason: str | None = None  # the text after `--` in that comment
    related: tuple[Span, ...] = ()  # other places this finding is about, in file order
    size_mb: float | None = None  # MB the image would lose if this were fixed; None: not known
    extra: dict = field(default_factory=dict, compare=False, hash=False)

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
