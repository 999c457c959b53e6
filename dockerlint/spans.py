"""Positions in the source file.

Every span is 1-based, in characters (not bytes), with an exclusive end column,
which is what SARIF's region and editors expect.  Text that the syntax layer
hands on (a joined RUN line, a heredoc body) carries a TextMap so that later
layers can map an index in that text back to the file.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import namedtuple


class Span(namedtuple("Span", "line column end_line end_column")):
    """(line, column, end_line, end_column), 1-based characters, end column exclusive.

    A tuple: made in the hot path of every shell word, where a frozen dataclass's
    constructor cost a measurable share of a large file's run; order is the tuple's.
    """

    __slots__ = ()

    def contains(self, other: "Span") -> bool:
        return (self.line, self.column) <= (other.line, other.column) and (
            other.end_line,
            other.end_column,
        ) <= (self.end_line, self.end_column)


_new_span = tuple.__new__  # Span(...) without the namedtuple's Python-level __new__


class TextMap:
    """A string built from pieces of physical lines, and where each piece came from.

    ``segments`` holds (start index in text, line, column) for each run of
    characters that are contiguous in the file; a continuation starts a new run.
    """

    __slots__ = ("text", "_starts", "_segments")

    def __init__(self, text: str, segments: list[tuple[int, int, int]]):
        self.text = text
        self._segments = segments or [(0, 1, 1)]
        self._starts = [s[0] for s in self._segments]

    def locate(self, index: int) -> tuple[int, int]:
        """(line, column) of the character at ``index``; one past the end maps after the last one."""
        if index < 0:
            index = 0
        k = bisect_right(self._starts, index) - 1
        if k < 0:
            k = 0
        start, line, col = self._segments[k]
        return line, col + (index - start)

    def span(self, start: int, end: int) -> Span:
        """Span of text[start:end]; an end at a piece boundary stays on the piece's line."""
        # locate() twice, written out: this runs for every shell word of every file
        at = start if start > 0 else 0
        starts = self._starts
        k = bisect_right(starts, at) - 1
        if k < 0:
            k = 0
        s, line, col = self._segments[k]
        col += at - s
        if end <= start:
            return _new_span(Span, (line, col, line, col))
        last = end - 1 if end > 0 else 0
        if k + 1 == len(starts) or last < starts[k + 1]:  # the end is in the same piece
            return _new_span(Span, (line, col, line, col + (last - at) + 1))
        eline, ecol = self.locate(last)
        return _new_span(Span, (line, col, eline, ecol + 1))

    def sub(self, start: int, end: int) -> "TextMap":
        """The map of text[start:end]."""
        segs: list[tuple[int, int, int]] = []
        for i, (s, line, col) in enumerate(self._segments):
            e = self._segments[i + 1][0] if i + 1 < len(self._segments) else len(self.text)
            lo, hi = max(s, start), min(e, end)
            if lo < hi or (not segs and lo == hi == start):
                segs.append((lo - start, line, col + (lo - s)))
        return TextMap(self.text[start:end], segs)
