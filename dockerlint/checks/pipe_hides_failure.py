"""DKL405 pipe-hides-failure: a pipeline hides the failure of the command that feeds it."""

from __future__ import annotations


from ..findings import Edit, Fix, Hit
from ..spans import Span

_ECHO_ESCAPES = ("\\n", "\\t", "\\c", "\\0", "\\e", "\\\\")


def _text(cmd, limit: int = 40) -> str:
    words = " ".join(cmd.raw_argv) if cmd.raw_argv else " ".join(cmd.argv)
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _shell_name(run) -> str:
    if run.shell_argv:
        return f"`{run.shell_argv[0]}`"
    img = run.stage.root_image
    if img is not None and img.family == "debian":
        return "/bin/sh (dash on Debian and Ubuntu)"
    if img is not None and img.family in ("alpine", "busybox"):
        return "/bin/sh (BusyBox ash)"
    return "/bin/sh"


def _own_interpreter(run) -> bool:
    """The RUN runs its script with its own shell (a heredoc `#!` or `RUN <<EOF bash`, exec-form
    `["sh", "-c", …]`): a SHELL instruction does not reach it."""
    from ..pipes import _heredoc_interpreter_argv

    return run.instruction.json or bool(_heredoc_interpreter_argv(run))


def _affected_runs(model, stage, first):
    """The RUNs a SHELL inserted before `first` would run: the stage's from `first` on while the
    SHELL stays the same, and those of stages built FROM it when no later SHELL replaces it."""
    k = stage.runs.index(first)
    out = [r for r in stage.runs[k:] if r.shell_argv == first.shell_argv]
    if stage.shell_argv == first.shell_argv:
        for s in model.stages:
            if s is not stage and stage in s.ancestors:
                out.extend(r for r in s.runs if r.shell_argv == stage.shell_argv)
    return out


def _echo_escapes(run) -> bool:
    return any(c.name == "echo" and any(e in a for a in c.raw_argv[1:] for e in _ECHO_ESCAPES)
               for c in run.commands)


def _insert_at(model, ins) -> int:
    """The line a new instruction goes on: above the comments that belong to `ins`
    (a `# dockerlint ignore=` there must keep covering it)."""
    lines = model.parsed.lines
    line = ins.start_line
    while line > 1 and lines[line - 2].lstrip().startswith("#"):
        line -= 1
    return line


def _stage_fix(model, stage, first) -> tuple[Fix | None, str | None]:
    """One fix for every finding of the stage: a SHELL with pipefail before its first one."""
    from ..pipes import breaks_under_pipefail, pipefail_shell, pipelines

    argv, why = pipefail_shell(stage, first)
    if argv is None:
        return None, why
    switch = argv[0].rsplit("/", 1)[-1] != (first.shell_argv or ("/bin/sh",))[0].rsplit("/", 1)[-1]
    for r in _affected_runs(model, stage, first):
        if _own_interpreter(r):
            continue
        for p in pipelines(r):
            reason = breaks_under_pipefail(p)
            if reason:
                return None, f"the RUN at line {r.instruction.start_line} would then fail: {reason}"
        if switch and _echo_escapes(r):
            return None, (f"the RUN at line {r.instruction.start_line} runs `echo` with backslash escapes, which "
                          "dash expands and bash prints as written")
    line = _insert_at(model, first.instruction)
    indent = model.parsed.lines[first.instruction.start_line - 1]
    indent = indent[: len(indent) - len(indent.lstrip())]
    import json  # noqa: PLC0415 - here, not at import: json is 3 ms of a one-file run
    text = f"SHELL {json.dumps(list(argv))}"
    edit = Edit(Span(line, 1, line, 1), f"{indent}{text}\n")
    title = f"Insert `{text}` before line {first.instruction.start_line}"
    if switch:
        title += f": this stage's RUNs from here on run in {argv[0]} with pipefail ({why})"
    else:
        title += ": this stage's RUNs from here on run with pipefail"
    return Fix(title, "unsafe", (edit,)), None


def check(model):
    from ..downloads import run_downloads
    from ..pipes import (checked_afterwards, copied_names, fails_on_short_input, input_in_url, may_fail, pipelines,
                         written_in)

    # id(stage) -> the fix of its first finding, when its SHELL also reaches the stages built FROM it
    stage_fix: dict[int, Fix] = {}
    for stage in model.stages:
        img = stage.root_image
        if img is not None and img.is_windows:
            continue
        fix = reason = None
        fixed = False
        copied = None
        for run in stage.runs:
            if run.shell_kind != "posix":
                continue
            found = [p for p in pipelines(run) if not p.pipefail and p.status_matters and p.consumer.argv
                     and not fails_on_short_input(p.consumer)]
            if found and copied is None:
                copied = copied_names(stage)
            found = [p for p in found if may_fail(p.producer, copied | written_in(run, p.producer)
                                                  if p.producer.name in ("cat", "tac") else copied)
                     and not checked_afterwards(p, run) and not input_in_url(p, run)]
            if not found:
                continue
            taken = {d.download.span for d in run_downloads(run)}  # DKL503 reports those pipes
            for p in found:
                if any(e.span in taken for e in p.elements):
                    continue
                producer, consumer = p.producer, p.consumer
                msg = (f"`{_text(producer)}` can fail unnoticed: a pipeline's exit status is its last "
                       f"command's (`{consumer.name}`), and {_shell_name(run)} runs this RUN without "
                       "`pipefail`, so the build goes on")
                if _own_interpreter(run):
                    yield Hit(producer.span, msg, None,
                              "start the script with `set -o pipefail` (bash, BusyBox ash, and dash from Debian "
                              "trixie take it)", (consumer.span,))
                    continue
                if not fixed:
                    # a stage built FROM one whose fix turns pipefail on inherits that SHELL
                    inherited = next((stage_fix[id(a)] for a in stage.ancestors
                                      if stage_fix.get(id(a)) is not None), None)
                    if inherited is not None and run.shell_argv == stage.parent.shell_argv and all(
                            r.shell_argv == stage.parent.shell_argv for r in stage.runs[:stage.runs.index(run)]):
                        fix, reason = inherited, None
                    else:
                        fix, reason = _stage_fix(model, stage, run)
                    fixed = True
                    if fix is not None and stage.shell_argv == run.shell_argv:
                        stage_fix[id(stage)] = fix
                help_ = None
                if fix is None:
                    help_ = ("run it under a shell with pipefail: `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", "
                             "\"-c\"]` where bash is installed, or `set -o pipefail && …` where /bin/sh takes it "
                             f"(BusyBox ash; dash from Debian trixie); no automatic fix because {reason}")
                yield Hit(producer.span, msg, fix, help_, (consumer.span,))
