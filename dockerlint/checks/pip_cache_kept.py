"""DKL206 pip-cache-kept: a RUN of a shipped stage installs Python packages with the download
cache on (pip, uv, poetry, pipenv) and leaves it in the layer."""

from __future__ import annotations

import re

from ..findings import Fix
from . import CACHE_MANAGERS
from ._cache_rules import WHAT, command_text, flag_fix, hits_for
from ..lazyre import LazyRe

_POETRY_PIN = LazyRe(r"""^poetry(?:\[[^\]]*\])?\s*(?:==|>=|~=)\s*([0-9]+)\.([0-9]+)""")


def _message(run, use, size):
    cmd, op = use.writers[0]
    what = command_text(cmd, op)
    m = use.manager
    if m == "pip":
        how = "without `--no-cache-dir`"
    elif m in ("uv", "poetry"):
        how = "without `--no-cache`"
    else:
        how = "with the pip cache on"
    tail = ""
    if m == "uv":
        tail = ("; uv hard-links the installed files from its cache, so what the layer loses is the cache's other "
                "files (downloaded archives, index metadata)" + (", the figure above" if size else ""))
    return (f"`{what}` {how} leaves {WHAT[m]}{size} in {use.dirs[0]}, and this RUN does not remove it: "
            f"it stays in this layer{tail}")


def poetry_version(run) -> tuple[int, int] | None:
    """The Poetry version the stage installs, where the Dockerfile pins it: `ENV POETRY_VERSION=1.8.3`,
    `pip install poetry==1.8.3`, the installer's `--version 1.8.3`, anywhere in the lineage
    (computed once per stage)."""
    v = run.env.get("POETRY_VERSION")
    if v:
        m = re.match(r"([0-9]+)\.([0-9]+)", v)
        if m:
            return int(m.group(1)), int(m.group(2))
    for st in run.stage.lineage:
        got = getattr(st, "_poetry_pin", False)
        if got is False:
            got = _pin_in(st)
            st._poetry_pin = got
        if got is not None:
            return got
    return None


def _pin_in(stage) -> tuple[int, int] | None:
    for r in stage.runs:
        if "poetry" not in r.instruction.rest and not r.instruction.heredocs:
            continue
        for c in r.commands:
            for k, w in enumerate(c.argv):
                m = _POETRY_PIN.match(w)
                if m:
                    return int(m.group(1)), int(m.group(2))
                if w == "--version" and k + 1 < len(c.argv) and any("poetry" in a for a in c.argv):
                    m2 = re.match(r"([0-9]+)\.([0-9]+)", c.argv[k + 1])
                    if m2:
                        return int(m2.group(1)), int(m2.group(2))
    return None


def _fix(model, run, use):
    m = use.manager
    if m == "pip":
        if any(op.has_option("--cache-dir") for _c, op in use.writers):
            return None, (f"remove `--cache-dir` and add `--no-cache-dir`, or end this RUN with "
                          f"`rm -rf {use.dirs[0]}`")
        fix = flag_fix(run, use, "--no-cache-dir")
        return (fix, None) if fix else (None, "add `--no-cache-dir` to each `pip install` of this RUN")
    if m == "uv":
        fix = flag_fix(run, use, "--no-cache")
        return (fix, None) if fix else (None, "add `--no-cache` to each uv install of this RUN, or set `UV_NO_CACHE=1`")
    if m == "poetry":
        v = poetry_version(run)
        safety = "safe" if v is not None and v >= (1, 2) else "unsafe"
        fix = flag_fix(run, use, "--no-cache", safety)
        if fix is not None and safety == "unsafe":
            fix = Fix(fix.title + " (Poetry 1.2 or later)", fix.safety, fix.edits)
        return (fix, None) if fix else (None, "add `--no-cache` to `poetry install` (Poetry 1.2 or later)")
    return None, (f"pipenv has no flag for it: set `PIP_NO_CACHE_DIR=1` for the install, or end this RUN with "
                  f"`rm -rf {' '.join(use.dirs)}`")


def check(model):
    yield from hits_for(model, CACHE_MANAGERS["DKL206"], _message, _fix)
