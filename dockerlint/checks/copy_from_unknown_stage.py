"""DKL301 copy-from-unknown-stage: `COPY --from=`/`RUN --mount=from=` names a stage that cannot be used.

Resolution as BuildKit does it (dockerfile2llb/convert.go at 73ed6825, `toCommand`,
`detectRunMount`, `findStateByName`/`findStateByIndex`, and the dispatch loop):

- `COPY --from=N` (an integer, `strconv.Atoi`) is stage N of the whole file: below 0 or past the
  last stage is `invalid stage index N`;
- otherwise the name is looked up, case-insensitively, among *all* stages, and the last
  definition in the file wins; a name no stage has is an image (or a named build context);
- `RUN --mount=from=` only looks names up: `from=0` names an image called `0`;
- the stage itself is a cycle (`circular dependency detected on stage`), and a stage defined
  further down is not built yet when this one runs (`cannot copy from stage "x", it needs to be
  defined before current stage`, `cannot mount from stage …`): both stop the build.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..findings import Edit, Fix, Hit
from ..lazyre import LazyRe
from ..spans import Span

_INT = LazyRe(r"^[+-]?[0-9]+$")
# A Docker reference's repository part: lower-case path components (distribution/reference).
_REFERENCE = LazyRe(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def near_stage(ref: str, names: list[str]) -> str | None:
    """The stage name `ref` is a typo of: one edit away (two for names of 6+ letters), and unique."""
    low = ref.lower()
    best: list[tuple[int, str]] = []
    for n in names:
        d = _distance(low, n)
        limit = 1 if max(len(low), len(n)) < 6 else 2
        if 0 < d <= limit:
            best.append((d, n))
    if not best:
        return None
    best.sort()
    if len(best) > 1 and best[0][0] == best[1][0] and best[0][1] != best[1][1]:
        return None  # two equally close names: no guess
    return best[0][1]


def _plausible_image(ref: str) -> bool:
    """A reference that names some image: a registry or namespace, a tag or digest, or a name we know."""
    from .. import knowledge

    if any(c in ref for c in "/:@"):
        return True
    return knowledge.image_info(ref).family is not None


# Guessing a misspelt name compares it with every stage name: past this many names (no real file
# comes close) the guess is skipped, so a generated file stays linear.
MAX_NAMES_TO_GUESS = 200


def _by_name(model) -> dict[str, list[int]]:
    """Stage name -> indices of the stages with that name, ascending; the last one is what
    `--from` finds (BuildKit's addState overwrites the name)."""
    out: dict[str, list[int]] = {}
    for st in model.stages:
        if st.name:
            out.setdefault(st.name, []).append(st.index)
    return out


def _label(st) -> str:
    return f"`{st.name}`" if st.name else f"stage {st.index}"


def _invalid_reference(ref: str) -> bool:
    """Whether BuildKit rejects `ref` as an image reference (`invalid reference format`)."""
    name = ref.split("@", 1)[0]
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        name = rest  # a registry host: its own rules, not judged
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    return not _REFERENCE.match(name)


def _value_span(lines: list[str], fspan: Span, key: str, value: str) -> Span | None:
    """Where `key` + `value` is written inside the flag word (one line, unquoted), else None."""
    if fspan.line != fspan.end_line or fspan.line > len(lines):
        return None
    word = lines[fspan.line - 1][fspan.column - 1:fspan.end_column - 1]
    hits = [m.start() for m in re.finditer(re.escape(key + value) + r"(?=,|$)", word)
            if m.start() == 0 or word[m.start() - 1] in ",="]
    if len(hits) != 1:
        return None
    col = fspan.column + hits[0] + len(key)
    return Span(fspan.line, col, fspan.line, col + len(value))


def _refs(model):
    """(stage, instruction, kind, ref, span of the flag) for every COPY --from and RUN --mount from=."""
    for st in model.stages:
        for ins in st.instructions:
            if ins.keyword == "COPY":
                f = ins.flag("from")
                if f is not None and f.value:
                    yield st, ins, "copy", f.value, f.span
            elif ins.keyword == "RUN":
                for f in ins.flags:
                    if f.name != "mount" or not f.value:
                        continue
                    for part in f.value.split(","):
                        k, eq, v = part.partition("=")
                        if eq and k.strip().lower() == "from" and v.strip():
                            yield st, ins, "mount", v.strip(), f.span


def _rename(lines, kind: str, fspan: Span, old: str, new: str, safety: str, title: str) -> Fix | None:
    """Replace the stage reference `old` with `new` in the flag, where it is written plainly."""
    at = _value_span(lines, fspan, "--from=" if kind == "copy" else "from=", old)
    if at is None:
        return None
    return Fix(title, safety, (Edit(at, new),))


def check(model):
    stages = model.stages
    lines = model.parsed.lines
    all_by_name = _by_name(model)
    by_name = {n: idx[-1] for n, idx in all_by_name.items()}
    names = list(by_name) if len(by_name) <= MAX_NAMES_TO_GUESS else []
    for st, ins, kind, ref, fspan in _refs(model):
        if "$" in ref:
            continue  # variable expansion is not supported for --from: DKL001 says so
        what = "COPY --from" if kind == "copy" else "RUN --mount from"
        if _INT.match(ref):
            i = int(ref)
            if kind == "mount":
                stage = stages[i] if 0 <= i < len(stages) else None
                msg = (f"RUN --mount has no stage-index form: `from={ref}` names an image called `{ref}`, "
                       "which BuildKit tries to pull")
                fix = None
                if stage is not None and stage.name and stage.index < st.index and by_name[stage.name] == stage.index:
                    fix = _rename(lines, kind, fspan, ref, stage.name, "safe", f"Name the stage: `from={stage.name}`")
                yield Hit(fspan, msg, fix, None if fix else "name the stage (`FROM … AS build`) and mount `from=build`")
                continue
            if i < 0 or i >= len(stages):
                n = len(stages)
                yield Hit(fspan, f"{what}={ref} is not a stage index: the file has {n} stage{'s' if n != 1 else ''} "
                          f"(0 to {n - 1}); BuildKit stops with `invalid stage index {i}`", None,
                          "name the stage (`FROM … AS build`) and use `--from=build`")
                continue
            target = stages[i]
        else:
            idx = by_name.get(ref.lower())
            if idx is None:
                guess = near_stage(ref, names)
                if guess is not None and not _plausible_image(ref):
                    earlier = by_name[guess] < st.index
                    msg = (f"{what}={ref} names no stage, so BuildKit takes it for an image called `{ref}` and "
                           f"tries to pull it; did you mean `{guess}`?")
                    fix = _rename(lines, kind, fspan, ref, guess, "unsafe", f"Use the stage `{guess}`") \
                        if earlier else None
                    yield Hit(fspan, msg, fix, None if fix else
                              f"`{guess}` starts at line {stages[by_name[guess]].from_instruction.start_line}, below "
                              "this stage: move it above, then use its name")
                elif _invalid_reference(ref):
                    yield Hit(fspan, f"{what}={ref} names no stage and is not a valid image reference (a repository "
                              "name is lower-case letters, digits and `._-/`): BuildKit stops with `invalid "
                              "reference format`", None, "name a stage defined above, or an image")
                continue
            target = stages[idx]
        if target is st:
            yield Hit(fspan, f"{what}={ref} names the stage it is in ({_label(st)}): BuildKit stops with "
                      "`circular dependency detected on stage`", None,
                      "copy from an earlier stage: a stage cannot read its own files this way")
        elif target.index > st.index:
            same = all_by_name.get(target.name or "", [])
            k = bisect_right(same, st.index) - 1
            earlier = stages[same[k]] if k >= 0 else None
            also = (f"; the name is also given at line {earlier.from_instruction.start_line}"
                    f"{' (this stage)' if earlier is st else ''}, but BuildKit takes the last stage of that name "
                    "in the file" if earlier is not None else "")
            verb = "copy" if kind == "copy" else "mount"
            yield Hit(fspan, f"{what}={ref} names {_label(target)}, which starts at line "
                      f"{target.from_instruction.start_line}, after this stage: BuildKit builds the stages in file "
                      f"order and stops with `cannot {verb} from stage \"{ref}\"`: it is not built yet{also}", None,
                      "rename one of the two stages so the name says which one you mean" if earlier is not None
                      else "move that stage above this one")
