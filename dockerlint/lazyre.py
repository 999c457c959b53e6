"""Regexes compiled on first use: `LazyRe(pattern, flags)` stands where `re.compile` stood.

Compiling our ~140 module-level and table regexes when their modules are imported cost about
20 ms of a one-file run (issue 12), and a run uses a fraction of them: those of the rules,
package managers and images the file touches.  A LazyRe compiles on the first call of any
pattern method, then puts the compiled pattern's bound methods into its own `__dict__`, so
later `X.match(s)` calls go straight to the C method (an instance-dict lookup, no Python
frame in between): hot loops keep their speed.

It is not an `re.Pattern`: pass `X.compiled()` where a Pattern object itself is wanted
(`re.sub(X, ...)`, `isinstance`).
"""

from __future__ import annotations

import re

# The methods and attributes of re.Pattern that a LazyRe forwards once compiled.
_FORWARDED = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer")
_META = frozenset("\\[](){}?*+.^$|")


def _class_end(s: str, i: int) -> int:
    """The index of the `]` closing the character class that opens at s[i] (len(s) if none): a
    `]` first in the class (after an optional ^) is a member, not its end."""
    i += 1
    if s[i:i + 1] == "^":
        i += 1
    if s[i:i + 1] == "]":
        i += 1
    while i < len(s) and s[i] != "]":
        i += 2 if s[i] == "\\" else 1
    return i


def _split(s: str) -> tuple[list[str], int] | None:
    """Read `s` up to the `)` that closes the level it starts at (or to its end): (that text split
    on its `|` outside groups and classes, the index of the `)` or len(s)); None when a class is
    not closed or a group not closed before the end."""
    alts, start, depth, i, n = [], 0, 0, 0, len(s)
    while i < n:
        ch = s[i]
        if ch == "\\":
            i += 1
        elif ch == "[":
            i = _class_end(s, i)
            if i >= n:
                return None
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        elif ch == "|" and depth == 0:
            alts.append(s[start:i])
            start = i + 1
        i += 1
    if depth:
        return None
    alts.append(s[start:i])
    return alts, i


def _literal_prefix(alt: str) -> str:
    """The ASCII-lowered text every match of the branch `alt` begins with ("" when none is read)."""
    out: list[str] = []
    i, n = 0, len(alt)
    while i < n:
        ch = alt[i]
        if ch == "\\":
            nxt = alt[i + 1:i + 2]
            if not nxt or nxt not in _META:  # \d, \b, \1, \A ...: not a literal character
                break
            out.append(nxt)
            i += 2
        elif ch in _META:
            break
        else:
            out.append(ch)
            i += 1
    if out and i < n and alt[i] in "?*{":
        out.pop()  # the last literal is optional (or repeated a number of times we do not read)
    return "".join(out).lower()


def _prefixes(alts: list[str]) -> list[str] | None:
    out: list[str] = []
    for alt in alts:
        if alt[:1] == "(":  # a group first, not optional: its own branches' prefixes
            head = 3 if alt[1:3] == "?:" else 1
            if alt[1:2] == "?" and head == 1:
                return None  # a look-around, inline flags, a named group: not read
            got = _split(alt[head:])
            if got is None or head + got[1] >= len(alt) or alt[head + got[1] + 1:head + got[1] + 2] in ("?", "*", "{"):
                return None
            inner = _prefixes(got[0])
            if inner is None:
                return None
            out += inner
        else:
            p = _literal_prefix(alt)
            if not p:
                return None
            out.append(p)
    return out


def match_prefixes(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings one of which begins every string that `pattern` matches at its start
    (`match`, `fullmatch`), whatever the ASCII case; None when unknown.  Read from ASCII patterns
    each of whose top-level alternatives starts with literal characters (an escaped
    metacharacter such as `\\.` counts as one) or with a group, not optional, whose branches do
    so in turn; what follows is not read: `(ubuntu[0-9.]*|noble|jammy)` -> ("ubuntu", "noble",
    "jammy"), `gcr\\.io/distroless/static(-debian[0-9]+)?` -> ("gcr.io/distroless/static",),
    `(gcc|g\\+\\+)-[0-9]+` -> ("gcc", "g++").  A string that starts with none of them
    (ASCII-lowered) cannot match, so the pattern need not be compiled to say so.  Not for
    patterns compiled with re.VERBOSE."""
    if not pattern.isascii():
        return None
    got = _split(pattern)
    if got is None or got[1] != len(pattern):  # a `)` closing nothing: not a pattern we read
        return None
    out = _prefixes(got[0])
    return None if out is None else tuple(out)


def fullmatches(rx: LazyRe, s: str) -> bool:
    """Whether rx.fullmatch(s) matches, without compiling rx when `s` cannot match because it
    starts with none of the pattern's literal prefixes (match_prefixes): a table of patterns is
    mostly asked about strings that begin otherwise.  Exact for any flags but re.VERBOSE, whose
    patterns are always compiled."""
    pre = rx.match_prefixes()
    if pre is not None and s.isascii() and not s.lower().startswith(pre):
        return False
    return rx.fullmatch(s) is not None


class LazyRe:
    """`re.compile(pattern, flags)` done on first use; `pattern` is the source text."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def match_prefixes(self) -> tuple[str, ...] | None:
        """match_prefixes(self.pattern), computed once; None for a re.VERBOSE pattern."""
        d = self.__dict__
        if "_prefixes" not in d:
            d["_prefixes"] = None if self._flags & re.VERBOSE else match_prefixes(self.pattern)
        return d["_prefixes"]

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiling it the first time; re.error for a bad pattern)."""
        rx = re.compile(self.pattern, self._flags)
        d = self.__dict__
        for name in _FORWARDED:
            d[name] = getattr(rx, name)
        d["compiled"] = lambda: rx
        return rx

    # Until the first call these compile, then the instance attributes set above shadow them.
    def match(self, *args, **kw):
        return self.compiled().match(*args, **kw)

    def fullmatch(self, *args, **kw):
        return self.compiled().fullmatch(*args, **kw)

    def search(self, *args, **kw):
        return self.compiled().search(*args, **kw)

    def sub(self, *args, **kw):
        return self.compiled().sub(*args, **kw)

    def subn(self, *args, **kw):
        return self.compiled().subn(*args, **kw)

    def split(self, *args, **kw):
        return self.compiled().split(*args, **kw)

    def findall(self, *args, **kw):
        return self.compiled().findall(*args, **kw)

    def finditer(self, *args, **kw):
        return self.compiled().finditer(*args, **kw)

    # (no __getattr__: defining one slows every attribute lookup, the forwarded methods too)
    @property
    def flags(self) -> int:
        return self.compiled().flags

    @property
    def groups(self) -> int:
        return self.compiled().groups

    @property
    def groupindex(self):
        return self.compiled().groupindex

    def __repr__(self) -> str:
        return f"LazyRe({self.pattern!r}, {self._flags!r})"
