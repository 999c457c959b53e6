"""DKL403 entrypoint-shell-form: the shipped image's ENTRYPOINT is in shell form."""

from __future__ import annotations


from ..execform import argument, diagnose, trailing_text_ignored
from ..findings import Edit, Fix, Hit
from ..shellless import exec_argv, missing_shell, shell_in_force


def _owner(model, ins):
    for st in model.stages:
        if any(i is ins for i in st.instructions):
            return st
    return None


def _script(text: str):
    from ..shell import parse_shell

    script = parse_shell(text)
    return None if script.has_errors else script


def _execs(script) -> bool:
    """The script ends by replacing the shell with the program (`exec app`, `cd /srv && exec ./app`):
    the program is PID 1 and gets the signals."""
    cmds = [c for c in script.commands if not c.in_substitution]
    last = cmds[-1] if cmds else None
    return (last is not None and bool(last.argv) and last.argv[0].text == "exec" and not last.in_pipeline
            and not last.in_subshell and not last.background)


def _lone_command(script) -> bool:
    """One simple command and nothing else: a shell that optimizes `-c` execs it."""
    cmds = [c for c in script.commands if not c.in_substitution]
    return (len(cmds) == 1 and len(script.statements) == 1 and bool(cmds[0].argv) and not cmds[0].in_pipeline
            and not cmds[0].in_subshell and not cmds[0].background)


def _posix(shell_argv) -> bool:
    prog = shell_argv[0].replace("\\", "/").rsplit("/", 1)[-1].lower() if shell_argv else "sh"
    return prog in ("sh", "bash", "dash", "ash", "busybox", "zsh", "ksh", "mksh")


def _shell_kind(final, shell_argv) -> str | None:
    """"dash" when the shell keeps the program as its child (Debian's and Ubuntu's /bin/sh), "execs"
    when it replaces itself with a lone last command (bash, BusyBox ash), None when not known.

    Measured with `sh -c 'sleep 3'` and `ps`: dash 0.5.12 (Debian bookworm) forks; bash 5.2 and
    BusyBox 1.35 ash exec.  /bin/sh is dash on Debian and Ubuntu, BusyBox ash on Alpine and
    BusyBox, bash on the RPM distributions and SUSE.
    """
    prog = shell_argv[0].rsplit("/", 1)[-1] if shell_argv else "sh"
    if prog == "sh":
        family = final.root_image.family if final.root_image is not None else None
        return {"debian": "dash", "alpine": "execs", "busybox": "execs", "rhel": "execs",
                "suse": "execs"}.get(family or "")
    return {"dash": "dash", "bash": "execs", "ash": "execs", "busybox": "execs"}.get(prog)


def check(model):
    final = model.final
    if final is None:
        return
    ins = final.entrypoint
    if ins is None or ins.json or not ins.args:
        return
    owner = _owner(model, ins)
    if owner is None:
        return
    if diagnose(ins, trailing_text_ignored(model.parsed.directives)) is not None:
        return  # DKL401: a failed JSON array, meant as exec form
    if missing_shell(owner, ins) is not None:
        return  # DKL402: it cannot run at all
    text = ins.args[0].text
    argv_sh = shell_in_force(owner, ins)[0]
    shell = " ".join(argv_sh)
    cmd = final.cmd
    ignored = (f"the CMD at line {cmd.start_line} and `docker run` arguments are ignored"
               if cmd is not None else "`docker run` arguments (and any CMD) are ignored")
    posix = _posix(argv_sh)
    script = _script(text) if posix else None
    kind = _shell_kind(final, argv_sh)
    msg = f"ENTRYPOINT in shell form runs as `{shell} '…'`: {ignored}"
    execs = script is not None and _execs(script)
    if not posix:
        pass  # cmd and PowerShell: how stop signals reach the program is not judged
    elif execs or (kind == "execs" and script is not None and _lone_command(script)):
        pass  # the program replaces the shell: it is PID 1 and gets the signals
    elif kind == "dash":
        msg += (", and the program runs as a child of the shell (dash, Debian's and Ubuntu's /bin/sh, does not "
                "hand over to it), so `docker stop`'s SIGTERM reaches the shell, not the program, which is killed "
                "after the timeout")
    else:
        msg += (", and unless the shell hands over to the program, `docker stop`'s SIGTERM reaches the shell, not "
                "the program, which is killed after the timeout")
    arg = argument(ins)
    argv = exec_argv(text) if posix else None
    if not posix:
        yield Hit(ins.keyword_span, msg, None, "write it in exec form, a JSON array of the program and its "
                  "arguments (in JSON a backslash is written `\\\\`)")
        return
    if argv is None or arg is None:
        yield Hit(ins.keyword_span, msg, None,
                  "write it in exec form, `ENTRYPOINT [\"/path/to/program\", \"arg\"]`; it uses shell features: "
                  "move them into a script that ends with `exec \"$@\"` (a `cd` becomes WORKDIR)"
                  + ("" if execs or not posix else ", or start the program with `exec`"))
        return
    rest, tmap = arg
    import json  # noqa: PLC0415 - here, not at import: json is 3 ms of a one-file run
    new = "[" + ", ".join(json.dumps(w) for w in argv) + "]"
    lead, end = len(rest) - len(rest.lstrip()), len(rest.rstrip())
    yield Hit(ins.keyword_span, msg, Fix(f"Use exec form: `ENTRYPOINT {new}`", "unsafe",
                                         (Edit(tmap.span(lead, end), new),)))
