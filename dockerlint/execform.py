"""Attempted exec forms that are not JSON: what is wrong with them, and the quote-only repair.

Part of the model layer, next to syntax.py, which decides what *is* exec form (a JSON array of
strings, PARSING.md §4b).  BuildKit silently reads anything else as shell form, so
`CMD [“bash”]` runs `/bin/sh -c '[“bash”]'`.  `diagnose(ins)` says whether an instruction's
argument is such a failed attempt (a `[` that starts a shell test, `RUN [ -d /etc ] && …`, is
not), lists each problem with its place in the text, and, when quote characters alone are at
fault, gives the repaired array as edits that replace only those characters.

Used by DKL401 (which reports it) and by DKL402/DKL403, which leave such instructions to DKL401:
the author meant exec form, and the fix is to write it as JSON.
"""

from __future__ import annotations

import re

from .lazyre import LazyRe
from .records import Value, setfield
from .spans import TextMap
from .syntax import json_loads

# Instructions whose argument BuildKit reads as JSON when it can (PARSING.md §4b); ADD, COPY and
# VOLUME also do, but their shell form is a plain word list, not a command.
EXEC_KEYWORDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK"})

# Quote characters people (and word processors) put where JSON needs `"`.
_DOUBLE_LIKE = frozenset('"“”„‟″＂')
_SINGLE_LIKE = frozenset("'‘’‚‛′")
_QUOTES = _DOUBLE_LIKE | _SINGLE_LIKE
_WS = " \t\r\n\v\f"
# `# syntax=docker/dockerfile:1.8` and older ignore text after a JSON array (PARSING.md §4b).
_SYNTAX_VERSION = LazyRe(r"^(?:docker\.io/)?docker/dockerfile(?:-upstream)?:(\d+)(?:\.(\d+))?")


class Problem(Value):
    """One thing that keeps the text from being JSON: kind, where (index in the text), what to say.

    kind: typographic-quotes | single-quotes | doubled-quotes | trailing-comma | missing-comma |
    empty-element | bare-word | unterminated-string | unclosed-bracket | trailing-semicolon |
    trailing-comment | trailing-text | bad-escape | not-json
    """

    kind: str
    index: int
    text: str

    __slots__ = _fields = ("kind", "index", "text")

    def __init__(self, kind: str, index: int, text: str) -> None:
        setfield(self, "kind", kind)
        setfield(self, "index", index)
        setfield(self, "text", text)


QUOTE_KINDS = frozenset({"typographic-quotes", "single-quotes", "doubled-quotes"})
TRAILING_KINDS = frozenset({"trailing-semicolon", "trailing-comment", "trailing-text"})


class Diagnosis(Value):
    """A failed exec form.

    text/tmap: the argument as BuildKit sees it (for HEALTHCHECK, the part after `CMD`) and its
    map to the file; problems: in text order; words: the strings the author wrote, quotes
    stripped (None when the text cannot be read as a list of strings); repair: when only quote
    characters are wrong, (index, end, replacement) edits in the text that make it the JSON array
    of exactly `words`, else None; json_text: the array the author meant, as JSON, when `words`
    is known (for help lines).
    """

    keyword: str
    text: str
    tmap: TextMap
    problems: tuple[Problem, ...]
    words: tuple[str, ...] | None
    repair: tuple[tuple[int, int, str], ...] | None
    json_text: str | None

    __slots__ = _fields = ("keyword", "text", "tmap", "problems", "words", "repair", "json_text")

    def __init__(self, keyword: str, text: str, tmap: TextMap, problems: tuple[Problem, ...],
                 words: tuple[str, ...] | None, repair: tuple[tuple[int, int, str], ...] | None,
                 json_text: str | None) -> None:
        setfield(self, "keyword", keyword)
        setfield(self, "text", text)
        setfield(self, "tmap", tmap)
        setfield(self, "problems", problems)
        setfield(self, "words", words)
        setfield(self, "repair", repair)
        setfield(self, "json_text", json_text)


def argument(ins) -> tuple[str, TextMap] | None:
    """The text an exec-form keyword reads as JSON or shell, with its map; None when there is none."""
    if ins.keyword not in EXEC_KEYWORDS or ins.json:
        return None
    rest, tmap = ins.rest, ins.rest_map
    if ins.keyword == "HEALTHCHECK":
        m = re.match(r"(\S+)[ \t\r\n\v\f]*", rest)
        if not m or m.group(1).upper() != "CMD" or m.end() >= len(rest):
            return None
        return rest[m.end():], tmap.sub(m.end(), len(rest))
    return rest, tmap


def trailing_text_ignored(directives) -> bool:
    """Whether the file pins a Dockerfile frontend older than 1.9, which read `["a"] junk` as JSON."""
    for d in directives:
        if d.key != "syntax":
            continue
        m = _SYNTAX_VERSION.match(d.value.strip())
        if m:
            major, minor = int(m.group(1)), int(m.group(2) or 99)
            return (major, minor) < (1, 9)
    return False


def diagnose(ins, trailing_ok: bool = False) -> Diagnosis | None:
    """The Diagnosis when `ins` (RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK CMD) tries exec form and fails.

    None when the argument does not start with `[`, is a JSON array (exec form, or one holding a
    non-string, which the syntax layer reports as DKL001), or is a shell command starting with a
    test (`[ -d /etc ] && …`, `[[ -f x ]]`).  `trailing_ok`: the frontend ignores text after the
    array (a pinned `# syntax` older than 1.9), so `["a"] # note` is exec form there.
    """
    arg = argument(ins)
    if arg is None:
        return None
    text, tmap = arg
    if not text.startswith("["):
        return None
    if ins.keyword != "SHELL" and _is_shell_test(text):
        return None  # (no shell test is valid JSON, so the order of the two checks does not matter)
    try:
        json_loads(text)
        return None  # a JSON array: exec form, or a non-string element (DKL001)
    except ValueError:
        pass
    problems, words, quote_edits, end = _scan(text)
    if trailing_ok and end is not None and all(p.kind in TRAILING_KINDS for p in problems):
        return None
    repair = None
    if words is not None and problems and all(p.kind in QUOTE_KINDS for p in problems):
        repair = _checked_repair(text, quote_edits, words)
        if repair is None:
            bad = _escape_problem(text, words)
            problems = problems + ((bad,) if bad else ())
    elif words is not None and not problems:
        # every string is quoted and placed right, yet JSON refuses it: an escape JSON lacks (`\w`)
        problems = (_escape_problem(text, words) or Problem("not-json", 0, "it is not valid JSON"),)
    import json  # noqa: PLC0415 - here: only a failed JSON array gets this far

    json_text = json.dumps(list(words), ensure_ascii=False) if words is not None else None
    return Diagnosis(ins.keyword, text, tmap, problems, words, repair, json_text)


def _is_shell_test(text: str) -> bool:
    """`[ -d /etc ] && …`, `[ "$x" = 1 ]`, `[[ -f x ]]`: a test command, not an attempt at JSON.

    JSON needs no space after `[`, so a `[` followed by a blank is an attempt only when what follows
    reads as a list: a quoted string and a comma (`[ "echo", "hi" ]`), or typographic quotes, which
    no shell test uses.
    """
    if text.startswith("[[") and len(text) > 2 and text[2] in _WS:
        return True
    if len(text) < 2 or text[1] not in _WS:
        return False
    body = text[1:].lstrip(_WS)
    if not body:
        return True
    if body[0] in _QUOTES - {'"', "'"}:
        return False
    if body[0] in "\"'":
        close = _close_index(body, 0)
        if close is not None:
            after = body[close + 1:].lstrip(_WS)
            if after.startswith(","):
                return False
    return True


def _close_index(s: str, start: int) -> int | None:
    """Index of the quote that closes the string opening at s[start] (same kind: double-like or
    single-like; backslash escapes in ASCII double quotes), or None when it is not closed."""
    opener = s[start]
    family = _DOUBLE_LIKE if opener in _DOUBLE_LIKE else _SINGLE_LIKE
    i = start + 1
    while i < len(s):
        c = s[i]
        if c == "\\" and opener == '"':
            i += 2
            continue
        if c in family:
            return i
        i += 1
    return None


def _scan(text: str):
    """Read `text` as a would-be JSON array: (problems, words or None, quote edits, index after `]`)."""
    import json  # noqa: PLC0415 - only for a failed JSON array (json_loads raised)

    problems: list[Problem] = []
    words: list[str] | None = []
    edits: list[tuple[int, int, str]] = []
    n = len(text)
    i = 1
    end = None
    expect_value = True  # after `[` or `,`
    after_comma = None
    while True:
        while i < n and text[i] in _WS:
            i += 1
        if i >= n:
            problems.append(Problem("unclosed-bracket", n, "the closing `]` is missing"))
            break
        c = text[i]
        if c == "]":
            if after_comma is not None:
                problems.append(Problem("trailing-comma", after_comma, "a comma comes right before `]`"))
            end = i + 1
            break
        if c == ",":
            if expect_value:
                problems.append(Problem("empty-element", i, "a comma has no string before it"))
            after_comma = i
            expect_value = True
            i += 1
            continue
        if not expect_value:
            prev = words[-1] if words else ""
            problems.append(Problem("missing-comma", i, f"a comma is missing after `{json.dumps(prev, ensure_ascii=False)}`"))
        after_comma = None
        expect_value = False
        if c in _QUOTES:
            doubled = (c == '"' and text.startswith('""', i) and i + 2 < n and text[i + 2] not in _WS + ",]\"")
            if doubled:
                close = text.find('""', i + 2)
                if close < 0:
                    problems.append(Problem("unterminated-string", i, "a string is not closed"))
                    words = None
                    break
                content = text[i + 2:close]
                problems.append(Problem("doubled-quotes", i, f"`\"\"{content}\"\"` has doubled quotes"))
                edits += [(i, i + 1, ""), (close, close + 1, "")]
                words.append(content) if words is not None else None
                i = close + 2
                continue
            close = _close_index(text, i)
            if close is None:
                problems.append(Problem("unterminated-string", i, "a string is not closed"))
                words = None
                break
            content = text[i + 1:close]
            opener, closer = text[i], text[close]
            if opener == closer == '"':
                try:
                    value = json.loads(text[i:close + 1])
                except ValueError:
                    value = content
                if words is not None:
                    words.append(value)
            else:
                if opener in _SINGLE_LIKE and closer in _SINGLE_LIKE and opener == closer == "'":
                    problems.append(Problem("single-quotes", i, "its strings are in single quotes, which JSON does not have"))
                else:
                    problems.append(Problem("typographic-quotes", i,
                                            f"its quotes {opener} {closer} are typographic, not JSON's `\"`"))
                edits += [(i, i + 1, '"'), (close, close + 1, '"')]
                if words is not None:
                    words.append(content)
            i = close + 1
            continue
        # a bare word up to a blank, comma or bracket
        j = i
        while j < n and text[j] not in _WS + ",]":
            j += 1
        problems.append(Problem("bare-word", i, f"`{text[i:j]}` is not in double quotes"))
        if words is not None:
            words.append(text[i:j])
        i = j
    if end is not None:
        tail = text[end:]
        stripped = tail.lstrip(_WS)
        if stripped:
            at = end + len(tail) - len(stripped)
            if stripped.startswith("#"):
                problems.append(Problem("trailing-comment", at,
                                        "a `# comment` follows the `]` (`#` starts a comment only at the start "
                                        "of a line)"))
            elif not stripped.strip(";" + _WS):
                problems.append(Problem("trailing-semicolon", at, "a `;` follows the `]`"))
            else:
                problems.append(Problem("trailing-text", at, "text follows the `]`"))
    if any(p.kind in ("unclosed-bracket", "unterminated-string") for p in problems):
        words = None
    return _merged(problems, text), (tuple(words) if words is not None else None), tuple(edits), end


def _merged(problems: list[Problem], text: str) -> tuple[Problem, ...]:
    """One problem per kind for quotes and bare words (`[“a”, “b”]` has one problem, not two)."""
    out: list[Problem] = []
    by_kind: dict[str, list[Problem]] = {}
    for p in sorted(problems, key=lambda p: p.index):
        by_kind.setdefault(p.kind, []).append(p)
    for kind, ps in by_kind.items():
        if kind == "typographic-quotes" and len(ps) > 1:
            chars = []
            for p in ps:
                for c in p.text.split("`")[0].split():
                    if len(c) == 1 and c in _QUOTES and c not in chars:
                        chars.append(c)
            out.append(Problem(kind, ps[0].index, f"its quotes {' '.join(chars)} are typographic, not JSON's `\"`"))
        elif kind in ("single-quotes", "doubled-quotes") and len(ps) > 1:
            out.append(ps[0])
        elif kind == "bare-word" and len(ps) > 1:
            names = " and ".join(p.text.split(" is not")[0] for p in ps[:3])
            out.append(Problem(kind, ps[0].index, f"{names} are not in double quotes"))
        else:
            out.extend(ps)
    out.sort(key=lambda p: p.index)
    return tuple(out)


def _checked_repair(text: str, edits, words) -> tuple[tuple[int, int, str], ...] | None:
    """The quote edits, when applying them gives exactly the JSON array of `words`."""
    import json  # noqa: PLC0415 - only for a failed JSON array (json_loads raised)

    out = text
    for a, b, t in sorted(edits, reverse=True):
        out = out[:a] + t + out[b:]
    try:
        value = json.loads(out)
    except ValueError:
        return None
    if value != list(words):
        return None  # the strings hold `"` or `\`: more than quote characters would change
    return tuple(sorted(edits))


def _escape_problem(text: str, words) -> Problem | None:
    """A backslash JSON does not accept (`"c:\\windows"`), or a raw control character."""
    for m in re.finditer(r"\\(.)", text):
        if m.group(1) not in '"\\/bfnrtu':
            return Problem("bad-escape", m.start(),
                           f"`\\{m.group(1)}` is not a JSON escape (write a backslash as `\\\\`)")
    for i, c in enumerate(text):
        if c in "\t\n\r" or ord(c) < 0x20:
            return Problem("bad-escape", i, "a control character (a tab?) inside a string; JSON needs `\\t`")
    return None
