"""DKL501 runs-as-root: the image that is built runs its program as root."""

from __future__ import annotations

import functools

from ..findings import Hit
from ..lazyre import LazyRe

_ROOT = frozenset({"root", "0"})
_DROPPER = LazyRe(r"(?<![\w.-])(gosu|su-exec)(?![\w.-])")


@functools.cache
def _facts() -> tuple[frozenset[str], frozenset[str]]:
    from ..knowledge import load_table

    t = load_table("security")
    images = frozenset(n for e in t.get("drops_privileges", []) for n in e["images"])
    tools = frozenset(t["privilege_tools"]["programs"])
    return images, tools


def _last_user(final):
    """(stage, USER instruction) of the last USER in the shipped lineage, or None."""
    found = None
    for st in final.lineage:
        for ins in st.instructions:
            if ins.keyword == "USER" and ins.args:
                found = (st, ins)
    return found


def _expand_user(model, final, text: str) -> str | None:
    """The USER value with variables resolved from the stages' ARG/ENV and the image's ENV; None if unknown."""
    from ..expand import expand

    env: dict[str, str | None] = {}
    img = final.root_image
    if img is not None:
        env.update(img.env)
    for st in final.lineage:
        env.update(st.env)
    value, known = expand(text, {k: v for k, v in env.items() if v is not None}, model.escape)
    if not known or "$" in text and value == "":
        return None
    return value


def _drops_privileges(final) -> bool:
    """The image starts as root only to run its program as another user (gosu, su-exec, …)."""
    images, tools = _facts()
    if tools & final.runtime_programs:
        return True
    img = final.root_image
    if img is not None and img.name.rsplit("/", 1)[-1] in images and all(st.entrypoint is None
                                                                         for st in final.lineage):
        return True
    for run in final.all_runs():
        ins = run.instruction
        # installing or fetching gosu/su-exec: read from the text, no shell parse needed
        if _DROPPER.search(ins.rest) or any(_DROPPER.search(d.body) for d in ins.heredocs):
            return True
    for st in final.lineage:
        for ins in st.instructions:
            if ins.keyword in ("COPY", "ADD") and any(a.text.rsplit("/", 1)[-1] in ("gosu", "su-exec")
                                                      for a in ins.args):
                return True
    return False


def _help(final) -> str:
    img = final.root_image
    if img is not None and "APP_UID" in img.env:
        return f"add `USER $APP_UID` (`{img.ref}` has that user) after the steps that need root"
    if img is not None and img.family == "distroless":
        return "use the image's `:nonroot` tag, or add `USER 65532`"
    return ("create an unprivileged user (`RUN useradd --system --uid 10001 app`, or `adduser -S` on Alpine) and add "
            "`USER 10001` after the steps that need root")


def check(model):
    final = model.final
    if final is None:
        return
    img = final.root_image
    if img is not None and img.is_windows:
        return
    last = _last_user(final)
    if last is not None:
        _st, ins = last
        value = _expand_user(model, final, ins.args[0].text)
        if value is None:
            return
        user = value.split(":", 1)[0].strip()
        if user not in _ROOT:
            return
        if _drops_privileges(final):
            return
        yield Hit(ins.span, f"The last USER of the shipped image is `{ins.args[0].text}`: its program runs as root, "
                            "so a compromise of it owns the container", None, _help(final))
        return
    if img is None or img.user is None:
        return  # the base image's default user is not known
    if img.user.split(":", 1)[0] not in _ROOT:
        return
    if _drops_privileges(final):
        return
    frm = final.from_instruction
    via = "" if final.parent is None else f" (through `FROM {final.base_text}`)"
    yield Hit(frm.span, f"The shipped image runs as root: `{img.ref}`{via} starts as root and no USER in the shipped "
                        "stages changes it, so a compromise of its program owns the container", None, _help(final))
