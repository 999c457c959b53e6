"""DKL204 dnf-cache-kept: a RUN of a shipped stage leaves yum's, dnf's, microdnf's or tdnf's cache."""

from __future__ import annotations

from . import CACHE_MANAGERS
from ._cache_rules import append_fix, command_text, hits_for


def _tool(use) -> str:
    """The program the clean runs with: the last writer's, as named (`yum`, `microdnf`, …)."""
    cmd, _op = use.writers[-1]
    return cmd.argv[0].rsplit("/", 1)[-1]


def _message(run, use, size):
    cmd, op = use.writers[0]
    tool = _tool(use)
    return (f"`{command_text(cmd, op)}` leaves the repository metadata{size} in {use.dirs[0]}, and this RUN has no "
            f"`{tool} clean all` after it: it stays in this layer")


def _fix(model, run, use):
    return append_fix(run, f"{_tool(use)} clean all")


def check(model):
    yield from hits_for(model, CACHE_MANAGERS["DKL204"], _message, _fix)
