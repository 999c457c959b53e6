"""Dockerfile text to instructions, read the way BuildKit's parser reads it.

The spec is shared/PARSING.md; section numbers below refer to it.  Where
BuildKit versions disagree we follow HEAD.  Unlike BuildKit we do not stop at
the first error: each problem becomes a SyntaxIssue (reported as DKL001) and
parsing carries on, so the rest of the file can still be linted.
"""

from __future__ import annotations

import re

from .lazyre import LazyRe
from .records import Frozen, Mutable, Value, setfield
from .spans import Span, TextMap


# A JSON array of strings none of which has an escape or a control character, as JSON reads it
# (whitespace: space, tab, newline, carriage return): nearly every exec form.
_PLAIN_ARRAY = LazyRe(r'\[[ \t\n\r]*(?:"[^"\\\x00-\x1f]*"[ \t\n\r]*(?:,[ \t\n\r]*"[^"\\\x00-\x1f]*"[ \t\n\r]*)*)?\][ \t\n\r]*')
_PLAIN_STRING = LazyRe(r'"([^"\\\x00-\x1f]*)"')


def json_loads(text: str):
    """json.loads(text): the same value, or ValueError (json.JSONDecodeError) where it raises.

    An array of strings without escapes (_PLAIN_ARRAY) is read here, without importing json:
    the json package (and the patterns it compiles) cost some 3 ms of a one-file run, and a
    file's exec forms are nearly always of that shape; anything else goes to json.loads."""
    if _PLAIN_ARRAY.fullmatch(text):
        return _PLAIN_STRING.findall(text)
    import json  # noqa: PLC0415

    return json.loads(text)

MAX_LINE = 65535  # BuildKit's scanner limit, in bytes, without the "\n" (§2)

KEYWORDS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER "
    "ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})

# Flags BuildKit accepts per instruction (§5); True marks a boolean flag,
# "*" a repeatable string flag.
FLAGS: dict[str, dict[str, object]] = {
    "ADD": {"chown": "", "chmod": "", "link": True, "keep-git-dir": True, "checksum": "",
            "unpack": True, "exclude": "*"},
    "COPY": {"from": "", "chown": "", "chmod": "", "link": True, "parents": True, "exclude": "*"},
    "FROM": {"platform": ""},
    "RUN": {"mount": "*", "network": "", "security": "", "device": "*"},
    "HEALTHCHECK": {"interval": "", "timeout": "", "start-period": "", "start-interval": "",
                    "retries": ""},
}
# These never validate flags, so BuildKit ignores unknown ones (§5).
UNCHECKED_FLAGS = frozenset({"STOPSIGNAL", "ARG"})

_DIRECTIVE = LazyRe(r"^#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.+?)\s*$")
_KNOWN_DIRECTIVES = ("syntax", "escape", "check")
_WS = LazyRe(r"[\t\v\f\r ]+")
_HEREDOC_WORD = LazyRe(r"^(\d*)<<(-?)(.*)$")
_STAGE_NAME = LazyRe(r"^[a-z][a-z0-9\-_.]*$")


class Word(Value):
    text: str
    span: Span

    __slots__ = _fields = ("text", "span")

    def __init__(self, text: str, span: Span) -> None:
        setfield(self, "text", text)
        setfield(self, "span", span)


class Flag(Value):
    name: str
    value: str | None  # None for a bare boolean flag such as --link
    span: Span

    __slots__ = _fields = ("name", "value", "span")

    def __init__(self, name: str, value: str | None, span: Span) -> None:
        setfield(self, "name", name)
        setfield(self, "value", value)
        setfield(self, "span", span)


class Heredoc(Value):
    name: str
    body: str
    chomp: bool  # <<-: leading tabs are stripped when it is used
    expand: bool  # False when the delimiter was quoted
    fd: int | None
    span: Span  # the body lines, without the terminator
    body_map: TextMap
    terminator_line: int

    __slots__ = _fields = ("name", "body", "chomp", "expand", "fd", "span", "body_map",
                           "terminator_line")

    def __init__(self, name: str, body: str, chomp: bool, expand: bool, fd: int | None, span: Span,
                 body_map: TextMap, terminator_line: int) -> None:
        setfield(self, "name", name)
        setfield(self, "body", body)
        setfield(self, "chomp", chomp)
        setfield(self, "expand", expand)
        setfield(self, "fd", fd)
        setfield(self, "span", span)
        setfield(self, "body_map", body_map)
        setfield(self, "terminator_line", terminator_line)


class Comment(Value):
    text: str  # after the "#", stripped
    span: Span

    __slots__ = _fields = ("text", "span")

    def __init__(self, text: str, span: Span) -> None:
        setfield(self, "text", text)
        setfield(self, "span", span)


class Directive(Value):
    key: str  # lower case
    value: str
    span: Span

    __slots__ = _fields = ("key", "value", "span")

    def __init__(self, key: str, value: str, span: Span) -> None:
        setfield(self, "key", key)
        setfield(self, "value", value)
        setfield(self, "span", span)


class SyntaxIssue(Value):
    message: str
    span: Span

    __slots__ = _fields = ("message", "span")

    def __init__(self, message: str, span: Span) -> None:
        setfield(self, "message", message)
        setfield(self, "span", span)


class Instruction(Frozen):
    keyword: str  # upper case
    raw_keyword: str
    start_line: int  # as BuildKit counts it (§2)
    end_line: int
    span: Span  # keyword to the end of the last line consumed
    keyword_span: Span
    flags: tuple[Flag, ...]
    rest: str  # the argument text after the flags, as BuildKit joins it
    rest_map: TextMap
    args: tuple[Word, ...]  # words per the instruction's shape (§4)
    json: bool  # exec form
    heredocs: tuple[Heredoc, ...]
    pairs: tuple[tuple[Word, Word | None], ...]  # ENV, LABEL, ARG
    trigger: "Instruction | None"  # ONBUILD's instruction

    __slots__ = _fields = ("keyword", "raw_keyword", "start_line", "end_line", "span",
                           "keyword_span", "flags", "rest", "rest_map", "args", "json", "heredocs",
                           "pairs", "trigger")

    def __init__(self, keyword: str, raw_keyword: str, start_line: int, end_line: int, span: Span,
                 keyword_span: Span, flags: tuple[Flag, ...], rest: str, rest_map: TextMap,
                 args: tuple[Word, ...], json: bool, heredocs: tuple[Heredoc, ...] = (),
                 pairs: tuple[tuple[Word, Word | None], ...] = (),
                 trigger: "Instruction | None" = None) -> None:
        setfield(self, "keyword", keyword)
        setfield(self, "raw_keyword", raw_keyword)
        setfield(self, "start_line", start_line)
        setfield(self, "end_line", end_line)
        setfield(self, "span", span)
        setfield(self, "keyword_span", keyword_span)
        setfield(self, "flags", flags)
        setfield(self, "rest", rest)
        setfield(self, "rest_map", rest_map)
        setfield(self, "args", args)
        setfield(self, "json", json)
        setfield(self, "heredocs", heredocs)
        setfield(self, "pairs", pairs)
        setfield(self, "trigger", trigger)

    def flag(self, name: str) -> Flag | None:
        for f in self.flags:
            if f.name == name:
                return f
        return None

    def flag_values(self, name: str) -> list[str]:
        return [f.value or "" for f in self.flags if f.name == name]


class ParsedFile(Mutable):
    instructions: list[Instruction]
    comments: list[Comment]
    directives: list[Directive]
    issues: list[SyntaxIssue]
    warnings: list[SyntaxIssue]
    lines: list[str]  # physical lines, without line ends
    escape: str
    bom: bool
    newline: str
    final_newline: bool

    _fields = ("instructions", "comments", "directives", "issues", "warnings", "lines", "escape",
               "bom", "newline", "final_newline")

    def __init__(self, instructions: list[Instruction] | None = None,
                 comments: list[Comment] | None = None, directives: list[Directive] | None = None,
                 issues: list[SyntaxIssue] | None = None, warnings: list[SyntaxIssue] | None = None,
                 lines: list[str] | None = None, escape: str = "\\", bom: bool = False,
                 newline: str = "\n", final_newline: bool = True) -> None:
        self.instructions = [] if instructions is None else instructions
        self.comments = [] if comments is None else comments
        self.directives = [] if directives is None else directives
        self.issues = [] if issues is None else issues
        self.warnings = [] if warnings is None else warnings
        self.lines = [] if lines is None else lines
        self.escape = escape
        self.bom = bom
        self.newline = newline
        self.final_newline = final_newline


def _line_span(lines: list[str], n: int) -> Span:
    """The whole of physical line n (1-based), at least one column wide."""
    text = lines[n - 1] if 0 < n <= len(lines) else ""
    return Span(n, 1, n, max(len(text), 1) + 1 if text else 2)


class _Parser:
    def __init__(self, text: str):
        self.out = ParsedFile()
        if text.startswith("\ufeff"):
            text = text[1:]
            self.out.bom = True
        if "\r\n" in text:
            self.out.newline = "\r\n"
        self.out.final_newline = text.endswith("\n") or text == ""
        raw = text.split("\n")
        if raw and raw[-1] == "" and text.endswith("\n"):
            raw.pop()
        too_long = set()
        lines = []
        for i, ln in enumerate(raw):
            if len(ln) > MAX_LINE // 4 and len(ln.encode("utf-8", "surrogateescape")) > MAX_LINE:
                too_long.add(i)
            lines.append(ln.rstrip("\r"))
        self.lines = lines
        self.out.lines = lines
        self.too_long = too_long
        self.escape = "\\"
        self.stage_seen = False
        self.before_from_reported = False

    def issue(self, message: str, span: Span) -> None:
        self.out.issues.append(SyntaxIssue(message, span))

    # §1
    def directives(self) -> int:
        seen: dict[str, Directive] = {}
        i = 0
        while i < len(self.lines):
            if i in self.too_long:
                break
            line = self.lines[i]
            stripped = line.lstrip()
            m = _DIRECTIVE.match(stripped) if stripped.startswith("#") else None  # no compile for FROM
            if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES:
                break
            key, value = m.group(1).lower(), m.group(2)
            col = len(line) - len(stripped) + 1
            span = Span(i + 1, col, i + 1, len(line) + 1)
            if key in seen:
                self.issue(f"only one {key} parser directive can be used", span)
            else:
                d = Directive(key, value, span)
                seen[key] = d
                self.out.directives.append(d)
                if key == "escape":
                    if value in ("\\", "`"):
                        self.escape = value
                    else:
                        self.issue(f"invalid escape token '{value}' does not match ` or \\", span)
            self.out.comments.append(Comment(stripped[1:].strip(), span))
            i += 1
        self.out.escape = self.escape
        return i

    def continues(self, text: str) -> tuple[str, bool]:
        """BuildKit's trimContinuationCharacter: (text without the escape, whether it continues)."""
        e = self.escape
        j = len(text)
        while j > 0 and text[j - 1] in " \t":
            j -= 1
        if j > 0 and text[j - 1] == e and (j == 1 or text[j - 2] != e):
            return text[: j - 1], True
        return text, False

    def long_line(self, i: int) -> None:
        self.issue(f"dockerfile line greater than max allowed size of {MAX_LINE}", Span(i + 1, 1, i + 1, 2))

    def comment(self, i: int, line: str) -> None:
        """Keep a comment line (index i) with its span: suppressions live in comments."""
        stripped = line.lstrip()
        col = len(line) - len(stripped) + 1
        self.out.comments.append(Comment(stripped[1:].strip(), Span(i + 1, col, i + 1, len(line) + 1)))

    def parse(self) -> ParsedFile:
        lines = self.lines
        i = self.directives()
        n = len(lines)
        while i < n:
            if i in self.too_long:
                self.long_line(i)
                i += 1
                continue
            line = lines[i]
            stripped = line.lstrip()
            lead = len(line) - len(stripped)
            if stripped.startswith("#"):
                self.comment(i, line)
                i += 1
                continue
            start = i
            piece, cont = self.continues(stripped)
            # BuildKit trims whitespace off the joined line, so a blank first line ends nothing.
            if not cont and not piece.strip():
                i += 1
                continue
            text_parts = [piece]
            segments = [(0, i + 1, lead + 1)]
            length = len(piece)
            empty_cont = False
            i += 1
            while cont and i < n:
                if i in self.too_long:
                    self.long_line(i)
                    i += 1
                    break
                raw = lines[i]
                rs = raw.lstrip()
                if rs.startswith("#"):
                    self.comment(i, raw)
                    i += 1
                    continue
                if not rs:
                    empty_cont = True
                    i += 1
                    continue
                piece, cont = self.continues(raw)
                segments.append((length, i + 1, 1))
                text_parts.append(piece)
                length += len(piece)
                i += 1
            joined = "".join(text_parts)
            tmap = TextMap(joined, segments)
            end_line = i  # 1-based number of the last line consumed
            ins = self.instruction(joined, tmap, start + 1, end_line)
            if ins is None:
                continue
            if empty_cont:
                self.out.warnings.append(
                    SyntaxIssue("Empty continuation line found in: " + joined.strip(),
                                _line_span(lines, end_line))
                )
            # §6: heredoc bodies follow the instruction's last line.
            docs = self.heredoc_words(ins)
            if docs:
                bodies = []
                for name, chomp, expand, fd in docs:
                    body_start = i
                    terminated = False
                    while i < n:
                        if i in self.too_long:
                            break
                        cand = lines[i]
                        if chomp:
                            cand = cand.lstrip("\t")
                        if cand == name:
                            terminated = True
                            break
                        i += 1
                    if not terminated:
                        self.issue(
                            f"unterminated heredoc {name!r}: no line '{name}' ends it",
                            Span(ins.span.line, ins.span.column, max(i, ins.span.line),
                                 len(lines[i - 1]) + 1 if i > 0 else 2),
                        )
                        i = n
                    body_lines = lines[body_start:i]
                    body = "".join(b + "\n" for b in body_lines)
                    segs, off = [], 0
                    for k, b in enumerate(body_lines):
                        segs.append((off, body_start + k + 1, 1))
                        off += len(b) + 1
                    bmap = TextMap(body, segs or [(0, body_start + 1, 1)])
                    if body_lines:
                        bspan = Span(body_start + 1, 1, i, len(body_lines[-1]) + 1)
                    else:
                        bspan = Span(body_start + 1, 1, body_start + 1, 1)
                    bodies.append(Heredoc(name, body, chomp, expand, fd, bspan, bmap, i + 1))
                    if terminated:
                        i += 1
                end_line = i
                last = lines[end_line - 1] if end_line else ""
                ins = _complete(ins, heredocs=tuple(bodies), end_line=end_line,
                               span=Span(ins.span.line, ins.span.column, end_line, len(last) + 1))
                if ins.trigger is not None:
                    ins = _complete(ins, trigger=_complete(ins.trigger, heredocs=tuple(bodies)))
            self.out.instructions.append(ins)
        if not self.out.instructions and not any(
            "max allowed size" in x.message for x in self.out.issues
        ):
            self.issue("file with no instructions", Span(1, 1, 1, 2))
        return self.out

    def heredoc_words(self, ins: Instruction) -> list[tuple[str, bool, bool, int | None]]:
        target = ins.trigger if ins.keyword == "ONBUILD" and ins.trigger is not None else ins
        if target.keyword not in HEREDOC_KEYWORDS or target.json or "<<" not in target.rest:
            return []
        words = _shell_words(target.rest)
        docs = []
        k = 0
        while k < len(words):
            w = words[k]
            m = _HEREDOC_WORD.match(w)
            if m:
                fd, chomp, name = m.group(1), m.group(2) == "-", m.group(3)
                if name == "" and k + 1 < len(words):  # `<< EOF`, accepted since 1.16
                    k += 1
                    name = words[k]
                if name and "<" not in name:
                    unq, quoted = _unquote(name)
                    if unq:
                        docs.append((unq, chomp, not quoted, int(fd) if fd else None))
            k += 1
        return docs

    # §3, §4, §5
    def instruction(self, joined: str, tmap: TextMap, start_line: int, end_line: int,
                    onbuild: bool = False) -> Instruction | None:
        s = 0
        L = len(joined)
        while s < L and joined[s].isspace():
            s += 1
        e = L
        while e > s and joined[e - 1].isspace():
            e -= 1
        if s >= e:
            return None
        k = s
        while k < e and joined[k] not in "\t\v\f\r ":
            k += 1
        raw_kw = joined[s:k]
        kw = raw_kw.upper()
        kw_span = tmap.span(s, k)
        last_line = self.lines[end_line - 1] if 0 < end_line <= len(self.lines) else ""
        span = Span(kw_span.line, kw_span.column, end_line, len(last_line) + 1)
        flags, a = self.flags(joined, k, e, tmap)
        rest = joined[a:e]
        rest_map = tmap.sub(a, e)
        ins = Instruction(kw, raw_kw, start_line, end_line, span, kw_span, tuple(flags), rest,
                          rest_map, (), False)
        if kw not in KEYWORDS:
            hint = _did_you_mean(kw)
            self.issue(f"unknown instruction: {raw_kw}" + (f" (did you mean {hint}?)" if hint else ""),
                       kw_span)
            return ins
        if not onbuild:
            if kw == "FROM":
                self.stage_seen = True
            elif kw != "ARG" and not self.stage_seen and not self.before_from_reported:
                # BuildKit stops at the first one, and one FROM above it fixes every line:
                # one finding, not one per instruction
                self.before_from_reported = True
                self.issue(f"{raw_kw} before the first FROM: no build stage in current context",
                           kw_span)
        self.check_flags(ins)
        return self.arguments(ins)

    def flags(self, text: str, pos: int, end: int, tmap: TextMap) -> tuple[list[Flag], int]:
        """extractBuilderFlags: words starting with `--` after the keyword."""
        out: list[Flag] = []
        esc = self.escape
        while True:
            while pos < end and text[pos].isspace():
                pos += 1
            if pos >= end or not text.startswith("--", pos):
                return out, pos
            wstart = pos
            buf: list[str] = []
            quote = ""
            while pos < end:
                ch = text[pos]
                if quote:
                    if ch == quote:
                        quote = ""
                    elif ch == esc and pos + 1 < end:
                        pos += 1
                        buf.append(text[pos])
                    else:
                        buf.append(ch)
                elif ch.isspace():
                    break
                elif ch in "'\"":
                    quote = ch
                elif ch == esc and pos + 1 < end:
                    pos += 1
                    buf.append(text[pos])
                elif ch != esc:
                    buf.append(ch)
                pos += 1
            word = "".join(buf)
            if word == "--":
                while pos < end and text[pos].isspace():
                    pos += 1
                return out, pos
            name, eq, value = word[2:].partition("=")
            out.append(Flag(name, value if eq else None, tmap.span(wstart, pos)))

    def check_flags(self, ins: Instruction) -> None:
        kw = ins.keyword
        if kw in UNCHECKED_FLAGS or (kw == "HEALTHCHECK" and ins.rest.upper().startswith("NONE")):
            return
        allowed = FLAGS.get(kw, {})
        seen: set[str] = set()
        for f in ins.flags:
            spec = allowed.get(f.name)
            if spec is None:
                hint = _closest(f.name, allowed)
                self.issue(f"unknown flag: --{f.name}" + (f" (did you mean {hint}?)" if hint else "")
                           + ("" if allowed else f"; {kw} takes no flags"), f.span)
            elif spec is True:
                if f.value is not None and f.value.lower() not in ("true", "false"):
                    msg = (f"missing a value on flag: --{f.name}" if f.value == ""
                           else f"expecting boolean value for flag --{f.name}, not: {f.value}")
                    self.issue(msg, f.span)
            elif f.value is None:
                self.issue(f"missing a value on flag: --{f.name} (write --{f.name}=VALUE)", f.span)
            if spec is not None and spec != "*" and f.name in seen:
                self.issue(f"duplicate flag specified: --{f.name}", f.span)
            seen.add(f.name)
        if kw == "COPY":
            frm = ins.flag("from")
            if frm and frm.value and "$" in frm.value:
                self.issue("variable expansion is not supported for --from; define a stage with "
                           "FROM using a global ARG instead", frm.span)

    def arguments(self, ins: Instruction) -> Instruction:
        kw, rest, tmap = ins.keyword, ins.rest, ins.rest_map
        if kw in ("RUN", "CMD", "ENTRYPOINT", "SHELL"):
            words = self.json_words(ins)
            if words is not None:
                return _complete(ins, args=words, json=True)
            if kw == "SHELL" and not rest.startswith("["):
                # a failed JSON array is DKL401's (dockerlint/execform.py): one fact, one finding
                self.issue("SHELL requires the arguments to be in JSON form", ins.keyword_span)
            args = (Word(rest, tmap.span(0, len(rest))),) if rest else ()
            return _complete(ins, args=args)
        if kw in ("ADD", "COPY", "VOLUME"):
            words = self.json_words(ins)
            if words is not None:
                return _complete(ins, args=words, json=True)
            return _complete(ins, args=_split_ws(rest, tmap))
        if kw in ("FROM", "EXPOSE"):
            args = _split_ws(rest, tmap)
            if kw == "FROM":
                self.check_from(ins, args)
            return _complete(ins, args=args)
        if kw in ("ENV", "LABEL"):
            return self.name_val(ins)
        if kw == "ARG":
            words = _quoted_words(rest, tmap, self.escape)
            if not words:
                self.issue("ARG requires at least one argument", ins.keyword_span)
            pairs = []
            for w in words:
                name, eq, val = w.text.partition("=")
                if not name:
                    self.issue("ARG names can not be blank", w.span)
                nspan = Span(w.span.line, w.span.column, w.span.line, w.span.column + len(name))
                vword = None
                if eq:
                    vword = Word(val, Span(w.span.line, nspan.end_column + 1, w.span.end_line,
                                           w.span.end_column))
                pairs.append((Word(name, nspan), vword))
            return _complete(ins, args=tuple(words), pairs=tuple(pairs))
        if kw == "HEALTHCHECK":
            m = re.match(r"\S+", rest)
            if not m:
                self.issue("HEALTHCHECK requires an argument", ins.keyword_span)
                return ins
            typ = m.group(0).upper()
            first = Word(m.group(0), tmap.span(0, m.end()))
            if typ == "NONE":
                if rest[m.end():].strip():
                    self.issue("HEALTHCHECK NONE takes no arguments", ins.span)
                return _complete(ins, args=(first,))
            if typ != "CMD":
                self.issue(f'Unknown type "{m.group(0)}" in HEALTHCHECK (try CMD)', first.span)
                return _complete(ins, args=(first,))
            cmd_start = m.end()
            while cmd_start < len(rest) and rest[cmd_start].isspace():
                cmd_start += 1
            cmd = rest[cmd_start:]
            if not cmd:
                self.issue("Missing command after HEALTHCHECK CMD", ins.span)
                return _complete(ins, args=(first,))
            sub = _replace(ins, rest=cmd, rest_map=tmap.sub(cmd_start, len(rest)))
            words = self.json_words(sub)
            if words is not None:
                return _complete(ins, args=(first,) + words, json=True)
            return _complete(ins, args=(first, Word(cmd, tmap.span(cmd_start, len(rest)))))
        if kw == "ONBUILD":
            if not rest:
                self.issue("ONBUILD requires at least one argument", ins.keyword_span)
                return ins
            trig = self.instruction(rest, tmap, ins.start_line, ins.end_line, onbuild=True)
            if trig is not None:
                if trig.keyword == "ONBUILD":
                    self.issue("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", trig.keyword_span)
                elif trig.keyword in ("FROM", "MAINTAINER"):
                    self.issue(f"{trig.keyword} isn't allowed as an ONBUILD trigger", trig.keyword_span)
            return _complete(ins, trigger=trig)
        # MAINTAINER, STOPSIGNAL, USER, WORKDIR: the whole rest is one value.
        if not rest:
            self.issue(f"{kw} requires exactly one argument", ins.keyword_span)
            return ins
        return _complete(ins, args=(Word(rest, tmap.span(0, len(rest))),))

    def json_words(self, ins: Instruction) -> tuple[Word, ...] | None:
        """§4b: a JSON array of strings is exec form; anything else falls back to shell form."""
        rest = ins.rest
        if not rest.startswith("["):
            return None
        try:
            val = json_loads(rest)
        except ValueError:
            return None
        if not isinstance(val, list):
            return None
        if not all(isinstance(v, str) for v in val):
            self.issue("when using JSON array syntax, arrays must be comprised of strings only",
                       ins.rest_map.span(0, len(rest)))
            return None
        spans = [m.span() for m in re.finditer(r'"(?:[^"\\]|\\.)*"', rest)]
        if len(spans) != len(val):
            spans = [(0, len(rest))] * len(val)
        return tuple(Word(v, ins.rest_map.span(a, b)) for v, (a, b) in zip(val, spans))

    def check_from(self, ins: Instruction, args: tuple[Word, ...]) -> None:
        if len(args) not in (1, 3) or (len(args) == 3 and args[1].text.lower() != "as"):
            self.issue("FROM requires either one or three arguments: FROM [--platform=P] image [AS name]",
                       ins.span)
            return
        if len(args) == 3:
            name = args[2].text.lower()
            if not _STAGE_NAME.match(name):
                self.issue(f'invalid name for build stage: "{args[2].text}", name can\'t start with a '
                           "number or contain symbols", args[2].span)

    def name_val(self, ins: Instruction) -> Instruction:
        kw, rest, tmap = ins.keyword, ins.rest, ins.rest_map
        words = _quoted_words(rest, tmap, self.escape)
        if not words:
            self.issue(f"{kw} requires at least one argument", ins.keyword_span)
            return ins
        pairs: list[tuple[Word, Word | None]] = []
        if "=" not in words[0].text:
            # Legacy `ENV key value with spaces`: the value is the rest verbatim (§9).
            m = re.match(r"(\S+)[\t\v\f\r ]+", rest)
            if not m:
                self.issue(f"{kw} must have two arguments", ins.span)
                return _complete(ins, args=tuple(words))
            k = Word(m.group(1), tmap.span(0, len(m.group(1))))
            v = Word(rest[m.end():], tmap.span(m.end(), len(rest)))
            return _complete(ins, args=tuple(words), pairs=((k, v),))
        for w in words:
            name, eq, val = w.text.partition("=")
            if not eq:
                self.issue(f'Syntax error - can\'t find = in "{w.text}". Must be of the form: name=value',
                           w.span)
                continue
            if not name:
                self.issue(f"{kw} names can not be blank", w.span)
            nspan = Span(w.span.line, w.span.column, w.span.line, w.span.column + len(name))
            vspan = Span(w.span.line, nspan.end_column + 1, w.span.end_line, w.span.end_column)
            pairs.append((Word(name, nspan), Word(val, vspan)))
        return _complete(ins, args=tuple(words), pairs=tuple(pairs))


def _complete(ins: Instruction, **kw) -> Instruction:
    """`ins` with fields filled in (its arguments, heredocs, trigger), in place: only for an
    Instruction this parser has just made and nobody holds yet.  Copying all fourteen fields
    (_replace) for each instruction was a tenth of the parse."""
    for name, value in kw.items():
        setfield(ins, name, value)
    return ins


def _replace(ins: Instruction, **kw) -> Instruction:
    d = {f: getattr(ins, f) for f in ins._fields}
    d.update(kw)
    return Instruction(**d)


def _split_ws(text: str, tmap: TextMap) -> tuple[Word, ...]:
    return tuple(Word(m.group(0), tmap.span(m.start(), m.end())) for m in re.finditer(r"[^\t\v\f\r ]+", text))


# Runs of characters that _quoted_words passes over one by one outside quotes (`\s` is
# str.isspace's set): skipped with one match instead of a Python step per character.
_PLAIN = {"\\": LazyRe(r"""[^\s'"\\]+"""), "`": LazyRe(r"""[^\s'"`]+""")}
_SPACES = LazyRe(r"\s+")


def _quoted_words(text: str, tmap: TextMap, esc: str) -> list[Word]:
    """parseWords (§9): whitespace-separated, quotes and escapes kept in the word."""
    out: list[Word] = []
    i, n = 0, len(text)
    plain = _PLAIN.get(esc)
    spaces = _SPACES.match
    while i < n:
        m = spaces(text, i)
        if m:
            i = m.end()
        if i >= n:
            break
        start = i
        quote = ""
        while i < n:
            if not quote and plain is not None:
                m = plain.match(text, i)
                if m:
                    i = m.end()
                    if i >= n:
                        break
            ch = text[i]
            if quote:
                if ch == quote:
                    quote = ""
                elif ch == esc and quote == '"' and i + 1 < n:
                    i += 1
            elif ch.isspace():
                break
            elif ch in "'\"":
                quote = ch
            elif ch == esc and i + 1 < n:
                i += 1
            i += 1
        out.append(Word(text[start:i], tmap.span(start, i)))
    return out


def _shell_words(text: str) -> list[str]:
    """Whitespace-split words with quotes kept, as BuildKit's heredoc detection sees them."""
    out, buf, quote, i = [], [], "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = ""
        elif ch.isspace():
            if buf:
                out.append("".join(buf))
                buf = []
        else:
            if ch in "'\"":
                quote = ch
            elif ch == "\\" and i + 1 < len(text):
                buf.append(ch)
                i += 1
                ch = text[i]
            buf.append(ch)
        i += 1
    if buf:
        out.append("".join(buf))
    return out


def _unquote(word: str) -> tuple[str, bool]:
    quoted = False
    out = []
    quote = ""
    i = 0
    while i < len(word):
        ch = word[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"' and i + 1 < len(word) and word[i + 1] in '"\\$':
                i += 1
                out.append(word[i])
            else:
                out.append(ch)
        elif ch in "'\"":
            quote = ch
            quoted = True
        elif ch == "\\" and i + 1 < len(word):
            quoted = True
            i += 1
            out.append(word[i])
        else:
            out.append(ch)
        i += 1
    return "".join(out), quoted


def _closest(word: str, options, cutoff: float = 0.7) -> str | None:
    import difflib

    m = difflib.get_close_matches(word, sorted(options), n=1, cutoff=cutoff)
    return m[0] if m else None


def _did_you_mean(kw: str) -> str | None:
    return _closest(kw.upper(), KEYWORDS, 0.5) if len(kw) < 40 else None


def parse(text: str) -> ParsedFile:
    """Parse Dockerfile text (already decoded) into instructions, comments and issues."""
    return _Parser(text).parse()
