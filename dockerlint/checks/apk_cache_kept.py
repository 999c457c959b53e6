"""DKL203 apk-cache-kept: a RUN of a shipped stage leaves apk's package index in /var/cache/apk."""

from __future__ import annotations

from ..edits import delete_instruction, remove_command
from ..findings import Fix
from . import CACHE_MANAGERS
from ._cache_rules import append_fix, command_text, hits_for, insert_flag

CLEANUP = "rm -rf /var/cache/apk/*"
# apk commands that read the index a RUN leaves and do not fetch one themselves
_READERS = frozenset({"search", "policy", "list", "dot", "version"})


def _is_update(cmd, op) -> bool:
    """A real `apk update` command (not the index refresh of `apk add -U`)."""
    return op.action == "update" and "update" in cmd.argv[1:] and "add" not in cmd.argv[1:]


def _message(run, use, size):
    cmd, op = use.writers[0]
    if _is_update(cmd, op):
        return (f"`apk update` writes apk's package index{size} to /var/cache/apk, and this RUN does not remove "
                "it: it stays in this layer (an `apk add --no-cache` fetches the index it needs itself)")
    return (f"`{command_text(cmd, op)}` without `--no-cache` keeps apk's package index{size} in /var/cache/apk, and "
            "this RUN does not remove it: it stays in this layer")


def _reads(run) -> bool:
    return any(c.name == "apk" and (set(c.argv[1:]) & _READERS or "--no-network" in c.argv) for c in run.commands)


def _readers(model) -> dict:
    """Per stage (by id): positions of its RUNs that read apk's index without fetching it, and
    whether a stage built FROM it (at any depth) has such a RUN.  Computed once per file."""
    got = getattr(model, "_apk_readers", None)
    if got is None:
        got = {id(st): ([r.position for r in st.runs if ("apk" in r.instruction.rest or r.instruction.heredocs) and _reads(r)], False)
               for st in model.stages}
        for st in reversed(model.stages):  # children come after their parents
            if st.parent is not None and (got[id(st)][0] or got[id(st)][1]):
                pos, _below = got[id(st.parent)]
                got[id(st.parent)] = (pos, True)
        model._apk_readers = got
    return got


def _later_readers(model, run) -> bool:
    """Whether a RUN built after `run` (its stage, then stages FROM it) reads the index without
    fetching it (`apk search`, `apk policy`, `--no-network`)."""
    positions, below = _readers(model)[id(run.stage)]
    return below or any(p > run.position for p in positions)


def _fix(model, run, use):
    readers = _later_readers(model, run)
    safety = "unsafe" if readers else "safe"
    updates = [(c, op) for c, op in use.writers if _is_update(c, op)]
    adds = [(c, op) for c, op in use.writers if not _is_update(c, op) and op.action != "update"]
    update_ids = {id(u) for u, _ in updates}
    other = [c for c in run.commands if c.argv and id(c) not in update_ids]
    if updates and not other:
        # `RUN apk update` alone: every `apk add` fetches the index it needs, so the RUN only adds weight
        if readers or run.instruction.json:
            return None, "remove this RUN: `apk add` fetches the index itself, and `--no-cache` keeps it out of the layer"
        return Fix("Remove this RUN: `apk add` fetches the index it needs itself", "safe",
                   (delete_instruction(run.instruction),)), None
    edits = []
    seen = set()  # a heredoc RUN may hold thousands of adds: no list scan per edit
    for c, op in adds:
        e = insert_flag(run, c, op, "--no-cache")
        if e is None:
            edits = None
            break
        key = (e.span, e.text)
        if key not in seen:
            seen.add(key)
            edits.append(e)
    if edits is not None and updates:
        # the update is redundant when an `apk add`/`upgrade` (now with --no-cache) follows it here
        for c, _op in updates:
            later = cache_ops_after(run, c)
            reads = any(x.index > c.index and x.name == "apk" and set(x.argv[1:]) & _READERS for x in run.commands)
            cut = remove_command(run, c) if later and not reads else None
            if cut is None:
                edits = None
                break
            edits.append(cut)
    if edits:
        title = f"Add `--no-cache` to `{command_text(*adds[0])}`" if adds else "Remove the redundant `apk update`"
        if adds and updates:
            title += " and remove the redundant `apk update`"
        return Fix(title, safety, tuple(edits)), None
    return append_fix(run, CLEANUP, safety=safety)


def cache_ops_after(run, cmd) -> list:
    """apk add/upgrade commands after `cmd` in the same RUN."""
    out = []
    for c in run.commands:
        if c.index > cmd.index and c.name == "apk" and any(w in ("add", "upgrade") for w in c.argv[1:]):
            out.append(c)
    return out


def check(model):
    yield from hits_for(model, CACHE_MANAGERS["DKL203"], _message, _fix)
