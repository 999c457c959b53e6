"""Joining RUNs into one, for DKL102's fixes that keep build-only packages for several RUNs
and remove them at the end of the last: the edits that turn later RUNs into continuations of
the first (each in a subshell where it changes its shell's state or is more than one `&&`
chain), and that move the instructions standing between them out of the way (COPY and ADD
before the joined RUN; WORKDIR, ENV and metadata after it, WORKDIR and ENV re-entered with `cd`
and `export` where they stood). Edits only: what to install and remove is purges.py's."""

from __future__ import annotations

import re

from .lazyre import LazyRe


# Builtins whose effect outlives the command in the shell that runs it: a RUN body that runs one at
# its top level gets its own subshell when later RUNs join it, as its own `sh -c` was before.
_SHELL_STATE = frozenset({
    "cd", "pushd", "popd", "export", "unset", "set", "shopt", "umask", "source", ".", "alias", "unalias",
    "eval", "exec", "exit", "trap", "readonly", "declare", "typeset", "local", "ulimit", "hash", "shift",
    "read", "getopts", "enable", "builtin", "command", "return", "wait",
})


def run_position(run, index: int) -> tuple[int, int]:
    """(line, column) in the file of character `index` of the RUN's shell script."""
    return run.script[1].locate(index)


def _changes_shell_state(run) -> bool:
    """The RUN's script changes the state of its shell for what would come after it: a top-level
    cd/export/set/... (`_SHELL_STATE`), a bare assignment, or a function definition."""
    for c in run.shell_script.commands:
        if c.in_function:
            return True
        if c.in_subshell or c.in_substitution:
            continue
        if c.name in _SHELL_STATE or (not c.argv and c.assignments):
            return True
    return False


def _wrapped(run, last: bool) -> bool:
    """Whether the RUN's script goes in a subshell where the move puts commands before or after
    it: when it is more than one `&&`/`|` chain (`a; b`, `a || b`, a newline, `&`: joined bare,
    `install && a; b` would run b after a failed install, and the RUN's status would be b's), or,
    when other RUNs follow it in the joined one, when it changes its shell's state (cd, export,
    set -e, a bare assignment: `_changes_shell_state`). Any `;`, `||`, `&` or newline counts, at
    any depth: a subshell too many is harmless."""
    script = run.shell_script
    if len(script.statements) != 1 or any(st.terminator == "&" for st in script.statements):
        return True
    if any(c.connector in ("||", ";", "&", "\n") for c in script.commands):
        return True
    return not last and _changes_shell_state(run)


def merge_runs(stage, runs) -> tuple[list, str, bool, str | None]:
    """The edits that join shell-form RUNs that follow one another (`runs`; other instructions
    between them are moved out of the way by `_hops`) into the first: each later RUN's keyword
    becomes a continuation of the one
    before (` && \\`, blank lines between them dropped, comment lines kept: BuildKit skips them
    inside a continuation), and a RUN that `_wrapped` says so goes in a subshell. The first RUN's
    "(" is returned for the caller to put at its start, with its install, and whether the last RUN
    is wrapped: then the caller closes it before its removal. One RUN alone is only wrapped.
    Returns (edits, opening, last wrapped, None) or ([], "", False, why not)."""
    from .edits import _end_position
    from .findings import Edit
    from .spans import Span

    wrap = [_wrapped(r, r is runs[-1]) for r in runs]
    lines = runs[0].file_lines
    esc = runs[0].escape
    edits, moved_lines, prefix, why = _hops(stage, runs)
    if why is not None:
        return [], "", False, why
    for k, (prev, cur) in enumerate(zip(runs, runs[1:])):
        if cur.instruction.flags:
            return [], "", False, f"the RUN at line {cur.instruction.start_line} has its own flags"
        got, pos = _end_position(prev)
        if got is None:
            return [], "", False, f"the RUN at line {prev.instruction.start_line} {pos}"
        line, col = pos
        rest = lines[line - 1][col - 1:]
        if rest.strip() not in ("", ";"):
            return [], "", False, f"the RUN at line {prev.instruction.start_line} ends with a comment"
        # through the line break: an edit that another fix makes at the same end of the RUN (DKL207's
        # appended `npm cache clean`) then overlaps it and waits for the next round
        edits.append(Edit(Span(line, col, line + 1, 1), (")" if wrap[k] else "") + f" && {esc}\n"))
        for ln in range(prev.instruction.end_line + 1, cur.instruction.start_line):
            text = lines[ln - 1].strip()
            if ln in moved_lines:
                continue
            if not text:
                edits.append(Edit(Span(ln, 1, ln + 1, 1), ""))
            elif "ignore" in text:
                # a suppression comment for the RUN below would end up inside the joined one
                return [], "", False, f"the comment at line {ln} may be a suppression"
        script = cur.shell_script
        if not script.statements:
            return [], "", False, f"the RUN at line {cur.instruction.start_line} runs no command"
        sl, sc = run_position(cur, script.statements[0].start)
        # a moved WORKDIR's `cd` and a moved ENV's `export` stay in force for the RUNs after it
        edits.append(Edit(Span(cur.instruction.start_line, 1, sl, sc),
                          "    " + prefix.get(cur.instruction.start_line, "") + (_opening(cur) if wrap[k + 1] else "")))
    return edits, _opening(runs[0]) if wrap[0] else "", wrap[-1], None


def _opening(run) -> str:
    """The "(" that wraps a RUN's script in a subshell, "( " before a script that starts with "(":
    bash reads `((` as the start of an arithmetic command (paysphera's `( git submodule … )`)."""
    script = run.shell_script
    at = run_position(run, script.statements[0].start) if script.statements else None
    line = run.file_lines[at[0] - 1] if at else ""
    return "( " if at and line[at[1] - 1: at[1]] == "(" else "("


# Instructions that change nothing a RUN sees: a join moves them after the joined RUN, in order
_AFTER = frozenset({"LABEL", "EXPOSE", "MAINTAINER", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT", "ONBUILD"})
# An ENV value the shell expands as the builder does: plain words, $NAME and ${NAME}, double quotes
_SAFE = r"[\w/.:,@%+=-]|\$\w+|\$\{\w+\}"
_SHELL_SAME = LazyRe(rf'(?:{_SAFE}|"(?:{_SAFE}| )*")+')
_REF = LazyRe(r"\$(?:(\w+)|\{(\w+)\})")
# Source names that are files, not folders, though they have no extension
_FILE_NAMES = frozenset({"Gemfile", "Makefile", "Pipfile", "Procfile", "Rakefile", "Dockerfile", "LICENSE"})


def _hops(stage, runs) -> tuple[list, set[int], dict[int, str], str | None]:
    """The edits that take the instructions between the RUNs to join (`runs`) out of their way,
    so that the RUNs follow one another: COPY and ADD go before the first RUN (a later part of
    the joined RUN reads their files); WORKDIR and ENV go after the last, and the joined RUN
    enters the folder (`mkdir -p D && cd D`, as WORKDIR creates it) and exports the variables
    (their values as the next RUN saw them) where they stood; LABEL, EXPOSE, CMD and the other
    metadata go after the last. Comment lines right above a moved instruction move with it.
    Returns (edits, the line numbers moved, {RUN start line: the commands that go before it},
    None) or ([], set(), {}, why not): USER, ARG, VOLUME,
    SHELL; a value or folder dockerlint cannot tell; a COPY whose files an earlier RUN of the
    join may touch or make (it would now find them there), that names a user or group by name
    (`--chown=app`: a RUN of the join may create it), that uses variables an ENV between sets,
    or whose relative destination a WORKDIR between would move."""
    import shlex

    from .findings import Edit
    from .layers import BASE_WD, workdirs
    from .spans import Span

    lines = runs[0].file_lines
    first_line, last = runs[0].instruction.start_line, runs[-1]
    between = [i for i in stage.instructions if first_line < i.start_line < last.instruction.start_line
               and i.keyword != "RUN"]
    if not between:
        return [], set(), {}, None
    if last.instruction.end_line >= len(lines):
        return [], set(), {}, "the last RUN ends the file"
    wds = workdirs(stage)
    before_text, after_text, moved = [], [], set()
    prefix: dict[int, str] = {}  # RUN start line -> commands the joined RUN runs before it
    seen_wd = seen_env = False
    for ins in between:
        kw = ins.keyword
        if ins.heredocs:
            return [], set(), {}, f"the {kw} at line {ins.start_line} has a heredoc"
        if kw not in _AFTER and kw not in ("WORKDIR", "ENV", "COPY", "ADD"):
            return [], set(), {}, f"the {kw} at line {ins.start_line} stands between them"
        nxt = next(r for r in runs if r.instruction.start_line > ins.start_line)
        if kw == "WORKDIR":
            wd = wds.get(id(nxt.instruction), "")
            if not wd.startswith("/") or wd.startswith(BASE_WD) or "$" in wd:
                return [], set(), {}, f"dockerlint cannot tell the folder of the WORKDIR at line {ins.start_line}"
            prefix[nxt.instruction.start_line] = (prefix.get(nxt.instruction.start_line, "")
                                                  + f"mkdir -p {shlex.quote(wd)} && cd {shlex.quote(wd)} && ")
            seen_wd = True
        elif kw == "ENV":
            exports = []
            keys = set()  # set by this ENV before the pair
            for name, val in ins.pairs:
                raw = val.text if val is not None else ""
                if "$" not in raw:
                    value = nxt.env.get(name.text)
                    value = shlex.quote(value) if value is not None else None
                else:
                    # the shell expands it as the builder did (the image's own PATH included),
                    # unless it refers to a variable an earlier pair of the same ENV sets (the
                    # builder expands it with the value from before the ENV)
                    ok = _SHELL_SAME.fullmatch(raw) and runs[0].escape == "\\" and not (
                        keys & {m.group(1) or m.group(2) for m in _REF.finditer(raw)})
                    # in one pair of double quotes, as an assignment reads it anyway (no splitting,
                    # no globbing; and no `~`, which ENV does not expand either): tree-sitter-bash
                    # misreads `X=$A:$B/bin` as an assignment and a command `$B/bin`
                    value = '"' + raw.replace('"', "") + '"' if ok else None
                if value is None:
                    return [], set(), {}, f"dockerlint cannot tell the value of `{name.text}` at line {ins.start_line}"
                keys.add(name.text)
                # an assignment of its own: `export A=$X` splits $X in older dash
                exports.append(f"{name.text}={value} && export {name.text} && ")
            prefix[nxt.instruction.start_line] = prefix.get(nxt.instruction.start_line, "") + "".join(exports)
            seen_env = True
        elif kw in ("COPY", "ADD"):
            why = _copy_hops(ins, [r for r in runs if r.instruction.start_line < ins.start_line], wds,
                             seen_wd, seen_env)
            if why is not None:
                return [], set(), {}, why
        # the instruction's lines, with the comment lines right above it
        top = ins.start_line
        bound = max(i.end_line for i in stage.instructions if i.start_line < ins.start_line)
        while top - 1 > bound and lines[top - 2].lstrip().startswith("#"):
            top -= 1
        if any("ignore" in lines[n - 1] for n in range(top, ins.start_line)):
            return [], set(), {}, f"the comment above line {ins.start_line} may be a suppression"
        block = lines[top - 1: ins.end_line]
        moved.update(range(top, ins.end_line + 1))
        (before_text if kw in ("COPY", "ADD") else after_text).extend(block)
    edits = [Edit(Span(n, 1, n + 1, 1), "") for n in sorted(moved)]
    if before_text:
        edits.append(Edit(Span(first_line, 1, first_line, 1), "\n".join(before_text) + "\n"))
    if after_text:
        at = last.instruction.end_line + 1
        edits.append(Edit(Span(at, 1, at, 1), "\n".join(after_text) + "\n"))
    return edits, moved, prefix, None


def _copy_hops(ins, earlier, wds, seen_wd: bool, seen_env: bool) -> str | None:
    """Why the COPY or ADD `ins` cannot move before the RUNs `earlier` (those of the join that
    ran before it), or None. They would now find its files: refused when one of them may touch
    what it writes (names the destination, runs in it, or names a file it copies), and when what
    it writes is not the same from there (a relative destination after a WORKDIR between,
    variables after an ENV between, `--chown` by name)."""
    import posixpath

    chown = ins.flag("chown")
    if chown is not None and not re.fullmatch(r"\d+(:\d+)?", chown.value or ""):
        return f"the {ins.keyword} at line {ins.start_line} sets an owner by name"
    words = [w.text for w in ins.args]
    if ins.json or len(words) < 2:
        return f"dockerlint cannot read the {ins.keyword} at line {ins.start_line}"
    if "$" in ins.rest and seen_env:
        return f"the {ins.keyword} at line {ins.start_line} uses variables an ENV before it sets"
    *srcs, dest = words
    if "$" in dest and earlier:
        from .expand import expand

        dest, known = expand(dest, earlier[-1].env, earlier[-1].escape)
        if not known:
            return f"dockerlint cannot tell where the {ins.keyword} at line {ins.start_line} copies to"
    if not dest.startswith("/") and seen_wd:
        return f"a WORKDIR before the {ins.keyword} at line {ins.start_line} sets where it copies to"
    from .layers import BASE_WD

    wd = wds.get(id(ins), "/")
    if any(w.startswith(BASE_WD) for w in [wd] + [wds.get(id(r.instruction), "/") for r in earlier]):
        # the base image's WORKDIR is not known: where it copies, or where the RUNs run, is not either
        return (f"dockerlint does not know the base image's WORKDIR, where the {ins.keyword} at line "
                f"{ins.start_line} or the RUNs before it work")
    dest_abs = posixpath.normpath(posixpath.join(wd, dest))
    into = dest.endswith("/") or dest in (".", "./") or len(srcs) > 1
    files = ins.keyword == "COPY" and all(
        "://" not in s and not any(ch in s for ch in "*?[") and not s.endswith("/")
        and (("." in posixpath.basename(s).strip(".")) or posixpath.basename(s) in _FILE_NAMES) for s in srcs)
    touched = ([posixpath.join(dest_abs, posixpath.basename(s)) for s in srcs] if files and into
               else [dest_abs])
    names = {posixpath.basename(t) for t in touched if posixpath.basename(t)}
    for r in earlier:
        text = "\n".join(r.file_lines[r.instruction.start_line - 1: r.instruction.end_line])
        cwd = wds.get(id(r.instruction), "/")
        where = f"the RUN at line {r.instruction.start_line}"
        what = f"the {ins.keyword} at line {ins.start_line}"
        for t in touched:
            # the folders it writes into, each a place the RUN may read, list or glob (`make -C /src`)
            folders = [t]
            while posixpath.dirname(folders[-1]) not in ("/", folders[-1]):
                folders.append(posixpath.dirname(folders[-1]))
            named = next((f for f in folders if f != "/" and f in text), None)
            if named is not None:
                return f"{where} names {named}, where {what} writes"
            if cwd != "/" and (cwd in folders or cwd.startswith(t.rstrip("/") + "/")):
                return f"{where} runs in {cwd}, where {what} writes"
            top = t.strip("/").split("/")[0]
            if cwd == "/" and top and re.search(rf"(?<![\w/.-]){re.escape(top)}(?![\w.-])", text):
                return f"{where} runs in /, and names {top}, where {what} writes"
        if files and any(n in text for n in names):
            return f"{where} may use a file {what} copies"
    return None
