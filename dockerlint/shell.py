"""The shell layer: the simple commands a piece of shell text runs.

``parse_shell`` parses the text of a shell-form ``RUN`` (already joined by the
Dockerfile layer) or of a heredoc body run by a shell with tree-sitter-bash and
flattens it into the simple commands it runs, in source order, each with its
words, prefix assignments, position and the context it runs in (joined by
``&&`` or ``;``, inside a pipeline, a subshell, a ``$( )``, an ``if``; is
``set -e`` in force).  Lint rules ask questions of that list, e.g. "does this
RUN run ``apt-get install`` and later ``rm -rf /var/lib/apt/lists/*``?".

tree-sitter is imported on first use only, and the parser is built once per
process.  ``parse_shell`` never raises on bad input: a text that does not parse
gives the commands that could be found and ``has_errors=True``.

Known limits (by design, to stay simple and fast):

* errexit is tracked in source order; ``set -e`` inside a subshell, ``$( )`` or
  a function body is undone at its end, one inside an ``if`` body is not.
  Command substitutions inherit the state (as dash, /bin/sh on Debian, does).
* the bodies of heredocs inside the script (``cat <<EOF``) are data: no
  commands are taken from them, not even from ``$( )`` in an unquoted one.
* ``sh -c '...'`` / ``bash -c`` strings are not parsed again; they are words.
* a leading ``time`` (and ``time -p``) is dropped from argv, as for the shell
  keyword.  ``sudo``, ``env``, ``exec``, ``nohup``... are left to the rules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
TYPE_CHECKING = False  # typing costs ~5 ms of start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any

from dockerlint.spans import Span, TextMap, _new_span

from .lazyre import LazyRe
from .records import Value, setfield

__all__ = ["Word", "Command", "Statement", "ShellScript", "parse_shell"]


# --------------------------------------------------------------------------
# Public data model


class Word(Value):
    """One shell word.

    ``text`` is the value after quote removal when the word is static
    (``"a b"`` -> ``a b``, ``'x'\\''y'`` -> ``x'y``).  A word that contains an
    expansion (``$X``, ``${X:-y}``, ``$(...)``, ``$((...))``) has
    ``is_static`` False and its text is the source with the quotes around
    literal parts removed (``"$HOME/bin"`` -> ``$HOME/bin``); expansions are
    kept as written.
    """

    text: str
    raw: str
    span: Span
    is_static: bool

    __slots__ = _fields = ("text", "raw", "span", "is_static")

    def __init__(self, text: str, raw: str, span: Span, is_static: bool) -> None:
        setfield(self, "text", text)
        setfield(self, "raw", raw)
        setfield(self, "span", span)
        setfield(self, "is_static", is_static)

    def __str__(self) -> str:  # handy in messages
        return self.text


class Command(Value):
    """A simple command, found anywhere in the script.

    ``argv`` is the command name and its arguments, without prefix
    assignments and redirections; it is empty for a bare ``X=1``.
    ``export``/``declare``/``local``/``readonly``/``typeset``/``unset`` are
    commands too, their ``VAR=value`` operands being words of argv
    (``export A=1`` -> argv ``export``, ``A=1``).  A ``[ ... ]`` or
    ``[[ ... ]]`` test is a command whose argv starts with ``[``/``[[`` and
    ends with ``]``/``]]``.

    ``connector`` is how the command is joined to the previous one at its
    level: ``'&&'``, ``'||'``, ``';'``, ``'\\n'``, ``'|'`` (also for ``|&``) or
    ``'&'``; None when it is the first one of the script or of a nested body
    (``then``/``else``/``do`` body, case item, function body, ``$( )``).
    The first command of a group, subshell, ``!``, ``if``/``while`` test or
    pipeline takes the connector of that construct (``a && (b; c)`` gives
    ``b`` the connector ``'&&'``).
    """

    argv: tuple[Word, ...]
    assignments: tuple[tuple[str, Word], ...]
    span: Span
    connector: str | None
    in_subshell: bool
    in_pipeline: bool
    in_substitution: bool
    conditional: bool
    errexit: bool
    redirects: tuple[str, ...]
    #: the command runs in the background (its list ends with ``&``)
    background: bool
    #: the command's status is negated by ``!``
    negated: bool
    #: inside a function definition body (runs only if the function is called)
    in_function: bool

    __slots__ = _fields = ("argv", "assignments", "span", "connector", "in_subshell", "in_pipeline",
                           "in_substitution", "conditional", "errexit", "redirects", "background",
                           "negated", "in_function")

    def __init__(self, argv: tuple[Word, ...], assignments: tuple[tuple[str, Word], ...],
                 span: Span, connector: str | None, in_subshell: bool, in_pipeline: bool,
                 in_substitution: bool, conditional: bool, errexit: bool,
                 redirects: tuple[str, ...] = (), background: bool = False, negated: bool = False,
                 in_function: bool = False) -> None:
        setfield(self, "argv", argv)
        setfield(self, "assignments", assignments)
        setfield(self, "span", span)
        setfield(self, "connector", connector)
        setfield(self, "in_subshell", in_subshell)
        setfield(self, "in_pipeline", in_pipeline)
        setfield(self, "in_substitution", in_substitution)
        setfield(self, "conditional", conditional)
        setfield(self, "errexit", errexit)
        setfield(self, "redirects", redirects)
        setfield(self, "background", background)
        setfield(self, "negated", negated)
        setfield(self, "in_function", in_function)

    @property
    def name(self) -> str:
        return self.argv[0].text if self.argv else ""

    @property
    def args(self) -> tuple[Word, ...]:
        """argv without the command name."""
        return self.argv[1:]

    def arg_texts(self) -> tuple[str, ...]:
        return tuple(w.text for w in self.argv[1:])

    def assignment(self, name: str) -> Word | None:
        """The value word of prefix assignment ``name`` (the last one), or None."""
        found = None
        for n, w in self.assignments:
            if n == name:
                found = w
        return found


class Statement(Value):
    """A top-level statement of a script: where it starts and ends in the script text.

    ``start``/``end`` are character indices into ``ShellScript.text`` (end exclusive,
    trailing comments and separators not included); ``terminator`` is the token that
    ends it (``';'``, ``'&'``) or None for a newline or the end of the text.  Fixes
    that add a command after everything else use the last statement's end, so an
    edit never lands inside a trailing ``# comment`` or after a background ``&``.
    """

    start: int
    end: int
    terminator: str | None
    kind: str  # tree-sitter node type: command, list, pipeline, if_statement, ...

    __slots__ = _fields = ("start", "end", "terminator", "kind")

    def __init__(self, start: int, end: int, terminator: str | None, kind: str) -> None:
        setfield(self, "start", start)
        setfield(self, "end", end)
        setfield(self, "terminator", terminator)
        setfield(self, "kind", kind)


class ShellScript(Value):
    commands: tuple[Command, ...]
    has_errors: bool
    text: str
    statements: tuple[Statement, ...]
    #: errexit (``set -e``) is in force when the script ends
    errexit_at_end: bool

    __slots__ = _fields = ("commands", "has_errors", "text", "statements", "errexit_at_end")

    def __init__(self, commands: tuple[Command, ...], has_errors: bool, text: str,
                 statements: tuple[Statement, ...] = (), errexit_at_end: bool = False) -> None:
        setfield(self, "commands", commands)
        setfield(self, "has_errors", has_errors)
        setfield(self, "text", text)
        setfield(self, "statements", statements)
        setfield(self, "errexit_at_end", errexit_at_end)

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)

    def named(self, *names: str) -> tuple[Command, ...]:
        """The commands whose name is one of ``names``, in source order."""
        wanted = set(names)
        return tuple(c for c in self.commands if c.argv and c.argv[0].text in wanted)


# --------------------------------------------------------------------------
# Parser cache (tree-sitter is imported lazily, once)

_PARSER: Any = None


def _parser() -> Any:
    global _PARSER
    if _PARSER is None:
        import tree_sitter  # noqa: PLC0415 - deliberately lazy

        language = tree_sitter.Language(_import_tree_sitter_bash().language())
        _PARSER = tree_sitter.Parser(language)
    return _PARSER


def _import_tree_sitter_bash() -> Any:
    """The tree_sitter_bash module, imported without importing importlib.resources.

    Its ``__init__`` runs ``from importlib.resources import files`` at import, only for its
    ``HIGHLIGHTS_QUERY`` attribute (read on first access), and that import (pathlib, tempfile,
    urllib, shutil, ...) is some 15-20 ms of a one-file run that never reads the query.  So while
    the package is imported, ``sys.modules["importlib.resources"]`` is a stand-in whose ``files``
    imports the real module (when first called) and hands it its arguments; the stand-in is gone
    from sys.modules before this returns, so any later ``import importlib.resources`` gets the
    real module.  Only the documented sys.modules lookup of the import system is relied on, not
    the wheel's layout.  The fix belongs upstream (import importlib.resources inside
    ``_get_query`` in tree_sitter_bash/__init__.py, as proposed to tree-sitter-bash's
    maintainers in issue 12's closing note); with it, this is a plain import.
    """
    import sys  # noqa: PLC0415

    name = "importlib.resources"
    if name in sys.modules or "tree_sitter_bash" in sys.modules:
        import tree_sitter_bash  # noqa: PLC0415

        return tree_sitter_bash

    def files(*args: Any, **kwargs: Any) -> Any:
        if sys.modules.get(name) is stand_in:  # called while tree_sitter_bash is being imported
            del sys.modules[name]
        import importlib.resources  # noqa: PLC0415

        return importlib.resources.files(*args, **kwargs)

    stand_in = type(sys)(name, "Imports importlib.resources on first use (dockerlint.shell).")
    stand_in.files = files  # type: ignore[attr-defined]
    sys.modules[name] = stand_in
    try:
        import tree_sitter_bash  # noqa: PLC0415
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
    return tree_sitter_bash


# --------------------------------------------------------------------------
# Word values

_WORD_ESC = LazyRe(r"\\(.)", re.S)
_DQ_ESC = LazyRe(r'\\([$`"\\\n])')
_ANSI_ESC = LazyRe(r"\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|.)", re.S)
_ANSI_SIMPLE = {
    "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}


def _unescape_word(s: str) -> str:
    """Quote removal in an unquoted word: ``\\x`` -> ``x``, ``\\``-newline -> nothing."""
    if "\\" not in s:
        return s
    return _WORD_ESC.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), s)


def _unescape_dq(s: str) -> str:
    """Quote removal inside double quotes."""
    if "\\" not in s:
        return s
    return _DQ_ESC.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), s)


def _ansi_c(raw: str) -> str:
    inner = raw[2:-1] if len(raw) >= 3 and raw.endswith("'") else raw[2:]

    def rep(m: re.Match[str]) -> str:
        e = m.group(1)
        c = e[0]
        if c in _ANSI_SIMPLE and len(e) == 1:
            return _ANSI_SIMPLE[c]
        try:
            if c == "x":
                return chr(int(e[1:], 16))
            if c in "uU":
                return chr(int(e[1:], 16))
            if c in "01234567":
                return chr(int(e, 8) & 0xFF)
            if c == "c" and len(e) == 2:
                return chr(ord(e[1]) & 0x1F)
        except (ValueError, OverflowError):
            pass
        return m.group(0)

    return _ANSI_ESC.sub(rep, inner)


# --------------------------------------------------------------------------
# Node classes

_STATEMENTS = frozenset(
    {
        "redirected_statement", "variable_assignment", "variable_assignments", "command",
        "declaration_command", "unset_command", "test_command", "negated_command",
        "for_statement", "c_style_for_statement", "while_statement", "if_statement",
        "case_statement", "pipeline", "list", "subshell", "compound_statement",
        "function_definition",
    }
)
# statement kinds that may show up where an expression is expected (error recovery)
_EXPR_TO_STMT = _STATEMENTS - {"variable_assignment", "variable_assignments"}
_SEQUENCES = frozenset(
    {"program", "compound_statement", "do_group", "elif_clause", "else_clause", "case_item", "ERROR"}
)
_CONDITIONALS = frozenset({"if_statement", "while_statement", "for_statement", "case_statement"})
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
_EXPANSIONS = frozenset(
    {"simple_expansion", "expansion", "command_substitution", "arithmetic_expansion", "process_substitution"}
)
_LITERALS = frozenset(
    {
        "number", "variable_name", "special_variable_name", "test_operator", "regex",
        "extglob_pattern", "file_descriptor", "heredoc_start",
    }
)
# a leaf of a [ ] / [[ ]] test expression that is one word
_TEST_WORDS = frozenset(
    {
        "word", "string", "raw_string", "ansi_c_string", "translated_string", "number",
        "concatenation", "simple_expansion", "expansion", "command_substitution",
        "arithmetic_expansion", "process_substitution", "test_operator", "regex",
        "extglob_pattern", "variable_name", "special_variable_name", "brace_expression",
    }
)
_SEPARATORS = frozenset({";", "&", ";;", ";&", ";;&"})
_CONTINUATION_OPS = frozenset({"&&", "||", "|", "|&", ";", "&"})
_HEREDOC_PARTS = frozenset({"<<", "<<-", "heredoc_start", "heredoc_body", "heredoc_end", "heredoc_content"})

_STMT, _EXPR, _RESTORE = 0, 1, 2


class _Ctx:
    """What the walk knows about where a node runs."""

    __slots__ = (
        "connector", "subshell", "pipeline", "subst", "cond", "function",
        "negated", "background", "redirects", "tail", "tail_extra", "outer_pipe",
    )

    def __init__(self) -> None:
        self.connector: str | None = None
        self.subshell = False
        self.pipeline = False
        self.subst = False
        self.cond = False
        self.function = False
        self.negated = False
        self.background = False
        self.redirects: tuple[str, ...] = ()  # inherited from an enclosing compound
        self.tail: tuple[str, ...] = ()  # redirections for the rightmost command (list/pipeline quirk)
        self.tail_extra: tuple[Any, ...] = ()  # words tree-sitter put in a redirection
        self.outer_pipe: bool | None = None  # heredoc `cat <<EOF | a && b` quirk

    def but(self, **kw: Any) -> "_Ctx":
        c = _Ctx.__new__(_Ctx)
        c.connector = self.connector
        c.subshell = self.subshell
        c.pipeline = self.pipeline
        c.subst = self.subst
        c.cond = self.cond
        c.function = self.function
        c.negated = self.negated
        c.background = self.background
        c.redirects = self.redirects
        c.tail = self.tail
        c.tail_extra = self.tail_extra
        c.outer_pipe = self.outer_pipe
        for k, v in kw.items():
            setattr(c, k, v)
        return c

    def inner(self, **kw: Any) -> "_Ctx":
        """Context for the statements of a compound: tail redirections now apply to all of them."""
        redirects = self.redirects + self.tail if self.tail else self.redirects
        return self.but(tail=(), tail_extra=(), outer_pipe=None, negated=False, redirects=redirects, **kw)


def _errexit_after(argv: tuple[Word, ...], state: bool) -> bool:
    """The errexit state after running ``set`` with ``argv``."""
    args = argv[1:]
    i = 0
    n = len(args)
    while i < n:
        w = args[i]
        a = w.text
        if not w.is_static or a in ("-", "--") or len(a) < 2 or a[0] not in "-+":
            break
        on = a[0] == "-"
        for ch in a[1:]:
            if ch == "e":
                state = on
            elif ch == "o":
                i += 1
                if i < n and args[i].text == "errexit":
                    state = on
        i += 1
    return state


def _glued(first: "Word", rest: "Word") -> "Word":
    """One word of two that tree-sitter-bash split after a `$` (`$A:$B/bin` read as `$A:$` and
    `B/bin`: tree-sitter/tree-sitter-bash#315, open in 0.25.1): the shell reads one word, with
    the expansion `$B` in it, so its text is not static."""
    s, e = first.span, rest.span
    return Word(first.text + rest.text, first.raw + rest.raw, Span(s.line, s.column, e.end_line, e.end_column), False)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def _single_line_span(start: int, end: int) -> Span:
    if start < 0:
        start = 0
    if end <= start:
        return Span(1, start + 1, 1, start + 1)
    return Span(1, start + 1, 1, end + 1)


_LONE_SURROGATE = LazyRe("[\ud800-\udfff]")


def _byte_to_char(text: str) -> list[int]:
    table: list[int] = []
    ext = table.extend
    app = table.append
    for i, ch in enumerate(text):
        o = ord(ch)
        if o < 0x80:
            app(i)
        elif o < 0x800:
            ext((i, i))
        elif o < 0x10000:
            ext((i, i, i))
        else:
            ext((i, i, i, i))
    app(len(text))
    return table


class _Walker:
    def __init__(self, text: str, textmap: TextMap | None, errexit: bool, b2c: list[int] | None) -> None:
        self.text = text
        self.errexit = errexit
        self.commands: list[Command] = []
        self.b2c = b2c
        if b2c is None:
            # ASCII text: a byte offset is the character index; `int` maps it without a Python
            # frame (c() runs for every node of every script)
            self.c = int
        self.stack: list[tuple[int, Any, Any]] = []
        if textmap is not None:
            self.span = textmap.span
        elif "\n" in text:
            self._starts = _line_starts(text)
            self.span = self._multiline_span
        else:
            self.span = _single_line_span

    def _multiline_span(self, start: int, end: int) -> Span:
        """Span with lines counted in the text itself (line 1 column 1 at index 0)."""
        starts = self._starts
        if start < 0:
            start = 0
        k = bisect_right(starts, start) - 1
        line, col = k + 1, start - starts[k] + 1
        if end <= start:
            return Span(line, col, line, col)
        k = bisect_right(starts, end - 1) - 1
        return Span(line, col, k + 1, end - starts[k] + 1)

    # -- positions -------------------------------------------------------

    def c(self, b: int) -> int:
        t = self.b2c
        if t is None:
            return b
        if b >= len(t):
            return t[-1]
        return t[b]

    def src(self, node: Any) -> str:
        return self.text[self.c(node.start_byte) : self.c(node.end_byte)]

    def span_b(self, sb: int, eb: int) -> Span:
        return self.span(self.c(sb), self.c(eb))

    def has_newline_gap(self, sb: int, eb: int) -> bool:
        """Does text between byte offsets contain a newline that is not a line continuation?"""
        gap = self.text[self.c(sb) : self.c(eb)]
        if "\n" not in gap:
            return False
        return "\n" in gap.replace("\\\r\n", "").replace("\\\n", "")

    # -- words -----------------------------------------------------------

    def value(self, node: Any, depth: int = 0) -> tuple[str, bool]:
        """(text, is_static) of a word-like node."""
        t = node.type
        if t == "word":
            return _unescape_word(self.src(node)), True
        if t in _LITERALS:
            return self.src(node), True
        if t == "raw_string":
            raw = self.src(node)
            if len(raw) >= 2 and raw.endswith("'"):
                return raw[1:-1], True
            return raw[1:], True
        if t == "ansi_c_string":
            return _ansi_c(self.src(node)), True
        if t in _EXPANSIONS:
            return self.src(node), False
        if depth > 20:
            return self.src(node), False
        if t in ("string", "translated_string"):
            return self._joined(node, depth, quoted=True)
        if t == "concatenation":
            return self._joined(node, depth, quoted=False)
        if t == "string_content":
            return _unescape_dq(self.src(node)), True
        return self.src(node), False

    def _joined(self, node: Any, depth: int, quoted: bool) -> tuple[str, bool]:
        parts: list[str] = []
        static = True
        children = node.children
        last = len(children) - 1
        prev = self.c(node.start_byte)
        text = self.text
        for i, ch in enumerate(children):
            cs = self.c(ch.start_byte)
            ce = self.c(ch.end_byte)
            if cs > prev:
                gap = text[prev:cs]
                parts.append(_unescape_dq(gap) if quoted else _unescape_word(gap))
            prev = max(prev, ce)
            if not ch.is_named:
                tok = ch.type
                if quoted and (i == 0 or i == last) and tok in ('"', '$"'):
                    continue
                parts.append(text[cs:ce])
                continue
            if ch.type == "string_content":
                parts.append(_unescape_dq(text[cs:ce]) if quoted else text[cs:ce])
                continue
            v, s = self.value(ch, depth + 1)
            parts.append(v)
            static = static and s
        end = self.c(node.end_byte)
        if end > prev:
            gap = text[prev:end]
            parts.append(_unescape_dq(gap) if quoted else _unescape_word(gap))
        return "".join(parts), static

    def word(self, node: Any) -> Word:
        b2c = self.b2c
        if b2c is None:
            cs, ce = node.start_byte, node.end_byte
        else:
            cs, ce = self.c(node.start_byte), self.c(node.end_byte)
        raw = self.text[cs:ce]
        if node.type == "word":  # the common case
            return Word(_unescape_word(raw), raw, self.span(cs, ce), True)
        v, s = self.value(node)
        return Word(v, raw, self.span(cs, ce), s)

    def token_word(self, node: Any) -> Word:
        cs, ce = self.c(node.start_byte), self.c(node.end_byte)
        raw = self.text[cs:ce]
        return Word(raw, raw, self.span(cs, ce), True)

    def words(self, nodes: list[Any]) -> list[Word]:
        """Words of argv nodes; a word split by a ``\\``-newline continuation is joined again."""
        out: list[Word] = []
        text = self.text
        c = self.c
        prev_end = -1  # char index where the previous word ends
        for n in nodes:
            w = self.word(n) if n.is_named else self.token_word(n)
            # tree-sitter splits `fo\<newline>o` into two words: join them
            if prev_end >= 0 and text.startswith("\\", prev_end) and out:
                gap = text[prev_end : c(n.start_byte)]
                if gap == "\\\n" or gap == "\\\r\n":
                    p = out[-1]
                    cs = prev_end - len(p.raw)
                    ce = c(n.end_byte)
                    w = Word(
                        p.text + w.text,
                        text[cs:ce],
                        Span(p.span.line, p.span.column, w.span.end_line, w.span.end_column),
                        p.is_static and w.is_static,
                    )
                    out[-1] = w
                    prev_end = ce
                    continue
            if out and prev_end == c(n.start_byte) and out[-1].raw.endswith("$"):
                out[-1] = _glued(out[-1], w)
                prev_end = c(n.end_byte)
                continue
            out.append(w)
            prev_end = c(n.end_byte)
        return out

    def assignment(self, node: Any) -> tuple[str, Word, Word]:
        """(name, value word, the whole ``NAME=value`` as one word)."""
        name = ""
        op_end = None
        value_node = None
        for ch in node.children:
            if not ch.is_named:
                if op_end is None and ch.type in ("=", "+="):
                    op_end = ch.end_byte
                continue
            if op_end is None:
                if not name:
                    name = self.src(ch)
            elif value_node is None:
                value_node = ch
        if value_node is not None:
            val = self.word(value_node)
        else:
            at = self.c(op_end if op_end is not None else node.end_byte)
            val = Word("", "", self.span(at, at), True)
        raw = self.src(node)
        if value_node is not None:
            prefix = self.text[self.c(node.start_byte) : self.c(value_node.start_byte)]
        else:
            prefix = raw
        whole = Word(_unescape_word(prefix) + val.text, raw, self.span_b(node.start_byte, node.end_byte), val.is_static)
        return name, val, whole

    # -- redirections ----------------------------------------------------

    def file_redirect(self, node: Any) -> tuple[str, list[Any]]:
        """Raw text of a redirection and the extra words tree-sitter put in it (``> f b``)."""
        dests = [ch for ch in node.children if ch.is_named and ch.type != "file_descriptor"]
        if len(dests) <= 1:
            return self.src(node), []
        cs = self.c(node.start_byte)
        ce = self.c(dests[0].end_byte)
        return self.text[cs:ce], dests[1:]

    def redirect(
        self,
        node: Any,
        redirs: list[str],
        extra: list[Any],
        exprs: list[Any],
        conts: list[tuple[Any, str | None]],
    ) -> bool:
        """Collect one redirection node; returns True when a heredoc starts a pipeline."""
        t = node.type
        if t == "file_redirect":
            txt, more = self.file_redirect(node)
            redirs.append(txt)
            extra.extend(more)
            exprs.append(node)
            return False
        if t == "herestring_redirect":
            redirs.append(self.src(node))
            exprs.append(node)
            return False
        # heredoc_redirect: `<<EOF`, nested redirections, and what tree-sitter hangs
        # on it when the line goes on (`cat <<EOF | sh && echo ok`)
        piped = False
        head = False
        conn: str | None = None
        for ch in node.children:
            ct = ch.type
            if ct == "heredoc_start":
                if not head:
                    redirs.append(self.text[self.c(node.start_byte) : self.c(ch.end_byte)])
                    head = True
            elif ct in _HEREDOC_PARTS:
                continue
            elif ct in _REDIRECTS:
                piped = self.redirect(ch, redirs, extra, exprs, conts) or piped
            elif not ch.is_named:
                if ct in _CONTINUATION_OPS:
                    conn = ct
            elif ct in _STATEMENTS:
                if ct == "pipeline" and ch.child_count and ch.children[0].type in ("|", "|&"):
                    piped = True
                conts.append((ch, conn))
                conn = None
            elif ct != "comment":
                exprs.append(ch)
        if not head:
            redirs.append(self.src(node).split("\n", 1)[0])
        return piped

    # -- the walk ----------------------------------------------------------

    def push_all(self, items: list[tuple[int, Any, Any]]) -> None:
        """Push items (in source order) so that they are visited in that order."""
        st = self.stack
        for it in reversed(items):
            st.append(it)

    def run(self, root: Any, ctx: _Ctx) -> None:
        st = self.stack
        st.append((_STMT, root, ctx))
        while st:
            kind, node, ctx = st.pop()
            if kind == _RESTORE:
                self.errexit = node
                continue
            t = node.type
            if kind == _EXPR:
                if t in _SUBSTITUTIONS:
                    self.substitution(node, ctx)
                elif t in _EXPR_TO_STMT:
                    self.statement(node, t, ctx)
                elif t == "heredoc_body" or t == "comment":
                    continue
                else:
                    kids = [(_EXPR, ch, ctx) for ch in node.children if ch.child_count]
                    if kids:
                        self.push_all(kids)
                continue
            self.statement(node, t, ctx)

    def statement(self, node: Any, t: str, ctx: _Ctx) -> None:
        if t == "command":
            self.command(node, ctx)
        elif t == "list":
            self.list_(node, ctx)
        elif t == "pipeline":
            self.pipeline(node, ctx)
        elif t == "redirected_statement":
            self.redirected(node, ctx)
        elif t in _SEQUENCES:
            self.sequence(node, ctx)
        elif t in ("declaration_command", "unset_command"):
            self.declaration(node, ctx)
        elif t == "test_command":
            self.test(node, ctx)
        elif t in ("variable_assignment", "variable_assignments"):
            self.bare_assignments(node, ctx)
        elif t == "negated_command":
            self.negated(node, ctx)
        elif t == "subshell":
            self.stack.append((_RESTORE, self.errexit, None))
            self.sequence(node, ctx.inner(subshell=True))
        elif t in _CONDITIONALS:
            self.sequence(node, ctx.inner(cond=True))
        elif t == "c_style_for_statement":
            inner = ctx.inner(cond=True, connector=None)
            items = []
            for ch in node.children:
                if ch.type in ("do_group", "compound_statement"):
                    items.append((_STMT, ch, inner))
                elif ch.child_count:
                    items.append((_EXPR, ch, inner))
            self.push_all(items)
        elif t == "function_definition":
            self.function(node, ctx)
        elif t in _SUBSTITUTIONS:
            self.substitution(node, ctx)
        elif t == "comment" or t == "heredoc_body":
            pass
        elif node.child_count:
            self.push_all([(_EXPR, ch, ctx) for ch in node.children if ch.child_count])

    def substitution(self, node: Any, ctx: _Ctx) -> None:
        self.stack.append((_RESTORE, self.errexit, None))
        inner = ctx.but(
            connector=None, subst=True, redirects=(), tail=(), tail_extra=(), outer_pipe=None,
            negated=False, background=False,
        )
        self.sequence(node, inner)

    def function(self, node: Any, ctx: _Ctx) -> None:
        redirs: list[str] = []
        extra: list[Any] = []
        exprs: list[Any] = []
        conts: list[tuple[Any, str | None]] = []
        body = None
        for ch in node.children:
            if ch.type in _REDIRECTS:
                self.redirect(ch, redirs, extra, exprs, conts)
            elif ch.is_named and ch.type in _STATEMENTS:
                body = ch
        self.stack.append((_RESTORE, self.errexit, None))
        inner = ctx.inner(cond=True, function=True, connector=None, background=False)
        if redirs:
            inner = inner.but(redirects=inner.redirects + tuple(redirs))
        items = [(_STMT, body, inner)] if body is not None else []
        items.extend((_EXPR, ch, inner) for ch in exprs)
        self.push_all(items)

    def sequence(self, node: Any, ctx: _Ctx) -> None:
        """Statements separated by ``;``, ``&``, newlines, with keywords in between."""
        inner = ctx.inner() if (ctx.tail or ctx.negated or ctx.outer_pipe is not None or ctx.tail_extra) else ctx
        items: list[list[Any]] = []
        pending = ctx.connector
        prev_end = None  # end byte of the previous statement at this level
        sep: str | None = None
        last_stmt = -1
        for i, ch in enumerate(node.children):
            if not ch.is_named:
                tok = ch.type
                if tok in _SEPARATORS:
                    if tok == "&" and last_stmt >= 0:
                        items[last_stmt][2] = items[last_stmt][2].but(background=True)
                    sep = tok if tok in (";", "&") else None
                    if sep is None:
                        prev_end = None
                        pending = None
                elif i > 0 or node.type == "ERROR":
                    # a keyword (then, do, else, in, `)` of a case item...) starts a new level
                    prev_end = None
                    pending = None
                    sep = None
                continue
            t = ch.type
            if t == "comment" or t == "heredoc_body":
                continue
            if t in _STATEMENTS or t == "ERROR":
                if prev_end is None:
                    conn = pending
                else:
                    conn = sep or ("\n" if self.has_newline_gap(prev_end, ch.start_byte) else ";")
                items.append([_STMT, ch, inner.but(connector=conn) if conn != inner.connector else inner])
                last_stmt = len(items) - 1
                prev_end = ch.end_byte
                sep = None
                pending = None
            else:
                # clauses and bodies (elif/else/do/case item) are new levels; words are expressions
                items.append([_STMT, ch, inner.but(connector=None) if inner.connector is not None else inner])
        self.push_all([tuple(it) for it in items])  # type: ignore[misc]

    def list_(self, node: Any, ctx: _Ctx) -> None:
        children = node.children
        named = [ch for ch in children if ch.is_named and ch.type != "comment"]
        op = None
        for ch in children:
            if not ch.is_named and ch.type in ("&&", "||"):
                op = ch.type
                break
        if len(named) < 2 or op is None:
            self.push_all([(_STMT, ch, ctx) for ch in named])
            return
        left, right = named[0], named[-1]
        lctx = ctx.but(tail=(), tail_extra=(), negated=False)
        rctx = ctx.but(connector=op, cond=ctx.cond or op == "||")
        if ctx.outer_pipe is not None:
            # `cat <<EOF | a && b`: only the leftmost command is in the pipeline
            rctx.pipeline = ctx.outer_pipe
            rctx.outer_pipe = None
            lctx.pipeline = True
        self.push_all([(_STMT, left, lctx), (_STMT, right, rctx)])

    def pipeline(self, node: Any, ctx: _Ctx) -> None:
        elems = [ch for ch in node.children if ch.is_named and ch.type != "comment"]
        items = []
        conn = ctx.connector
        n = len(elems)
        k = 0
        base = ctx.but(pipeline=True, outer_pipe=None)
        for ch in node.children:
            if not ch.is_named:
                if ch.type in ("|", "|&"):
                    conn = "|"
                continue
            if ch.type == "comment":
                continue
            k += 1
            last = k == n
            c = base.but(connector=conn)
            if not last:
                c.tail = ()
                c.tail_extra = ()
                c.negated = False
            if ch.type in ("list", "redirected_statement"):
                c.outer_pipe = ctx.pipeline
            items.append((_STMT, ch, c))
            conn = "|"
        self.push_all(items)

    def negated(self, node: Any, ctx: _Ctx) -> None:
        c = ctx.but(negated=True)
        self.push_all([(_STMT, ch, c) for ch in node.children if ch.is_named and ch.type != "comment"])

    def redirected(self, node: Any, ctx: _Ctx) -> None:
        body = None
        redirs: list[str] = []
        extra: list[Any] = []
        exprs: list[Any] = []
        conts: list[tuple[Any, str | None]] = []
        piped = False
        for ch in node.children:
            t = ch.type
            if t in _REDIRECTS:
                piped = self.redirect(ch, redirs, extra, exprs, conts) or piped
            elif not ch.is_named or t == "comment":
                continue
            elif body is None:
                body = ch
            else:
                exprs.append(ch)
        items: list[tuple[int, Any, Any]] = []
        if body is not None:
            bctx = ctx.but(
                tail=tuple(redirs) + ctx.tail,
                tail_extra=tuple(extra) + ctx.tail_extra,
            )
            if piped:
                bctx.pipeline = True
                bctx.outer_pipe = None
            items.append((_STMT, body, bctx))
        for ch in exprs:
            items.append((_EXPR, ch, ctx))
        for ch, conn in conts:
            c = ctx.but(
                connector=conn, cond=ctx.cond or conn == "||", tail=(), tail_extra=(),
                negated=False, outer_pipe=None,
            )
            items.append((_STMT, ch, c))
        items.sort(key=lambda it: it[1].start_byte)
        self.push_all(items)

    # -- emitting commands -----------------------------------------------

    def emit(
        self,
        argv: list[Word],
        assigns: list[tuple[str, Word]],
        span: Span,
        ctx: _Ctx,
        connector: str | None,
        redirects: tuple[str, ...],
    ) -> None:
        cmd = Command(tuple(argv), tuple(assigns), span, connector, ctx.subshell, ctx.pipeline, ctx.subst,
                      ctx.cond, self.errexit, redirects, ctx.background, ctx.negated, ctx.function)
        self.commands.append(cmd)
        if argv and argv[0].text == "set" and argv[0].is_static:
            self.errexit = _errexit_after(cmd.argv, self.errexit)

    def command(self, node: Any, ctx: _Ctx) -> None:
        assigns: list[tuple[str, Word]] = []
        argv_nodes: list[Any] = []
        redirs: list[str] = []
        extra: list[Any] = []
        exprs: list[Any] = []
        conts: list[tuple[Any, str | None]] = []
        seen_name = False
        connector = ctx.connector
        seg_start = node.start_byte
        prev_end = node.start_byte
        piped = False
        prev_ch = None
        for ch in node.children:
            t = ch.type
            if not seen_name and assigns and self.has_newline_gap(prev_end, ch.start_byte):
                # tree-sitter joins `A=1 B=2<newline>cmd` into one command: split it
                self.emit([], assigns, self.span_b(seg_start, prev_end), ctx, connector, ())
                assigns = []
                connector = "\n"
                seg_start = ch.start_byte
            prev_end = ch.end_byte
            ch_before, prev_ch = prev_ch, ch
            if t == "variable_assignment" and not seen_name:
                name, val, _ = self.assignment(ch)
                assigns.append((name, val))
                if ch.child_count > 2:
                    exprs.append(ch)
            elif t == "command_name" and assigns and not seen_name and assigns[-1][1].raw.endswith("$") \
                    and ch_before is not None and ch_before.end_byte == ch.start_byte:
                # `X=$A:$B/bin`: tree-sitter-bash ends the value at the second `$` and reads `B/bin`
                # as the command (tree-sitter/tree-sitter-bash#315); it is the rest of the value
                name, val = assigns[-1]
                assigns[-1] = (name, _glued(val, self.word(ch)))
            elif t == "command_name":
                seen_name = True
                kids = ch.children
                argv_nodes.append(kids[0] if len(kids) == 1 else ch)
                if kids and kids[0].child_count:
                    exprs.append(ch)
            elif t in _REDIRECTS:
                piped = self.redirect(ch, redirs, extra, exprs, conts) or piped
            elif t == "comment":
                continue
            elif ch.start_byte == ch.end_byte:
                continue
            else:
                argv_nodes.append(ch)
                if ch.is_named and ch.child_count:
                    exprs.append(ch)
        argv_nodes.extend(extra)
        argv_nodes.extend(ctx.tail_extra)
        argv = self.words(argv_nodes)
        if argv and argv[0].raw == "time" and not assigns and len(argv) > 1:
            del argv[0]
            while len(argv) > 1 and argv[0].raw in ("-p", "--"):
                del argv[0]
        c = ctx.but(pipeline=True) if piped else ctx
        self.emit(
            argv,
            assigns,
            self.span_b(seg_start, node.end_byte),
            c,
            connector,
            ctx.redirects + tuple(redirs) + ctx.tail,
        )
        self.push_rest(exprs, conts, ctx)

    def push_rest(self, exprs: list[Any], conts: list[tuple[Any, str | None]], ctx: _Ctx) -> None:
        if not exprs and not conts:
            return
        ectx = ctx.but(tail=(), tail_extra=(), outer_pipe=None)
        items: list[tuple[int, Any, Any]] = [(_EXPR, ch, ectx) for ch in exprs]
        for ch, conn in conts:
            items.append((_STMT, ch, ectx.but(connector=conn, cond=ctx.cond or conn == "||", negated=False)))
        items.sort(key=lambda it: it[1].start_byte)
        self.push_all(items)

    def declaration(self, node: Any, ctx: _Ctx) -> None:
        argv_nodes: list[Any] = []
        words: list[Word] = []
        redirs: list[str] = []
        extra: list[Any] = []
        exprs: list[Any] = []
        conts: list[tuple[Any, str | None]] = []
        for ch in node.children:
            t = ch.type
            if t in _REDIRECTS:
                self.redirect(ch, redirs, extra, exprs, conts)
                continue
            if t == "comment" or ch.start_byte == ch.end_byte:
                continue
            argv_nodes.append(ch)
            if ch.child_count:
                exprs.append(ch)
        prev = None
        for ch in argv_nodes + extra + list(ctx.tail_extra):
            if ch.type == "variable_assignment":
                w = self.assignment(ch)[2]
            elif ch.is_named:
                w = self.word(ch)
            else:
                w = self.token_word(ch)
            if words and prev is not None and prev.end_byte == ch.start_byte and words[-1].raw.endswith("$"):
                words[-1] = _glued(words[-1], w)  # `export PATH=$PATH:$GOPATH/bin` (#315)
            else:
                words.append(w)
            prev = ch
        self.emit(
            words, [], self.span_b(node.start_byte, node.end_byte), ctx, ctx.connector,
            ctx.redirects + tuple(redirs) + ctx.tail,
        )
        self.push_rest(exprs, conts, ctx)

    def test(self, node: Any, ctx: _Ctx) -> None:
        words: list[Word] = []
        exprs: list[Any] = []
        work = list(reversed(node.children))
        while work:
            n = work.pop()
            t = n.type
            if not n.is_named:
                if n.end_byte > n.start_byte:
                    words.append(self.token_word(n))
            elif t in _TEST_WORDS:
                words.append(self.word(n))
                if n.child_count:
                    exprs.append(n)
            elif t == "comment":
                continue
            elif n.child_count:
                work.extend(reversed(n.children))
            elif n.end_byte > n.start_byte:
                words.append(self.word(n))
        self.emit(
            words, [], self.span_b(node.start_byte, node.end_byte), ctx, ctx.connector,
            ctx.redirects + ctx.tail,
        )
        self.push_rest(exprs, [], ctx)

    def bare_assignments(self, node: Any, ctx: _Ctx) -> None:
        nodes = [node] if node.type == "variable_assignment" else [
            ch for ch in node.children if ch.type == "variable_assignment"
        ]
        assigns: list[tuple[str, Word]] = []
        connector = ctx.connector
        seg_start = node.start_byte
        prev_end = None
        exprs = []
        for ch in nodes:
            if assigns and prev_end is not None and self.has_newline_gap(prev_end, ch.start_byte):
                self.emit([], assigns, self.span_b(seg_start, prev_end), ctx, connector, ())
                assigns = []
                connector = "\n"
                seg_start = ch.start_byte
            name, val, _ = self.assignment(ch)
            assigns.append((name, val))
            prev_end = ch.end_byte
            if ch.child_count > 2:
                exprs.append(ch)
        end = prev_end if prev_end is not None else node.end_byte
        self.emit([], assigns, self.span_b(seg_start, end), ctx, connector, ctx.redirects + ctx.tail)
        self.push_rest(exprs, [], ctx)


def _parse(text: str, textmap: TextMap | None, errexit: bool) -> ShellScript:
    if text.isascii():
        data = text.encode("ascii")
        b2c = None
    else:
        # a file read with surrogateescape holds lone surrogates; encoded as they are they would be
        # invalid UTF-8, which tree-sitter-bash was seen to crash on (a segfault in a CI run of
        # tests/test_shell.py's random bytes): U+FFFD takes their place, three bytes like them, so
        # byte offsets still map to the same characters
        data = _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")
        b2c = _byte_to_char(text)
    tree = _parser().parse(data)
    root = tree.root_node
    walker = _Walker(text, textmap, errexit, b2c)
    walker.run(root, _Ctx())
    c = walker.c
    statements: list[Statement] = []
    for ch in root.children:
        t = ch.type
        if ch.is_named and t in _STATEMENTS:
            statements.append(Statement(c(ch.start_byte), c(ch.end_byte), None, t))
        elif not ch.is_named and t in (";", "&") and statements and statements[-1].terminator is None:
            last = statements[-1]
            statements[-1] = Statement(last.start, last.end, t, last.kind)
    return ShellScript(tuple(walker.commands), bool(root.has_error), text, tuple(statements), walker.errexit)


def parse_shell(text: str, textmap: TextMap | None = None, *, errexit: bool = False) -> ShellScript:
    """Parse shell ``text`` into the simple commands it runs.

    ``textmap`` maps indices of ``text`` to file positions; without one, line
    1 column 1 is index 0 and lines are counted in ``text``.  ``errexit`` is
    the state at the start (True when the Dockerfile's ``SHELL`` runs the
    script with ``-e``).  Never raises on bad shell text.
    """
    if not isinstance(text, str):
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        else:
            text = "" if text is None else str(text)
    if textmap is None:
        key: tuple = (text, errexit, None)
        line0 = 0
    else:
        segs = textmap._segments
        line0 = segs[0][1]
        key = (text, errexit, tuple((s, line - line0, col) for s, line, col in segs))
    hit = _MEMO.get(key)
    if hit is not None:
        script, at = hit
        return script if at == line0 else _moved(script, line0 - at)
    try:
        script = _parse(text, textmap, errexit)
    except (ImportError, MemoryError):
        raise
    except Exception:  # pragma: no cover - defensive: a linter must not crash on input
        return ShellScript((), True, text)
    global _MEMO_CHARS
    if len(text) <= _MEMO_MAX_TEXT:
        if _MEMO_CHARS + len(text) > _MEMO_MAX_CHARS:
            _MEMO.clear()
            _MEMO_CHARS = 0
        _MEMO[key] = (script, line0)
        _MEMO_CHARS += len(text)
    return script


# The same script text, mapped to the file the same way up to its first line, parses the same:
# only the line numbers of its spans differ.  Such repeats are common (half the RUN scripts of
# ../shared/corpus repeat one seen before: the variants of one official image; a file of many
# identical RUN lines), so parse_shell keeps recent results: (text, errexit, segments with lines
# relative to the first) -> (ShellScript, its first line).  Bounded by the text it holds, so a
# worker's memory does not grow with the files it lints; the results are immutable values, so
# sharing one between RUNs (or files) is safe.
_MEMO: dict[tuple, tuple[ShellScript, int]] = {}
_MEMO_CHARS = 0
_MEMO_MAX_CHARS = 200_000  # text held; the parsed objects are some tens of times larger
_MEMO_MAX_TEXT = 20_000  # a longer script (a long heredoc) is not kept: it rarely repeats


def _moved(script: ShellScript, d: int) -> ShellScript:
    """`script` with every span `d` lines further down (its text mapped `d` lines lower)."""

    def sp(span: Span) -> Span:
        return _new_span(Span, (span[0] + d, span[1], span[2] + d, span[3]))

    def word(w: Word) -> Word:
        return Word(w.text, w.raw, sp(w.span), w.is_static)

    cmds = tuple(
        Command(tuple(word(w) for w in c.argv), tuple((n, word(w)) for n, w in c.assignments), sp(c.span),
                c.connector, c.in_subshell, c.in_pipeline, c.in_substitution, c.conditional, c.errexit,
                c.redirects, c.background, c.negated, c.in_function)
        for c in script.commands
    )
    return ShellScript(cmds, script.has_errors, script.text, script.statements, script.errexit_at_end)
