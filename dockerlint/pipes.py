"""Pipelines of a RUN: which commands are piped into which, and whether `pipefail` is on.

A POSIX shell gives a pipeline the exit status of its last command: `make test | tee log`
succeeds when `make test` fails.  `set -o pipefail` (bash, busybox ash, ksh, zsh; not dash,
Debian's /bin/sh, before 0.5.13) gives it the status of the last command that failed.

``pipelines(run)`` reads the RUN's flat command list (``Run.commands``, in source order,
each with the shell's connector and context) back into pipelines: a command joined with
`|` is the next element of the pipeline before it.  Pipelines inside `$( )` are left out:
their status only matters to a bare assignment, which the flat list does not tell apart.

``pipefail_in_shell(argv)`` says whether a SHELL / interpreter argv turns pipefail on.
"""

from __future__ import annotations

import functools

from .records import Value, setfield

# Connectors that end a statement (what follows a pipeline at its own level).
_SEPARATORS = ("&&", "||", ";", "\n", "&")


class Pipeline(Value):
    """One pipeline of a RUN.

    elements: the first simple command of each element, producer first and consumer last
    (``a | b | c`` -> (a, b, c); for ``(x && y) | c`` the first element is ``x``).
    pipefail: `set -o pipefail` (or the SHELL / heredoc interpreter) is in force when it runs.
    follower: the connector of the statement after it at its own level (`&&`, `||`, `;`,
    newline, `&`), None when it ends the RUN.
    status_matters: its exit status can fail the build: it is not in a condition, not
    negated, not in the background, and is followed by `&&`, ends the RUN, or runs under
    `set -e`.  A pipeline followed by `||` handles its own failure.
    """

    elements: tuple
    pipefail: bool
    follower: str | None
    status_matters: bool

    __slots__ = _fields = ("elements", "pipefail", "follower", "status_matters")

    def __init__(self, elements: tuple, pipefail: bool, follower: str | None,
                 status_matters: bool) -> None:
        setfield(self, "elements", elements)
        setfield(self, "pipefail", pipefail)
        setfield(self, "follower", follower)
        setfield(self, "status_matters", status_matters)

    @property
    def producer(self):
        return self.elements[0]

    @property
    def consumer(self):
        return self.elements[-1]


def pipefail_in_shell(argv) -> bool:
    """Whether a shell argv (`["/bin/bash", "-eo", "pipefail", "-c"]`) turns pipefail on."""
    if not argv:
        return False
    return _pipefail_after(list(argv[1:]), False)


def _pipefail_after(args: list[str], state: bool) -> bool:
    """The pipefail state after `set ARGS` (or a shell's own option words)."""
    i, n = 0, len(args)
    while i < n:
        a = args[i]
        if a in ("-", "--") or len(a) < 2 or a[0] not in "-+" or a.startswith("--"):
            break
        on = a[0] == "-"
        if "o" in a[1:]:
            if i + 1 < n and args[i + 1] == "pipefail":
                state = on
                i += 1
        i += 1
    return state


def _word_texts(cmd) -> list[str]:
    return list(cmd.raw_argv[1:])


def pipelines(run) -> tuple[Pipeline, ...]:
    """The pipelines of a RUN with two elements or more, in source order (see the module doc).

    Computed once per Run (DKL405, its fix and DKL503 all ask) and kept on the Run object."""
    cached = run.__dict__.get("_pipelines")
    if cached is None:
        cached = run.__dict__["_pipelines"] = _pipelines(run)
    return cached


def _pipelines(run) -> tuple[Pipeline, ...]:
    script = run.shell_script
    if script is not None and script.has_errors:
        return ()  # a script tree-sitter cannot read: its pipes are guesses
    cmds = [c for c in run.commands if c.shell is not None]
    if not cmds:
        return ()
    interp = _heredoc_interpreter_argv(run)
    start_on = pipefail_in_shell(interp if interp else run.shell_argv)
    # pipefail state per command, in source order: `set` at the top level of the script
    # lasts; inside a subshell, function or $( ) it is undone at its end (as errexit is in shell.py)
    state = start_on
    on_at: list[bool] = []
    for c in cmds:
        on_at.append(state)
        sh = c.shell
        if c.argv and c.argv[0] == "set" and not (sh.in_subshell or sh.in_function or sh.in_substitution
                                                  or sh.in_pipeline):
            state = _pipefail_after(_word_texts(c), state)
    out: list[Pipeline] = []
    current: list[int] = []

    def close() -> None:
        if len(current) >= 2:
            out.append(_pipeline(cmds, current, on_at))

    # A command joined with `|` takes the command before it at its level as the element it
    # reads from.  That command's own in_pipeline flag is not trusted: tree-sitter-bash reads
    # `a && b 2>&1 | c` as `(a && b) 2>&1 | c`, where bash pipes only `b`.
    for i, c in enumerate(cmds):
        if c.shell.in_substitution:
            continue
        if c.shell.connector == "|" and current:
            current.append(i)
            continue
        close()
        current = [i]
    close()
    return tuple(out)


def _pipeline(cmds, idx: list[int], on_at: list[bool]) -> Pipeline:
    first = cmds[idx[0]].shell
    last_i = idx[-1]
    follower = None
    for c in cmds[last_i + 1:]:
        sh = c.shell
        if sh.in_substitution or sh.connector not in _SEPARATORS:
            continue
        if sh.in_pipeline and (sh.in_subshell != first.in_subshell or sh.conditional != first.conditional
                               or sh.in_function != first.in_function):
            continue  # a command inside the last element (`| while read …; do …; done`)
        follower = sh.connector
        break
    elements = tuple(cmds[i] for i in idx)
    background = any(e.shell.background for e in elements) or follower == "&"
    if first.conditional or first.negated or background or follower == "||":
        matters = False
    elif follower in (None, "&&"):
        matters = True
    else:
        matters = first.errexit
    return Pipeline(elements, on_at[idx[0]], follower, matters)


def _heredoc_interpreter_argv(run) -> tuple[str, ...]:
    """The shell that runs a heredoc body itself (`RUN <<EOF bash -o pipefail`, a `#!` line),
    () when the RUN's SHELL runs the script.  BuildKit runs a `#!` body as a file, so SHELL's
    options do not reach it."""
    ins = run.instruction
    if not ins.heredocs or len(ins.heredocs) != 1 or ins.json or ins.heredocs[0].fd is not None:
        return ()
    from .model import _heredoc_interpreter, _shebang

    interp = _heredoc_interpreter(ins.rest, ins.heredocs[0])
    if interp is None:
        return ()
    if not interp and ins.heredocs[0].body.startswith("#!"):
        interp = _shebang(ins.heredocs[0].body.split("\n", 1)[0]) or ()
    return tuple(interp)


# ---------------------------------------------------------------------------
# What a failure in a pipeline means (rules/knowledge/pipes.toml)
# ---------------------------------------------------------------------------

@functools.cache
def _table() -> tuple[dict[str, frozenset[str] | None], dict[str, str]]:
    """(producer name -> first arguments that make it harmless, None: any; consumer name -> when)."""
    from .knowledge import load_table

    data = load_table("pipes")
    producers: dict[str, frozenset[str] | None] = {}
    for e in data.get("producer", []):
        for n in e["names"]:
            producers[n] = frozenset(e["args"]) if "args" in e else None
    consumers = {n: e["when"] for e in data.get("consumer", []) for n in e["names"]}
    return producers, consumers


def _argv(cmd) -> list[str]:
    """argv with `busybox APPLET` read as APPLET."""
    argv = cmd.argv
    if len(argv) > 1 and argv[0].endswith("busybox") and argv[0].rsplit("/", 1)[-1] == "busybox" \
            and not argv[1].startswith("-"):
        return list(argv[1:])
    return list(argv)


def _name(cmd) -> str:
    argv = _argv(cmd)
    return argv[0].rsplit("/", 1)[-1] if argv else ""


def may_fail(cmd, copied: frozenset[str] = frozenset()) -> bool:
    """Whether a command feeding a pipe can fail in a way the pipeline would hide.

    Not: commands that only print their arguments or system facts, `cat <<EOF` of a
    here-document, `cat` of files the Dockerfile copied in (`copied`: their base names),
    and listers whose empty output is the right answer when they fail (find, ls, ldd,
    scanelf); see the [[producer]] entries of pipes.toml.
    """
    name = _name(cmd)
    if not name or "$" in name:
        return False  # `X=1 | …` or an expansion dockerlint cannot name
    producers = _table()[0]
    if name in producers:
        args = producers[name]
        first = _argv(cmd)[1:2]
        if args is None or first and any(first[0] == a or a.endswith("*") and first[0].startswith(a[:-1])
                                         for a in args):
            return False
    if name == "cat" and len(cmd.argv) == 1 and cmd.shell is not None and any(
            r.startswith("<<") for r in cmd.shell.redirects):
        return "cat-heredoc" not in producers
    if name in ("cat", "tac") and "cat-copied" in producers and copied:
        files = [a for a in cmd.argv[1:] if not a.startswith("-")]
        if files and all(_copied(f.rstrip("/").rsplit("/", 1)[-1], copied) for f in files):
            return False
    if name == "dpkg-query" and _lists_all(_argv(cmd)[1:]):
        return False
    return True


def _awk_end_exits(args: list[str]) -> bool:
    """An awk command line whose program (the first operand after the options) has an END block
    that exits with a non-zero literal status."""
    import re

    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-F", "-v", "-f"):
            if a == "-f":
                return False  # the program is in a file dockerlint does not read
            i += 2
            continue
        if a.startswith("-") and a != "-":
            i += 1
            continue
        end = re.search(r"\bEND\s*\{", a)
        return end is not None and re.search(r"\bexit\s*\(?\s*[1-9]", a[end.end():]) is not None
    return False


def _copied(name: str, copied: frozenset[str]) -> bool:
    """A file name (or glob: `*.patch`) that names what a COPY put in: the same text as a copied
    source (`COPY patches/*.patch ./`, which fails when it matches nothing) or a glob matching a
    copied name."""
    if "$" in name or not name:
        return False
    if name in copied:
        return True
    if not any(ch in name for ch in "*?["):
        return False
    from fnmatch import fnmatchcase

    return any(not any(ch in c for ch in "*?[") and fnmatchcase(c, name) for c in copied)


def _lists_all(args: list[str]) -> bool:
    """`dpkg-query -W -f '${Package}\\n'`: a query that names no package lists them all."""
    operands, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in ("-f", "--showformat", "--admindir", "--root"):
            skip = True
        elif not a.startswith("-"):
            operands.append(a)
    return any(a in ("-W", "--show", "-l", "--list") for a in args) and not operands


def written_in(run, before) -> frozenset[str]:
    """Base names of the files commands of `run` before `before` wrote: `> F`, `>> F`, `tee F`,
    `cp/mv … F`, `curl -o F`, `wget -O F`."""
    out = set()
    for c in run.commands:
        if c is before:
            break
        sh = c.shell
        for r in (sh.redirects if sh is not None else ()):
            if r.startswith((">", "1>")) and not r.startswith(">&"):
                out.add(r.lstrip("1>").strip().strip("\"'").rsplit("/", 1)[-1])
        args = list(c.argv[1:])
        if c.name in ("cp", "mv", "install", "ln") and args:
            out.add(args[-1].rstrip("/").rsplit("/", 1)[-1])
        elif c.name == "tee":
            out.update(a.rsplit("/", 1)[-1] for a in args if not a.startswith("-"))
        elif c.name in ("curl", "wget"):
            for i, a in enumerate(args[:-1]):
                if a in ("-o", "-O", "--output", "--output-document"):
                    out.add(args[i + 1].rsplit("/", 1)[-1])
    out.discard("")
    return frozenset(out)


def copied_names(stage) -> frozenset[str]:
    """Base names of what the stage's lineage COPY'd or ADD'd (sources and file destinations)."""
    out = set()
    for st in stage.lineage:
        for ins in st.instructions:
            if ins.keyword in ("COPY", "ADD") and len(ins.args) >= 2:
                for w in ins.args:
                    name = w.text.rstrip("/").rsplit("/", 1)[-1]
                    if name and not w.text.startswith("<<"):
                        out.add(name)
    return frozenset(out)


def checked_afterwards(pipeline, run) -> bool:
    """`cmd | tee LOG && grep … LOG`: the RUN reads the log it kept and fails on what it finds."""
    last = pipeline.consumer
    if _name(last) != "tee":
        return False
    logs = {a for a in _argv(last)[1:] if not a.startswith("-")}
    if not logs:
        return False
    after = False
    for c in run.commands:
        if c is last:
            after = True
            continue
        if after and c.name in ("grep", "egrep", "fgrep") and logs & set(c.argv[1:]) and not c.shell.conditional:
            return True
    return False


def input_in_url(pipeline, run) -> bool:
    """`… | wget "https://host/$(cat)/file"`: the consumer reads its input only as part of the URL
    it fetches (a bare `cat` in a substitution of its own words).  Empty input gives a URL that
    does not exist, and wget fails on the HTTP error itself."""
    last = pipeline.consumer
    if _name(last) != "wget" or any(a == "-i" or a.startswith("--input-file") for a in _argv(last)):
        return False
    s = last.span
    return any(c.shell is not None and c.shell.in_substitution and list(c.argv) in (["cat"], ["cat", "-"])
               and (s.line, s.column) <= (c.span.line, c.span.column)
               and (c.span.end_line, c.span.end_column) <= (s.end_line, s.end_column)
               for c in run.commands)


def fails_on_short_input(cmd) -> bool:
    """Whether the last command of a pipeline fails by itself when its input is empty or cut off
    (tar -x, gzip -d, gpg --dearmor, apt-key add, sha256sum -c; see pipes.toml [[consumer]])."""
    name = _name(cmd)
    when = _table()[1].get(name)
    if when is None:
        return False
    args = _argv(cmd)[1:]
    if when == "always":
        return True
    if when == "extract":
        first = args[0] if args else ""
        if first and not first.startswith("-") and any(ch in first for ch in "xt"):
            return True  # `tar xzf -`: old-style bundled options
        return any(a in ("--extract", "--list", "--get") or (a.startswith("-") and not a.startswith("--")
                                                            and any(ch in a[1:] for ch in "xt")) for a in args)
    if when == "decompress":
        return any(a in ("--decompress", "--uncompress", "-t", "--test") or (
            a.startswith("-") and not a.startswith("--") and "d" in a[1:]) for a in args)
    if when == "check":
        return any(a in ("--check",) or (a.startswith("-") and not a.startswith("--") and "c" in a[1:])
                   for a in args)
    if when == "gpg-read":
        return any(a in ("--dearmor", "--dearmour", "--enarmor", "--import", "--verify", "--decrypt", "-d",
                         "--fast-import") for a in args)
    if when == "end-exit":
        return _awk_end_exits(args)
    if when == "add":
        return "add" in args  # `apt-key add -`, `apt-key --keyring F add -`
    if when == "cpio-in":
        return any(a in ("--extract", "--list") or (a.startswith("-") and not a.startswith("--")
                                                    and any(ch in a[1:] for ch in "it")) for a in args)
    return False


# ---------------------------------------------------------------------------
# Turning pipefail on for a stage (DKL405's fix)
# ---------------------------------------------------------------------------

@functools.cache
def _shells() -> dict[str, dict]:
    from .knowledge import load_table

    return {e["family"]: e for e in load_table("pipes").get("shell", [])}


_POSIX = ("sh", "bash", "dash", "ash", "zsh", "ksh", "mksh")


def sh_has_pipefail(image) -> bool | None:
    """Whether the image's /bin/sh takes `set -o pipefail`; None when not known.

    Debian's dash has it from 0.5.12-7 (trixie, Ubuntu 25.04); a floating tag
    (`python:3.12-slim`, `debian:stable`) may still be an older build, so only a tag that
    names the release (or a debian/ubuntu version tag) counts.  pipes.toml [[shell]].
    """
    if image is None or image.family is None:
        return None
    fact = _shells().get(image.family)
    if fact is None:
        return None
    if fact["pipefail"]:
        return True
    rel = image.release
    if rel and rel in fact.get("releases_with_pipefail", ()):
        tokens = (image.tag or "").split("-")
        pinned = rel in tokens or (image.name in ("debian", "ubuntu") and tokens[:1] and tokens[0][:1].isdigit())
        return True if pinned else None
    return False


def has_bash(stage, before_run=None) -> bool:
    """Whether bash is in the stage's filesystem when `before_run` runs: the image family always
    has it (Debian/Ubuntu: Essential; the RHEL family: it is /bin/sh), or an earlier RUN of the
    lineage installed the `bash` package."""
    img = stage.root_image
    if img is not None and img.family in ("debian", "rhel"):
        return True
    for run in stage.all_runs():
        if run is before_run:
            break
        if any(op.action == "install" and any(p.split("=")[0].split(">")[0] == "bash" for p in op.packages)
               for op in run.package_ops):
            return True
    return False


def pipefail_shell(stage, run) -> tuple[tuple[str, ...] | None, str]:
    """The SHELL argv that runs `run` (and the stage's later RUNs) with pipefail, and why;
    (None, reason) when none is known to work.

    The shell in force keeps its options: bash/zsh/ksh get `-o pipefail` before `-c`;
    /bin/sh stays when it takes pipefail (BusyBox ash, dash from trixie, bash as sh on the
    RHEL family), else bash where the stage has it.
    """
    argv = tuple(run.shell_argv) if run.shell_argv else ("/bin/sh", "-c")
    prog = argv[0].rsplit("/", 1)[-1]
    if prog not in _POSIX or "-c" not in argv:
        return None, "the SHELL in force is not a POSIX shell run with -c"
    opts = list(argv[1:argv.index("-c")])
    img = stage.root_image
    if prog in ("bash", "zsh", "ksh"):
        return (argv[0], *opts, "-o", "pipefail", "-c"), f"the stage already runs {prog}"
    if prog in ("sh", "ash", "dash"):
        if prog == "sh" and sh_has_pipefail(img) and img.family != "rhel":
            return (argv[0], *opts, "-o", "pipefail", "-c"), f"/bin/sh of `{img.ref}` takes pipefail"
        if has_bash(stage, run):
            return ("/bin/bash", *opts, "-o", "pipefail", "-c"), "bash is in the stage"
        if prog == "sh" and sh_has_pipefail(img):
            return (argv[0], *opts, "-o", "pipefail", "-c"), f"/bin/sh of `{img.ref}` takes pipefail"
    return None, "dockerlint does not know a shell with pipefail in this stage"


def breaks_under_pipefail(pipeline) -> str | None:
    """Why turning pipefail on would fail this pipeline although it works now, or None.

    `yes | …` always ends with SIGPIPE; a consumer that stops reading early (`head`,
    `grep -q/-m/-l`) makes a producer that is still writing die of SIGPIPE.
    """
    first = _name(pipeline.producer)
    if first == "yes":
        return "`yes | …` ends with SIGPIPE, which pipefail turns into a failure"
    last = pipeline.consumer
    name = _name(last)
    args = _argv(last)[1:]
    if name == "head" or name in ("grep", "egrep", "fgrep") and any(
            a in ("-q", "--quiet", "--silent", "-l", "-m", "-s") or a.startswith(("--max-count", "-m"))
            or (a.startswith("-") and not a.startswith("--") and any(ch in a[1:] for ch in "qlm")) for a in args):
        return f"`{name}` stops reading early, so the command before it can die of SIGPIPE under pipefail"
    return None
