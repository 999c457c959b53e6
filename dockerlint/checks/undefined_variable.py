"""DKL404 undefined-variable: an instruction BuildKit expands uses a variable that is not in scope there."""

from __future__ import annotations

from ..findings import Edit, Fix, Hit
from ..spans import Span

PLATFORM_ARGS = frozenset({"BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT",
                           "TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT",
                           "TARGETSTAGE"})


def _stage_of(model, ins):
    for st in model.stages:
        if ins is st.from_instruction or any(i is ins for i in st.instructions):
            return st
    return None


def _declare_fix(model, stage, name: str) -> Fix:
    """`ARG NAME` right after the stage's FROM: the stage then sees the global value."""
    frm = stage.from_instruction
    line = frm.end_line + 1
    text = f"ARG {name}\n"
    if line > len(model.parsed.lines):  # FROM on the last line, with no line end after it
        end = len(model.parsed.lines[-1]) + 1
        return Fix(f"Declare `ARG {name}` in this stage (it then takes the global value)", "unsafe",
                   (Edit(Span(frm.end_line, end, frm.end_line, end), "\n" + text.rstrip("\n")),))
    return Fix(f"Declare `ARG {name}` in this stage (it then takes the global value)", "unsafe",
               (Edit(Span(line, 1, line, 1), text),))


def check(model):
    from ..variables import references, scopes

    budget = [_SUGGESTIONS]  # close-name searches left: each scans the names in scope
    stage_of: dict[int, object] = {}
    for st in model.stages:
        stage_of[id(st.from_instruction)] = st
        for ins in st.instructions:
            stage_of[id(ins)] = st
    for use, scope in scopes(model):
        ins = use.instruction
        for ref in references(use.text, model.escape, use.quotes):
            name = ref.name
            if ref.has_default or ref.malformed or name in scope.names:
                continue
            span = use.locate(ref)
            written = use.text[ref.start:ref.end]
            if name == use.key and _strip_quotes(use.text) != written:
                # `ENV PATH_LIKE=$PATH_LIKE:/x`: appending to a list that may be unset is the idiom
                continue
            if ins.keyword == "FROM" or (ins.keyword == "ARG" and id(ins) not in stage_of):
                close = _close(name, scope.names, budget)
                yield Hit(span, f"`{written}` names no global ARG declared above this line: BuildKit expands it "
                                "to an empty string", None,
                          f"did you mean `${close[0]}`?" if close else
                          f"declare `ARG {name}=<default>` before the first FROM")
                continue
            stage = stage_of.get(id(ins))
            if scope.open and name not in scope.globals_:
                # The base image may set it, and then this use sees the base's value: only a global
                # ARG is known to be empty here (a stage never inherits one).
                continue
            if name in use.same_instruction and name != use.key:
                yield Hit(span, f"`{written}` is set in this same ENV, but every value of an ENV sees the variables "
                                "as they were before it: here it expands to an empty string",
                          None, f"set `{name}` in an ENV of its own above this one")
                continue
            later = scope.later.get(name)
            if later is not None and later > ins.start_line:
                yield Hit(span, f"`{written}` is only declared further down (line {later}): here it expands to an "
                                "empty string", None, f"move the ARG/ENV of `{name}` above line {ins.start_line}")
                continue
            if name in scope.globals_:
                unless = "" if not scope.open else f" (unless the base image sets {name})"
                if name in PLATFORM_ARGS and scope.globals_[name] == 0:
                    what = f"`{written}` is one of BuildKit's platform ARGs, which a stage sees only after `ARG {name}`"
                else:
                    what = (f"`{written}` is a global ARG (line {scope.globals_[name]}), which a stage sees only "
                            f"after re-declaring it with `ARG {name}`")
                yield Hit(span, f"{what}: here it expands to an empty string{unless}",
                          _declare_fix(model, stage, name) if stage is not None else None)
                continue
            where = f"`{scope.image.ref}`" if scope.image is not None else "the base image"
            help_ = _did_you_mean(name, scope.names, budget)
            if not use.quotes:
                help_ = (f"BuildKit expands a here-document unless its delimiter is quoted: to leave `{written}` for "
                         f"the script to read when it runs, write `\\{written}` or `<<'EOF'`")
            yield Hit(span, f"`{written}` is not set by any ARG or ENV above this line nor by {where}: BuildKit "
                            "expands it to an empty string", None, help_)


def _strip_quotes(text: str) -> str:
    t = text.strip()
    return t[1:-1] if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'" else t


# Set by a shell or login, not by the image's configuration: `$HOME` works in RUN, not in COPY or WORKDIR.
SHELL_VARIABLES = frozenset({"HOME", "PWD", "OLDPWD", "USER", "LOGNAME", "SHELL", "HOSTNAME", "UID", "EUID",
                             "RANDOM", "SHLVL", "TERM"})


# A file may use thousands of undefined names; looking for a close one in scope for each would
# be quadratic, so only the first ones get a "did you mean".
_SUGGESTIONS = 50


def _close(name: str, names, budget: list[int]) -> list[str]:
    if budget[0] <= 0:
        return []
    budget[0] -= 1
    import difflib  # here: only files with an undefined name pay for importing it

    return difflib.get_close_matches(name, list(names), n=1, cutoff=0.7)


def _did_you_mean(name: str, names, budget: list[int]) -> str | None:
    close = _close(name, names, budget)
    if close:
        return f"did you mean `${close[0]}`?"
    if name in SHELL_VARIABLES:
        return (f"a shell sets `${name}` for the commands of a RUN, but BuildKit does not: write the value itself "
                f"here, or set it with `ENV {name}=…`")
    return f"declare it (`ARG {name}`) or set it (`ENV {name}=…`) before this line"
