"""DKL208 conda-cache-kept: a RUN of a shipped stage leaves conda's downloaded packages in pkgs/."""

from __future__ import annotations

from . import CACHE_MANAGERS
from ._cache_rules import append_fix, command_text, hits_for


def _tool(use) -> str:
    cmd, _op = use.writers[-1]
    return cmd.argv[0]


def _message(run, use, size):
    cmd, op = use.writers[0]
    name = _tool(use).rsplit("/", 1)[-1]
    return (f"`{command_text(cmd, op)}` leaves the downloaded package archives and index cache{size} in "
            f"{use.dirs[0]}, and this RUN has no `{name} clean --all` after it: they stay in this layer")


def _fix(model, run, use):
    # --all without --force-pkgs-dirs: it removes the archives and the index cache, and only the
    # extracted packages no environment links to, so an environment installed with soft links
    # keeps working (conda clean --help).
    return append_fix(run, f"{_tool(use)} clean --all --yes")


def check(model):
    yield from hits_for(model, CACHE_MANAGERS["DKL208"], _message, _fix)
