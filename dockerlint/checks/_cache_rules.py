"""What DKL203-DKL208 share: the finding for a RUN that leaves a package manager's cache, and
the edits their fixes make (a flag after the subcommand, a clean command appended).

Not a rule: each rule's module picks its managers and its fix from here.  The facts (which RUN
writes which cache, whether it is gone) are the model's, in dockerlint/caches.py.
"""

from __future__ import annotations

import functools

from ..caches import cache_uses, left_in_shipped, measured_mb
from ..edits import append_command
from ..findings import Edit, Fix, Hit
from ..spans import Span

# How a message names each manager's cache.
WHAT = {
    "apk": "apk's package index",
    "dnf": "the repository metadata and packages",
    "zypper": "zypper's repository metadata and packages",
    "pip": "pip's download and wheel cache",
    "uv": "uv's cache",
    "poetry": "Poetry's download cache",
    "pipenv": "pip's and pipenv's caches",
    "npm": "npm's cache",
    "yarn": "Yarn's cache",
    "pnpm": "pnpm's store",
    "conda": "the downloaded package archives",
}


def command_text(cmd, op=None) -> str:
    """How a message names the command: `apk add`, `pip install`, `python3 -m pip install`,
    `uv pip install`, `conda env create`, `yarn` (bare)."""
    argv = list(cmd.argv)
    if not argv:
        return ""
    prog = argv[0].rsplit("/", 1)[-1]
    if op is None:
        op = next((o for o in _ops_of(cmd) if o.action not in ("clean", "version")), None)
    if op is None:
        return prog
    k = subcommand_index(cmd, op)
    lead = len(cmd.raw_argv) - len(cmd.argv)
    if k is None:
        words = [w for w in argv[1:] if not w.startswith("-")][:1]
        return " ".join([prog] + words)
    middle = [w for w in cmd.raw_argv[lead + 1:k] if w == "-m" or w.startswith("pip") or w in ("tool", "env", "global")]
    return " ".join([prog] + middle + [cmd.raw_argv[k]])


def _ops_of(cmd):
    return cmd.package_ops + cmd.tool_ops


def size_phrase(use) -> tuple[str, float | None]:
    """(" (about N MB …)", N) from the measured sizes, or ("", None) when not known."""
    got = measured_mb(use)
    if got is None:
        return "", None
    mb, what = got
    return f" (about {_fmt(mb)} MB {what})", mb


def _fmt(mb: float) -> str:
    return f"{mb:.0f}" if mb >= 10 else f"{mb:.1f}".rstrip("0").rstrip(".")


def hits_for(model, managers, message, fix_for, keep=None):
    """One Hit per RUN and manager that leaves its cache in a shipped stage.

    message(run, use, size) -> str; fix_for(model, run, use) -> (Fix | None, help | None);
    keep(run, use) -> bool drops the cases a rule does not report.  The finding points at the
    first command that wrote the cache; the others are related.
    """
    for run, use in left_in_shipped(model, managers):
        if keep is not None and not keep(run, use):
            continue
        first = use.writers[0][0]
        size, mb = size_phrase(use)
        fix, help_ = fix_for(model, run, use)
        related = tuple(dict.fromkeys(c.span for c, _op in use.writers[1:] if c.span != first.span))
        yield Hit(first.span, message(run, use, size), fix, help_, related, size_mb=mb)


# ---------------------------------------------------------------------------
# Edits
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=256)
def _value_opts(manager: str, prog: str) -> frozenset:
    from .. import packages as pk

    if prog in pk._MANAGERS:
        return frozenset(pk._MANAGERS[prog][2])
    return frozenset({"pip": pk._PIP_VALUE_OPTS, "uv": pk._UV_VALUE_OPTS, "poetry": pk._POETRY_VALUE_OPTS,
            "pipenv": pk._PIPENV_VALUE_OPTS, "conda": pk._CONDA_VALUE_OPTS}.get(manager, set()) | (
        pk._PIP_VALUE_OPTS if prog == "uv" else set()))


_NAMES = frozenset({"install", "add", "sync", "update", "upgrade", "i", "ci", "in", "create", "refresh", "ref", "up",
                    "dist-upgrade", "dup", "groupinstall", "localinstall", "reinstall", "makecache", "builddep",
                    "fix"})
_PASS = frozenset({"pip", "tool", "env", "global", "group", "module"})


def subcommand_index(cmd, op) -> int | None:
    """Index in cmd.raw_argv of the word naming the operation (`install` of `pip install`,
    `add` of `apk --update add`, `sync` of `uv sync`, `create` of `conda env create`), or None
    (bare `yarn`).  Options are skipped with their values, as the manager reads them."""
    raw = cmd.raw_argv
    lead = len(raw) - len(cmd.argv)  # wrapper words (sudo, env …) dropped from argv
    if not cmd.argv:
        return None
    prog = cmd.argv[0].rsplit("/", 1)[-1]
    values = _value_opts(op.manager, prog)
    k = lead + 1
    while k < len(raw):
        w = raw[k]
        if w.startswith("-"):
            k += 2 if w in values else 1
            continue
        if w in _NAMES:
            return k
        if w in _PASS or w.startswith("pip"):
            k += 1
            continue
        return None
    return None


def insert_flag(run, cmd, op, flag: str) -> Edit | None:
    """` FLAG` right after the operation's subcommand word, when that word is written literally
    in the file (not produced by a variable) and the RUN parses."""
    if run.instruction.json or run.shell_script is None or run.shell_script.has_errors:
        return None
    k = subcommand_index(cmd, op)
    if k is None or k >= len(cmd.arg_spans):
        return None
    span = cmd.arg_spans[k]
    if span.line != span.end_line:
        return None
    text = run.file_lines[span.line - 1][span.column - 1:span.end_column - 1]
    if text != cmd.raw_argv[k]:
        return None
    if sum(1 for s in cmd.arg_spans if s == span) > 1:
        return None
    return Edit(Span(span.end_line, span.end_column, span.end_line, span.end_column), f" {flag}")


def append_fix(run, command: str, title: str | None = None, safety: str = "safe"):
    """(Fix appending `command` to the RUN, None) or (None, help line)."""
    edit, why = append_command(run, command)
    if edit is None:
        return None, f"end this RUN with `{command}`; no automatic fix because {why}"
    return Fix(title or f"Append `{command}` to this RUN", safety, (edit,)), None


def flag_fix(run, use, flag: str, safety: str = "safe"):
    """Fix inserting `flag` into every writer of `use`, or None when one cannot be edited."""
    edits = []
    for cmd, op in use.writers:
        e = insert_flag(run, cmd, op, flag)
        if e is None:
            return None
        if e not in edits:
            edits.append(e)
    what = command_text(*use.writers[0])
    return Fix(f"Add `{flag}` to `{what}`", safety, tuple(edits))


__all__ = ["WHAT", "command_text", "hits_for", "insert_flag", "append_fix", "flag_fix", "cache_uses"]
