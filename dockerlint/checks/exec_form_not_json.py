"""DKL401 exec-form-not-json: an argument that starts with `[` but is not a JSON array of strings."""

from __future__ import annotations

from ..execform import QUOTE_KINDS, TRAILING_KINDS, diagnose, trailing_text_ignored
from ..findings import Edit, Fix, Hit

_WHAT = {"RUN": "the build runs", "CMD": "the container runs", "ENTRYPOINT": "the container runs",
         "HEALTHCHECK": "the health check runs"}


def _instructions(model):
    for ins in model.parsed.instructions:
        yield ins
        if ins.keyword == "ONBUILD" and ins.trigger is not None:
            yield ins.trigger


def _shell(owners: dict, ins) -> str:
    """The shell BuildKit puts in front of the text: the SHELL in force, else the default."""
    from ..shellless import shell_in_force

    st = owners.get(id(ins))
    return " ".join(shell_in_force(st, ins)[0]) if st is not None else "/bin/sh -c"


def _quoted(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check(model):
    trailing_ok = trailing_text_ignored(model.parsed.directives)
    owners = {id(i): st for st in model.stages for i in st.instructions}
    for ins in _instructions(model):
        d = diagnose(ins, trailing_ok)
        if d is None:
            continue
        kinds = {p.kind for p in d.problems}
        said, seen = [], set()
        for p in d.problems:
            if p.text not in seen:
                seen.add(p.text)
                said.append(p.text)
        problems = "; ".join(said[:3]) + ("; …" if len(said) > 3 else "") if said else "it is not valid JSON"
        kw = ins.keyword if ins.keyword != "HEALTHCHECK" else "HEALTHCHECK CMD"
        if ins.keyword == "SHELL":
            msg = (f"SHELL is not a JSON array of strings: {problems}; BuildKit stops with `SHELL requires the "
                   "arguments to be in JSON form`")
        else:
            sh = _shell(owners, ins)
            msg = (f"{kw} is not valid exec form: {problems}; BuildKit reads it as shell form, so "
                   f"{_WHAT[ins.keyword]} `{sh} '{_quoted(d.text, 40)}'`, not the program in the brackets")
            if kinds <= TRAILING_KINDS:
                msg += " (Dockerfile frontend 1.9 and later; older ones ignored text after the `]`)"
        span = d.tmap.span(0, len(d.text))
        if d.repair is not None:
            edits = tuple(Edit(d.tmap.span(a, b), t) for a, b, t in d.repair)
            fixed = f"{kw} {d.json_text}"
            yield Hit(span, msg, Fix(f"Use JSON double quotes: `{_quoted(fixed)}`", "unsafe", edits))
            continue
        yield Hit(span, msg, None, _help(d, kw, kinds))


def _help(d, kw: str, kinds: set[str]) -> str:
    """What to write instead, when more than quote characters are wrong."""
    if d.json_text is None:
        return (f"write it as a JSON array of double-quoted strings, `{kw} [\"program\", \"arg\"]`, with every "
                "string and the bracket closed")
    how = f"write `{_quoted(kw + ' ' + d.json_text, 80)}`"
    if "trailing-comment" in kinds:
        how += " and put the comment on a line of its own above"
    if kinds & QUOTE_KINDS and kinds - QUOTE_KINDS:
        how += " (double quotes, commas between the strings and nothing after `]`)"
    return how
