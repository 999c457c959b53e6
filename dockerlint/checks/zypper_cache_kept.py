"""DKL205 zypper-cache-kept: a RUN of a shipped stage leaves zypper's cache in /var/cache/zypp."""

from __future__ import annotations

from . import CACHE_MANAGERS
from ._cache_rules import append_fix, command_text, hits_for

# `zypper clean` alone empties the package cache only; --all takes the metadata too (zypper(8)).
CLEANUP = "zypper clean --all"


def _message(run, use, size):
    cmd, op = use.writers[0]
    return (f"`{command_text(cmd, op)}` leaves zypper's repository metadata and packages{size} in /var/cache/zypp, "
            "and this RUN has no `zypper clean` after it: they stay in this layer")


def _fix(model, run, use):
    return append_fix(run, CLEANUP)


def check(model):
    yield from hits_for(model, CACHE_MANAGERS["DKL205"], _message, _fix)
