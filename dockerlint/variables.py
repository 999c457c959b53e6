"""Which variables an instruction uses, and which are in scope there (PARSING.md §7-§8).

``references(text, escape, quotes)`` finds each `$NAME` / `${NAME…}` that BuildKit's lexer
(shell/lex.go) would look up in a word: not inside single quotes, not escaped (`\\$X`), with
whether it has a default (`${X:-w}`, `${X-w}`, `${X:+w}`, `${X+w}`, `${X:?m}`, `${X?m}`) that
makes an unset X harmless.  Heredoc bodies of COPY/ADD are read with quotes as plain text
(BuildKit's SkipProcessQuotes).

``scopes(model)`` walks every stage the way BuildKit dispatches it and yields, for each
instruction BuildKit expands, the words it expands and the names in scope before it:
global ARGs (with BuildKit's predefined platform ARGs) for FROM, the base image's ENV (from
the image facts), the parent stage's ARG/ENV (FROM <stage>), and the stage's own ARG/ENV
above it.  A global ARG is in a stage's scope only once re-declared there.
"""

from __future__ import annotations

from .records import Mutable, Value, setfield
from .spans import Span, TextMap

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME = _NAME_START | frozenset("0123456789")


class VarRef(Value):
    """One variable use: name, [start, end) in the text, and whether a default covers an unset name."""

    name: str
    start: int
    end: int
    has_default: bool
    malformed: bool  # `${name:x…}`: an operator BuildKit rejects (a template placeholder)

    __slots__ = _fields = ("name", "start", "end", "has_default", "malformed")

    def __init__(self, name: str, start: int, end: int, has_default: bool,
                 malformed: bool = False) -> None:
        setfield(self, "name", name)
        setfield(self, "start", start)
        setfield(self, "end", end)
        setfield(self, "has_default", has_default)
        setfield(self, "malformed", malformed)


def references(text: str, escape: str = "\\", quotes: bool = True) -> list[VarRef]:
    """The variable uses in `text`, outermost first (uses inside a default are left out:
    BuildKit looks them up only when the outer one is unset)."""
    out: list[VarRef] = []
    if "$" not in text:
        return out
    i, n = 0, len(text)
    single = double = False
    while i < n:
        ch = text[i]
        if single:
            if ch == "'":
                single = False
            i += 1
            continue
        if ch == escape:
            i += 2
            continue
        if quotes and ch == "'" and not double:
            single = True
            i += 1
            continue
        if quotes and ch == '"':
            double = not double
            i += 1
            continue
        if ch != "$" or i + 1 >= n:
            i += 1
            continue
        j = i + 1
        if text[j] == "{":
            k = j + 1
            while k < n and text[k] in _NAME:
                k += 1
            name = text[j + 1:k]
            # the end of ${…}: the matching brace
            depth, e = 1, k
            while e < n and depth:
                if text[e] == escape:
                    e += 2
                    continue
                if text[e] == "{":
                    depth += 1
                elif text[e] == "}":
                    depth -= 1
                e += 1
            if depth:
                return out  # unterminated: BuildKit fails with a syntax error (DKL001's business)
            op = text[k:k + 2]
            has_default = op[:1] in ("-", "+", "?") or op in (":-", ":+", ":?")
            malformed = op[:1] not in ("}", "-", "+", "?", "#", "%", "/", ":") or (
                op[:1] == ":" and op not in (":-", ":+", ":?"))
            if name and name[0] in _NAME_START:
                out.append(VarRef(name, i, e, has_default, malformed))
            i = e
            continue
        k = j
        while k < n and text[k] in _NAME:
            k += 1
        name = text[j:k]
        if name and name[0] in _NAME_START:
            out.append(VarRef(name, i, k, False))
        i = max(k, j)
    return out


class Scope(Mutable):
    """The names in scope before an instruction.

    names: name -> where it was set ("global ARG", "ARG", "ENV", "image", "parent");
    globals_: global ARG name -> its line (predefined ARGs: 0), visible to a stage only once
    re-declared; later: name -> line of an ARG/ENV further down the stage; open: the base image
    may define names dockerlint does not know (unknown image or incomplete ENV facts).
    """

    names: dict[str, str]
    globals_: dict[str, int]
    later: dict[str, int]
    open: bool
    image: object

    _fields = ("names", "globals_", "later", "open", "image")

    def __init__(self, names: dict[str, str] | None = None, globals_: dict[str, int] | None = None,
                 later: dict[str, int] | None = None, open: bool = False,
                 image: object = None) -> None:
        self.names = {} if names is None else names
        self.globals_ = {} if globals_ is None else globals_
        self.later = {} if later is None else later
        self.open = open
        self.image = image


class Use(Value):
    """A word BuildKit expands: its text, how it maps to the file, and how quotes are read."""

    instruction: object
    text: str
    span: Span
    tmap: TextMap | None
    quotes: bool
    same_instruction: frozenset[str]  # names this ENV sets, seen only by later instructions
    key: str | None  # the name an ENV/ARG value is assigned to

    __slots__ = _fields = ("instruction", "text", "span", "tmap", "quotes", "same_instruction",
                           "key")

    def __init__(self, instruction: object, text: str, span: Span, tmap: TextMap | None = None,
                 quotes: bool = True, same_instruction: frozenset[str] = frozenset(),
                 key: str | None = None) -> None:
        setfield(self, "instruction", instruction)
        setfield(self, "text", text)
        setfield(self, "span", span)
        setfield(self, "tmap", tmap)
        setfield(self, "quotes", quotes)
        setfield(self, "same_instruction", same_instruction)
        setfield(self, "key", key)

    def locate(self, ref: VarRef) -> Span:
        """Where a reference is written; the whole word when the word's text is not the file's."""
        if self.tmap is not None:
            return self.tmap.span(ref.start, ref.end)
        s = self.span
        if s.line == s.end_line and s.end_column - s.column == len(self.text):
            return Span(s.line, s.column + ref.start, s.line, s.column + ref.end)
        return s


def _word_uses(ins, words, quotes=True, same=frozenset()):
    return [Use(ins, w.text, w.span, None, quotes, same) for w in words if w is not None and "$" in w.text]


def expanded_words(ins) -> list[Use]:
    """The words of an instruction BuildKit expands (PARSING.md §8), in order."""
    kw = ins.keyword
    if kw in ("COPY", "ADD"):
        uses = []
        for f in ins.flags:
            if f.name in ("chown", "chmod", "checksum") and f.value and "$" in f.value:
                uses.append(Use(ins, f.value, f.span))
        uses.extend(_word_uses(ins, [w for w in ins.args if not w.text.startswith("<<")]))
        for doc in ins.heredocs:
            if doc.expand and "$" in doc.body:
                uses.append(Use(ins, doc.body, doc.span, doc.body_map, quotes=False))
        return uses
    if kw in ("WORKDIR", "USER", "VOLUME", "STOPSIGNAL", "EXPOSE"):
        return _word_uses(ins, ins.args)
    if kw == "LABEL":
        return _word_uses(ins, [w for pair in ins.pairs for w in pair])
    return []


def scopes(model):
    """(Use, Scope) for every expanded word of the file, in order (see the module doc).

    FROM lines see the global scope; each stage starts from its base (image facts or
    parent stage) and adds its ARG/ENV as it goes.  Windows stages are left out: their
    variables (`%PATH%`, ContainerUser's environment) are not modelled.
    """
    from .model import PREDEFINED_ARGS

    glob: dict[str, int] = {n: 0 for n in PREDEFINED_ARGS}
    stage_i = -1
    scope: Scope | None = None
    stage = None
    for ins in model.parsed.instructions:
        kw = ins.keyword
        if kw == "FROM":
            stage_i += 1
            stage = model.stages[stage_i] if stage_i < len(model.stages) else None
            gscope = Scope(names={n: "global ARG" for n in glob}, globals_={})
            for w in ins.args[:1]:
                if "$" in w.text:
                    yield Use(ins, w.text, w.span), gscope
            plat = ins.flag("platform")
            if plat is not None and plat.value and "$" in plat.value:
                yield Use(ins, plat.value, plat.span), gscope
            scope = _stage_scope(model, stage, glob) if stage is not None else None
            if scope is not None:
                scope.later = _later(stage)
            continue
        if stage is None:  # before the first FROM: global ARGs
            if kw == "ARG":
                for name, val in ins.pairs:
                    if val is not None and "$" in val.text:
                        yield Use(ins, val.text, val.span), Scope(names={n: "global ARG" for n in glob})
                    glob.setdefault(name.text, ins.start_line)
            continue
        if scope is None:
            continue
        if kw == "ARG":
            for name, val in ins.pairs:
                if val is not None and "$" in val.text:
                    yield Use(ins, val.text, val.span, key=name.text), scope
                scope.names[name.text] = "ARG"
        elif kw == "ENV":
            set_here = frozenset(n.text for n, _ in ins.pairs)
            for name, val in ins.pairs:
                if val is not None and "$" in val.text:
                    yield Use(ins, val.text, val.span, same_instruction=set_here, key=name.text), scope
            for name, _ in ins.pairs:
                scope.names[name.text] = "ENV"
        elif kw == "ONBUILD":
            continue
        else:
            for use in expanded_words(ins):
                yield use, scope


def _later(stage) -> dict[str, int]:
    """name -> first line of an ARG/ENV that sets it in the stage (for "declared later")."""
    out: dict[str, int] = {}
    for ins in stage.instructions:
        if ins.keyword in ("ARG", "ENV"):
            for name, _ in ins.pairs:
                out.setdefault(name.text, ins.start_line)
    return out


def _stage_scope(model, stage, glob: dict[str, int]) -> Scope | None:
    img = stage.root_image
    if img is not None and img.is_windows:
        return None
    scope = Scope(globals_=dict(glob))
    if stage.parent is not None:
        for n in stage.parent.env:
            scope.names[n] = "parent"
        root = stage.parent
        while root.parent is not None:
            root = root.parent
        img = root.image
    if img is None:
        scope.open = True
    else:
        scope.image = img
        for n in img.env:
            scope.names.setdefault(n, "image")
        scope.open = not img.env_complete
    # BuildKit gives every Linux stage a PATH when its image has none
    scope.names.setdefault("PATH", "image")
    return scope
