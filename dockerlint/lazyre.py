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


def match_prefixes(pattern: str) -> tuple[str, ...] | None:
    """Lower-case strings one of which begins every string that `pattern` matches at its start
    (`match`, `fullmatch`), whatever the ASCII case; None when unknown.  Read only from patterns
    of the shape `A|B|…` or `(A|B|…)` (no other group, no escape) whose every alternative starts
    with an ASCII literal: `(ubuntu[0-9.]*|noble|jammy)` -> ("ubuntu", "noble", "jammy").  A
    string that starts with none of them (ASCII-lowered) cannot match, so the pattern need not
    be compiled to say so."""
    body = pattern
    if body[:1] == "(" and body[-1:] == ")" and body.count("(") == 1 and body.count(")") == 1:
        body = body[1:-1]
    if "(" in body or ")" in body or "\\" in body or not body.isascii():
        return None
    out = []
    depth = 0
    alt = []
    alts = []
    for ch in body:  # split on the | outside character classes
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        if ch == "|" and not depth:
            alts.append("".join(alt))
            alt = []
        else:
            alt.append(ch)
    alts.append("".join(alt))
    for a in alts:
        n = 0
        while n < len(a) and a[n] not in _META:
            n += 1
        if n < len(a) and a[n] in "?*{":
            n -= 1  # the last literal is optional (or repeated a number of times we do not read)
        if n <= 0:
            return None
        out.append(a[:n].lower())
    return tuple(out)


class LazyRe:
    """`re.compile(pattern, flags)` done on first use; `pattern` is the source text."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags

    def match_prefixes(self) -> tuple[str, ...] | None:
        """match_prefixes(self.pattern), computed once."""
        d = self.__dict__
        if "_prefixes" not in d:
            d["_prefixes"] = match_prefixes(self.pattern)
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
