"""DKL201 apt-lists-not-cleaned: a RUN of a shipped stage writes apt's lists and leaves them in its layer."""

from __future__ import annotations

from ..aptlists import LISTS, describe_writer, sources_change_between, later_readers, lists_mb, lists_use, lists_weight, removes_lists
from ..edits import append_command, delete_instruction, insert_before, remove_command
from ..findings import Fix, Hit

CLEANUP = "rm -rf /var/lib/apt/lists/*"


def _weight(stage) -> str:
    """How much the lists weigh, from the measured figure in the knowledge tables."""
    facts = lists_weight(stage.root_image)
    return f" ({facts})" if facts else ""


def _line_of(run) -> int:
    return run.instruction.span.line


def _update_only(run, use) -> bool:
    """The RUN writes lists with `apt-get update` and reads none itself: its installs come later."""
    return not use.reads and len(use.writes) == 1 and use.writes[0].name in ("apt-get", "apt", "aptitude")


def _update_text(cmd) -> str:
    return " ".join(w.raw for w in cmd.shell.argv) if cmd.shell is not None else " ".join(cmd.argv)


def _reader_edits(reader, update: str) -> list | None:
    """`update && ` before the reader's first apt command, and the lists removed at its end."""
    if reader.shell_script is None or reader.shell_script.has_errors or reader.instruction.heredocs:
        return None
    ruse = lists_use(reader)
    first = ruse.reads[0]
    if first.shell is None or first.in_substitution:
        return None
    # `yes | apt-get install x`: the update goes before the whole pipeline (`&&` binds looser than `|`)
    k = first.index
    while k > 0 and reader.commands[k].connector == "|" and reader.commands[k - 1].shell is not None:
        k -= 1
    start = reader.commands[k]
    if start.shell.in_substitution or start.shell.in_subshell and not first.shell.in_subshell:
        return None
    edits = [insert_before(start.span, f"{update} && ")]
    # A reader that runs its own update later keeps its lists for the RUNs after it: its own
    # finding says where to remove them.
    if not ruse.removed_at_end and not ruse.writes:
        tail, _why = append_command(reader, CLEANUP)
        if tail is None:
            return None
        edits.append(tail)
    return edits


def _move_fix(run, use, reader) -> Fix | None:
    """Move the `update` into the one later RUN that reads the lists, and remove them there.

    The update leaves this RUN (the whole RUN when it is nothing else); the reader's first
    apt command must not sit in a pipeline, where a prefix would change what is piped.
    """
    if run.shell_script is None or run.shell_script.has_errors or run.instruction.heredocs:
        return None
    upd = use.writes[0]
    if any(c.argv and c is not upd for c in run.commands):
        cut = remove_command(run, upd)
        if cut is None:
            return None
    else:
        cut = delete_instruction(run.instruction)
    update = _update_text(upd)
    more = _reader_edits(reader, update)
    if more is None:
        return None
    return Fix(f"Move `{update}` into the RUN at line {_line_of(reader)} and remove the lists there",
               "unsafe", (cut, *more))


def _update_in_readers_fix(run, use, readers) -> Fix | None:
    """Remove the lists at the end of this RUN, and give each later reader its own update.

    Whatever wrote the lists here (an update, add-apt-repository, a setup script) also left
    its sources in /etc/apt, so a plain update in the reader fetches the same lists again.
    """
    tail, _why = append_command(run, CLEANUP)
    if tail is None:
        return None
    apt_writes = [w for w in use.writes if w.name in ("apt-get", "apt", "aptitude")]
    update = _update_text(apt_writes[-1]) if apt_writes else "apt-get update"
    edits = [tail]
    for r in readers:
        more = _reader_edits(r, update)
        if more is None:
            return None
        edits.extend(more)
    where = ", ".join(str(_line_of(r)) for r in readers)
    return Fix(f"Remove the lists at the end of this RUN, and run `{update}` in the RUN"
               f"{'s' if len(readers) > 1 else ''} at line{'s' if len(readers) > 1 else ''} {where} too, "
               "removing the lists there", "unsafe", tuple(edits))


def check(model):
    for stage in model.shipped:
        for run in stage.runs:
            use = lists_use(run)
            if not use.left or use.cached:
                continue
            first = use.writes[0]
            msg = (f"{describe_writer(first)} writes apt's package lists{_weight(stage)} to {LISTS}, and this "
                   "RUN does not remove them: they stay in this layer")
            readers = later_readers(model, run)
            fix = None
            help_ = None
            if not readers:
                edit, why = append_command(run, CLEANUP)
                if edit is not None:
                    fix = Fix(f"Append `{CLEANUP}` to this RUN", "safe", (edit,))
                else:
                    help_ = f"end this RUN with `{CLEANUP}`; no automatic fix because {why}"
            else:
                lines = ", ".join(str(_line_of(r)) for r in readers)
                several = len(readers) > 1
                msg += (f"; the apt commands of the RUN{'s' if several else ''} at line{'s' if several else ''} "
                        f"{lines} use them, so removing them here would make {'those' if several else 'it'} fail")
                moved_past = sources_change_between(model, run, max(_line_of(r) for r in readers))
                if moved_past is not None:
                    pass  # no fix: an update there would fetch other lists
                elif not use.reads:
                    # the installs come later: move a lone `apt-get update` into its one reader;
                    # other writers (add-apt-repository, a setup script) stay, and the reader updates
                    if len(readers) == 1:
                        fix = (_move_fix(run, use, readers[0]) if _update_only(run, use) else None) \
                            or _update_in_readers_fix(run, use, readers)
                else:
                    fix = _update_in_readers_fix(run, use, readers)
                if fix is None:
                    help_ = (f"run `apt-get update` in the same RUN as the installs that need it (line{'s' if several else ''} {lines}) "
                             f"and end each such RUN with `{CLEANUP}`")
                    if moved_past is not None:
                        help_ += (f"; no automatic fix: line {moved_past} changes apt's sources or keys in between, "
                                  "so an update there would fetch other lists")
            yield Hit(first.span, msg, fix, help_, size_mb=lists_mb(stage.root_image))


__all__ = ["check", "CLEANUP", "removes_lists"]
