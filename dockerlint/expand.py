"""BuildKit's variable expansion (PARSING.md §8), for the values the model resolves.

Only what a linter needs: $X, ${X}, ${X:-w}, ${X-w}, ${X:+w}, ${X+w}, quotes and
escapes.  An unknown variable expands to "" as BuildKit does, but the caller is
told the result is not fully known so rules can stay quiet instead of guessing.
In ``env`` a name mapped to None is declared without a known value (an ARG with
no default, which a --build-arg may set); a name that is absent is unset.
"""

from __future__ import annotations

from collections.abc import Mapping

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


_MAX_DEPTH = 32  # nested ${a:-${b:-…}} deeper than any real Dockerfile: give up as "unknown"


def expand(text: str, env: Mapping[str, str | None], escape: str = "\\", nesting: int = 0) -> tuple[str, bool]:
    """Return (expanded text, whether every variable it used was known)."""
    if nesting > _MAX_DEPTH:
        return "", False
    if "$" not in text and "'" not in text and '"' not in text and escape not in text:
        return text, True
    out: list[str] = []
    known = True
    i, n = 0, len(text)
    quote = ""
    while i < n:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                out.append(ch)
            i += 1
            continue
        if ch == escape and i + 1 < n:
            nxt = text[i + 1]
            if quote == '"' and nxt not in ('"', "$", escape):
                out.append(ch)
                i += 1
                continue
            out.append(nxt)
            i += 2
            continue
        if ch == escape:
            i += 1
            continue
        if ch in "'\"" and not quote:
            quote = ch
            i += 1
            continue
        if ch == '"' and quote == '"':
            quote = ""
            i += 1
            continue
        if ch == "$":
            value, ok, i = _dollar(text, i, env, escape, nesting)
            known = known and ok
            out.append(value)
            continue
        out.append(ch)
        i += 1
    return "".join(out), known


def _dollar(text: str, i: int, env: Mapping[str, str | None], escape: str, nesting: int = 0) -> tuple[str, bool, int]:
    n = len(text)
    j = i + 1
    if j < n and text[j] == "{":
        depth, k = 1, j + 1
        while k < n and depth:
            if text[k] == "{":
                depth += 1
            elif text[k] == "}":
                depth -= 1
            k += 1
        if depth:
            return text[i:], False, n
        inner = text[j + 1 : k - 1]
        name_end = 0
        while name_end < len(inner) and inner[name_end] in _NAME_CHARS:
            name_end += 1
        name, op = inner[:name_end], inner[name_end:]
        present = name in env
        raw = env.get(name)
        known = raw is not None or not present
        val = raw or ""
        if not op:
            return val, known, k
        for mod in (":-", ":+", "-", "+"):
            if op.startswith(mod):
                word, wknown = expand(op[len(mod):], env, escape, nesting + 1)
                if not known:
                    return word, False, k
                if mod == ":-":
                    return (val, True, k) if val else (word, wknown, k)
                if mod == "-":
                    return (val, True, k) if present else (word, wknown, k)
                if mod == ":+":
                    return (word, wknown, k) if val else ("", True, k)
                return (word, wknown, k) if present else ("", True, k)
        return "", False, k  # patterns and ${X:?}: not needed to lint, so unknown
    k = j
    while k < n and text[k] in _NAME_CHARS:
        k += 1
    if k == j:
        return "$", True, j
    name = text[j:k]
    raw = env.get(name)
    return raw or "", raw is not None or name not in env, k
