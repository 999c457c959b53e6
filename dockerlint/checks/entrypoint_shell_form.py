"""DKL403 entrypoint-shell-form: the shipped image's ENTRYPOINT is in shell form."""

from __future__ import annotations

import json

from ..execform import argument, diagnose, trailing_text_ignored
from ..findings import Edit, Fix, Hit
from ..shellless import exec_argv, missing_shell, shell_in_force


def _owner(model, ins):
    for st in model.stages:
        if any(i is ins for i in st.instructions):
            return st
    return None


def _execs(text: str) -> bool:
    """The shell replaces itself with the program (`exec app`, `cd /srv && exec ./app`), so the
    program is PID 1 and gets the signals."""
    from ..shell import parse_shell

    script = parse_shell(text)
    if script.has_errors or not script.statements:
        return False
    last = [c for c in script.commands if not c.in_substitution]
    return bool(last) and bool(last[-1].argv) and last[-1].argv[0].text == "exec" and not last[-1].in_pipeline \
        and not last[-1].in_subshell and not last[-1].background


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
    img = final.root_image
    if img is not None and img.is_windows or final.shell_kind not in ("posix", "other"):
        return  # cmd and PowerShell: signals and PID 1 work differently; not judged
    if diagnose(ins, trailing_text_ignored(model.parsed.directives)) is not None:
        return  # DKL401: a failed JSON array, meant as exec form
    if missing_shell(owner, ins) is not None:
        return  # DKL402: it cannot run at all
    text = ins.args[0].text
    shell = " ".join(shell_in_force(owner, ins)[0])
    cmd = final.cmd
    ignored = (f"the CMD at line {cmd.start_line} and `docker run` arguments are ignored"
               if cmd is not None else "`docker run` arguments (and any CMD) are ignored")
    if _execs(text):
        msg = f"ENTRYPOINT in shell form runs as `{shell} '…'`: {ignored}"
    else:
        msg = (f"ENTRYPOINT in shell form runs as `{shell} '…'`: {ignored}, and the program is a child of the "
               "shell, so `docker stop`'s SIGTERM reaches the shell, not the program, which is killed after "
               "the timeout")
    arg = argument(ins)
    argv = exec_argv(text)
    if argv is None or arg is None:
        yield Hit(ins.keyword_span, msg, None,
                  "write it in exec form, `ENTRYPOINT [\"/path/to/program\", \"arg\"]`; it uses shell features: "
                  "`cd` becomes WORKDIR, the rest goes into a script that ends with `exec \"$@\"`"
                  + ("" if _execs(text) else ", or start the program with `exec`"))
        return
    rest, tmap = arg
    new = "[" + ", ".join(json.dumps(w) for w in argv) + "]"
    lead, end = len(rest) - len(rest.lstrip()), len(rest.rstrip())
    yield Hit(ins.keyword_span, msg, Fix(f"Use exec form: `ENTRYPOINT {new}`", "unsafe",
                                         (Edit(tmap.span(lead, end), new),)))
