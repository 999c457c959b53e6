"""DKL207 npm-cache-kept: a RUN of a shipped stage installs with npm, Yarn 1 or pnpm and leaves
the package manager's cache in the layer."""

from __future__ import annotations

from ..caches import yarn_berry
from . import CACHE_MANAGERS
from ._cache_rules import WHAT, append_fix, command_text, hits_for


def _message(run, use, size):
    cmd, op = use.writers[0]
    m = use.manager
    tail = ""
    if m == "pnpm":
        tail = ("; the store's package files are hard links of node_modules' files, so removing it saves only "
                "its index and metadata")
    clean = {"npm": "`npm cache clean --force`", "yarn": "`yarn cache clean`", "pnpm": "removal of the store"}[m]
    return (f"`{command_text(cmd, op)}` leaves {WHAT[m]}{size} in {use.dirs[0]}, and this RUN has no {clean} after it: "
            f"it stays in this layer{tail}")


def _custom_dir(use) -> bool:
    """The cache is not where the manager's clean command looks: --cache/--cache-folder given."""
    return any(op.has_option("--cache", "--cache-folder", "--store-dir") for _c, op in use.writers)


def _fix(model, run, use):
    m = use.manager
    if m == "pnpm":
        return None, ("use a cache mount (`RUN --mount=type=cache,target=" + use.dirs[0] + " pnpm install …`), "
                      "or remove the store at the end of this RUN")
    if _custom_dir(use):
        return None, f"end this RUN with `rm -rf {use.dirs[0]}`"
    # npm has no setting that turns its cache off (`--no-cache` is not one of its options, and
    # `--cache false` makes a folder named `false`): its own clean command is the fix.
    return append_fix(run, "npm cache clean --force" if m == "npm" else "yarn cache clean")


def _keep(run, use) -> bool:
    # Yarn Berry with Plug'n'Play runs the packages from its cache: that cache is the install.
    return not (use.manager == "yarn" and yarn_berry(run))


def check(model):
    yield from hits_for(model, CACHE_MANAGERS["DKL207"], _message, _fix, _keep)
