"""Which shell a shell-form instruction needs, and whether the stage's filesystem has it.

Part of the model layer, used by DKL402 (it reports the instruction that cannot run) and DKL403
(which leaves those to DKL402).  A shell-form `RUN`, `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD`
runs `<SHELL> <text>`, `/bin/sh -c` unless a `SHELL` says otherwise; a `RUN <<EOF` whose body
starts with `#!` runs the interpreter that line names (PARSING.md §6).  The filesystem is judged
from the image facts (`ImageInfo.shell`: "" for scratch, distroless and chiseled images, and
"/busybox/sh" for distroless `:debug`, which has no /bin/sh) and from what the stage's lineage
adds before the instruction: any `COPY`/`ADD` whose destination could hold the program (a
directory above it, `/` itself, a variable we cannot expand) and any exec-form `RUN` (it may
link one in) count as providing it, so only a filesystem that surely lacks it is reported.
Windows images and images whose shell is not known are never judged.
"""

from __future__ import annotations

import posixpath
from bisect import bisect_left

from .records import Value, setfield

# Directories that usr-merged images link together: a shell copied to /usr/bin/sh may be /bin/sh.
_MERGED = {"/bin": "/usr/bin", "/sbin": "/usr/sbin", "/usr/bin": "/bin", "/usr/sbin": "/sbin"}


class MissingShell(Value):
    """A shell-form instruction whose program is not in the stage's filesystem.

    program: the path it needs ("/bin/sh", or what `SHELL`/the `#!` line names); via: how it was
    chosen ("the default shell", "the SHELL at line 4", "the `#!` line"); image: the image at the
    bottom of the stage's FROM chain; has: the shell the image does have ("" when none, e.g.
    "/busybox/sh" for distroless `:debug`).
    """

    program: str
    via: str
    image: str
    has: str

    __slots__ = _fields = ("program", "via", "image", "has")

    def __init__(self, program: str, via: str, image: str, has: str) -> None:
        setfield(self, "program", program)
        setfield(self, "via", via)
        setfield(self, "image", image)
        setfield(self, "has", has)


def _shells(stage) -> tuple[list[int], list[tuple[tuple[str, ...], int]]]:
    """The lineage's SHELL instructions as (start lines, [(argv, line)]), computed once per stage.

    A parent stage is always above its child in the file (FROM <stage> names an earlier stage),
    so file order is lineage order."""
    cached = stage.__dict__.get("_dockerlint_shells")
    if cached is None:
        found = [(i.start_line, tuple(w.text for w in i.args)) for s in stage.lineage for i in s.instructions
                 if i.keyword == "SHELL" and i.json and i.args]
        cached = ([line for line, _ in found], [(argv, line) for line, argv in found])
        stage.__dict__["_dockerlint_shells"] = cached
    return cached


def shell_in_force(stage, ins) -> tuple[tuple[str, ...], int | None]:
    """(SHELL argv, line of that SHELL or None for the default) in force at `ins` in `stage`.

    The default is ["/bin/sh", "-c"], or ["cmd", "/S", "/C"] on a Windows base (PARSING.md §10)."""
    lines, shells = _shells(stage)
    k = bisect_left(lines, ins.start_line) - 1
    if k >= 0:
        return shells[k]
    img = stage.root_image
    return (("cmd", "/S", "/C") if img is not None and img.is_windows else ("/bin/sh", "-c")), None


def _needed(stage, ins) -> tuple[str, str] | None:
    """(program, how it was chosen) for a shell-form instruction, None when no shell runs it."""
    if ins.json:
        return None
    if ins.keyword == "RUN" and ins.heredocs and len(ins.heredocs) == 1:
        from .model import _heredoc_interpreter

        doc = ins.heredocs[0]
        if doc.fd is None and _heredoc_interpreter(ins.rest, doc) == () and doc.body.startswith("#!"):
            words = doc.body.split("\n", 1)[0][2:].split()
            return (words[0], "the `#!` line of its heredoc") if words else None
    argv, line = shell_in_force(stage, ins)
    return argv[0], ("the default shell" if line is None else f"the SHELL at line {line}")


def _absent(program: str, has: str) -> bool:
    """Whether an image whose only shell is `has` ("" = none) surely lacks `program`."""
    if not has:
        return True
    if program == has:
        return False
    if "/" not in program:
        return False  # found through PATH: /busybox is on the :debug images' PATH
    return not program.startswith(posixpath.dirname(has) + "/")


def _covers(dest: str, program: str) -> bool:
    """Whether a COPY/ADD to `dest` (absolute, normalized) may put a file at `program`."""
    if dest == "/":
        return True
    for p in {program} | {_MERGED[d] + program[len(d):] for d in _MERGED if program.startswith(d + "/")}:
        if p == dest or p.startswith(dest.rstrip("/") + "/"):
            return True
    return False


def _providers(stage, program: str) -> list[int]:
    """Start lines of the lineage's instructions that may put `program` in the filesystem (a COPY/ADD
    whose destination covers it or cannot be read, an exec-form RUN), computed once per stage and
    program, so judging every RUN of a long stage stays linear."""
    from .expand import expand

    cache = stage.__dict__.setdefault("_dockerlint_providers", {})
    if program in cache:
        return cache[program]
    out: list[int] = []
    for s in stage.lineage:
        workdir: str | None = "/"
        env: dict = dict(s.parent.env) if s.parent is not None else {}
        for i in s.instructions:
            kw = i.keyword
            if kw == "WORKDIR" and i.args:
                wd, ok = expand(i.args[0].text, env, "\\")
                workdir = posixpath.normpath(posixpath.join(workdir, wd)) if ok and workdir is not None else None
            elif kw in ("ENV", "ARG"):
                for name, val in i.pairs:
                    env[name.text] = None if val is None else expand(val.text, env, "\\")[0]
            elif kw == "RUN" and i.json:
                out.append(i.start_line)  # an exec-form RUN may have linked or unpacked one
            elif kw in ("COPY", "ADD") and i.args:
                dest, ok = expand(i.args[-1].text, env, "\\")
                if not ok or "$" in dest or (not dest.startswith("/") and workdir is None):
                    out.append(i.start_line)
                    continue
                if _covers(posixpath.normpath(posixpath.join(workdir or "/", dest)), program):
                    out.append(i.start_line)
    cache[program] = out
    return out


def _provided(stage, ins, program: str, run=None) -> bool:
    """Something in the lineage before `ins` (or a bind mount of the RUN itself) may provide `program`."""
    if "/" not in program:
        return True  # a bare name could be anywhere on PATH
    lines = _providers(stage, program)
    if lines and lines[0] < ins.start_line:
        return True
    if run is not None:
        for m in run.mounts:
            if m.type == "bind" and m.target and _covers(posixpath.normpath(posixpath.join("/", m.target)), program):
                return True
    return False


def missing_shell(stage, ins, run=None) -> MissingShell | None:
    """The MissingShell when `ins`, a shell-form instruction of `stage` (`run`: its Run, for a RUN),
    needs a program the stage's filesystem surely lacks; None when it has it, may have it, or
    cannot be judged."""
    img = stage.root_image
    if img is None or img.is_windows or img.shell is None or img.shell == "/bin/sh":
        return None
    need = _needed(stage, ins)
    if need is None:
        return None
    program, via = need
    if not _absent(program, img.shell) or _provided(stage, ins, program, run):
        return None
    return MissingShell(program, via, img.ref, img.shell)


def exec_argv(text: str) -> list[str] | None:
    """The argv a shell-form command means when it uses no shell feature (`exec app -v` ->
    ["app", "-v"]), else None: quoting, expansion, operators, globs, `~` and assignments need
    the shell to mean what they say."""
    from .needs import uses_shell_features

    if not text.strip() or uses_shell_features(text):
        return None
    words = text.split()
    if words[0] == "exec":
        words = words[1:]
    if not words or any(w in ("exec", "!") for w in words[:1]):
        return None
    return words
