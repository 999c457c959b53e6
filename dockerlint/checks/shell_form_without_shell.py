"""DKL402 shell-form-without-shell: a shell-form instruction in a stage whose filesystem has no such shell."""

from __future__ import annotations


from ..execform import diagnose, trailing_text_ignored
from ..findings import Edit, Fix, Hit
from ..shellless import exec_argv, missing_shell
from ..spans import Span

BUSYBOX_SHELL = '["/busybox/sh", "-c"]'
_FAILS = {
    "RUN": "the build stops here",
    "CMD": "the container cannot start",
    "ENTRYPOINT": "the container cannot start",
    "HEALTHCHECK": "the health check can never pass",
}


def judged(model, stage):
    """(instruction, its Run or None) for the stage's shell-form instructions that need a shell: every
    RUN, and the CMD, ENTRYPOINT and HEALTHCHECK in force that it sets itself.  A CMD is left out when
    an ENTRYPOINT is in force: it becomes that program's arguments (exec form) or is ignored (shell
    form), and runs no shell of its own."""
    out = [(r.instruction, r) for r in stage.runs if not r.instruction.json]
    own = set(map(id, stage.instructions))
    ep = stage.entrypoint
    img_ep = stage.root_image.entrypoint if stage.root_image is not None else None
    ep_in_force = (ep is not None and bool(ep.args)) or (ep is None and bool(img_ep))
    for ins in (stage.entrypoint, stage.healthcheck) + (() if ep_in_force else (stage.cmd,)):
        if ins is not None and id(ins) in own and not ins.json and ins.args:
            out.append((ins, None))
    return sorted(out, key=lambda p: p[0].start_line)


def findings(model):
    """(stage, instruction, MissingShell) for every instruction DKL402 reports, in file order.

    Leaves out instructions DKL401 reports: a failed JSON array was meant as exec form.
    """
    trailing_ok = trailing_text_ignored(model.parsed.directives)
    for stage in model.stages:
        img = stage.root_image
        if img is None or img.shell is None or img.shell == "/bin/sh":
            continue  # only images known to lack /bin/sh are judged (shellless.missing_shell)
        for ins, run in judged(model, stage):
            miss = missing_shell(stage, ins, run)
            if miss is None or diagnose(ins, trailing_ok) is not None:
                continue
            yield stage, ins, miss


def _command_text(ins) -> tuple[str, object] | None:
    """The shell text of a one-line CMD/ENTRYPOINT/RUN/HEALTHCHECK CMD and its map."""
    from ..execform import argument

    arg = argument(ins)
    if arg is None or ins.heredocs:
        return None
    return arg


def check(model):
    first_in_stage: dict[int, object] = {}
    for stage, ins, miss in findings(model):
        kw = ins.keyword if ins.keyword != "HEALTHCHECK" else "HEALTHCHECK CMD"
        if miss.has:
            lacks = f"`{miss.image}` has no `{miss.program}` (its only shell is `{miss.has}`)"
        elif miss.image == "scratch":
            lacks = f"`scratch` is empty: there is no `{miss.program}`"
        else:
            lacks = f"`{miss.image}` has no shell, so no `{miss.program}`"
        where = "this stage" if stage.parent is None else f"this stage (built on `{miss.image}`)"
        msg = (f"{kw} in shell form runs through `{miss.program}` ({miss.via}), but {where} lacks it: {lacks}, "
               f"and nothing copied in provides it; {_FAILS[ins.keyword]}")
        fix, help_ = None, None
        if miss.has and miss.program == "/bin/sh" and miss.via == "the default shell":
            at = first_in_stage.setdefault(id(stage), ins)
            fix = Fix(f"Add `SHELL {BUSYBOX_SHELL}` to the stage (its BusyBox shell)", "safe",
                      (Edit(Span(at.start_line, 1, at.start_line, 1), f"SHELL {BUSYBOX_SHELL}\n"),))
        else:
            fix, help_ = _exec_fix(ins, kw)
        yield Hit(ins.keyword_span if ins.keyword != "RUN" else ins.span, msg, fix, help_)


def _exec_fix(ins, kw: str):
    """Exec form when the command needs no shell feature; else what to do, in words."""
    if ins.keyword == "RUN":
        # exec form would not help: a stage without a shell rarely has the tools a RUN calls
        return None, ("do this in a stage that has a shell and `COPY --from` the result, or write the RUN in "
                      "exec form (a JSON array) naming a program the stage has")
    arg = _command_text(ins)
    argv = exec_argv(arg[0]) if arg is not None else None
    if argv is None:
        return None, (f"write {kw} in exec form, `{kw} [\"/path/to/program\", \"arg\"]`: it needs shell features "
                      "(quotes, variables or operators), so do that work in the program or in a build stage")
    text, tmap = arg
    import json  # noqa: PLC0415 - here, not at import: json is 3 ms of a one-file run
    new = "[" + ", ".join(json.dumps(w) for w in argv) + "]"
    lead = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    return Fix(f"Use exec form: `{kw} {new}`", "safe", (Edit(tmap.span(lead, end), new),)), None
