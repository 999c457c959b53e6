"""What the build does: stages, their graph, variables in scope, and what each RUN runs.

Built once per file from the syntax layer, before any rule runs.  Rules read
it and never look at text again.  Shell parsing of a RUN happens on first use
(most rules only look at RUNs of shipped stages), and is then cached.
"""

from __future__ import annotations

from bisect import bisect_left
from functools import cached_property, lru_cache
from collections.abc import Mapping

from . import knowledge
from .expand import expand
from .records import Record, Value, setfield
from .scope import Scope
from .packages import PackageOp, base_name, may_manage_packages, package_ops, strip_wrappers
from .spans import Span, TextMap
from .syntax import Instruction, ParsedFile

# Variables BuildKit predefines in the global scope (PARSING.md §7); values unknown here.
PREDEFINED_ARGS = (
    "BUILDPLATFORM BUILDOS BUILDOSVERSION BUILDARCH BUILDVARIANT TARGETPLATFORM TARGETOS "
    "TARGETOSVERSION TARGETARCH TARGETVARIANT TARGETSTAGE"
).split()


class Mount(Value):
    type: str
    target: str | None
    source: str | None
    from_: str | None
    options: dict

    __slots__ = _fields = ("type", "target", "source", "from_", "options")

    def __init__(self, type: str, target: str | None, source: str | None, from_: str | None,
                 options: dict) -> None:
        setfield(self, "type", type)
        setfield(self, "target", target)
        setfield(self, "source", source)
        setfield(self, "from_", from_)
        setfield(self, "options", options)


class SimpleCommand(Value):
    """One command a RUN executes, with its words as strings (and the shell's own record)."""

    argv: tuple[str, ...]  # after sudo/env wrappers are dropped
    raw_argv: tuple[str, ...]
    assignments: tuple[tuple[str, str], ...]
    span: Span
    index: int
    connector: str | None
    conditional: bool
    in_substitution: bool
    errexit: bool
    shell: object  # dockerlint.shell.Command when parsed from shell text
    arg_spans: tuple[Span, ...]  # where each word of raw_argv comes from (an expanded $deps: its word)
    nested: bool  # run by `sh -c "…"` inside the RUN: its span is the whole string, no edits

    _fields = ("argv", "raw_argv", "assignments", "span", "index", "connector", "conditional",
               "in_substitution", "errexit", "shell", "arg_spans", "nested")
    # name: the program's base name ("" for a bare assignment), derived from argv once: the
    # rules ask for it several hundred times per file.  _package_ops/_tool_ops: see the properties
    __slots__ = _fields + ("name", "_package_ops", "_tool_ops")

    def __init__(self, argv: tuple[str, ...], raw_argv: tuple[str, ...],
                 assignments: tuple[tuple[str, str], ...], span: Span, index: int,
                 connector: str | None = None, conditional: bool = False,
                 in_substitution: bool = False, errexit: bool = False, shell: object = None,
                 arg_spans: tuple[Span, ...] = (), nested: bool = False) -> None:
        setfield(self, "argv", argv)
        setfield(self, "raw_argv", raw_argv)
        setfield(self, "assignments", assignments)
        setfield(self, "span", span)
        setfield(self, "index", index)
        setfield(self, "connector", connector)
        setfield(self, "conditional", conditional)
        setfield(self, "in_substitution", in_substitution)
        setfield(self, "errexit", errexit)
        setfield(self, "shell", shell)
        setfield(self, "arg_spans", arg_spans)
        setfield(self, "nested", nested)
        setfield(self, "name", argv[0].rsplit("/", 1)[-1] if argv else "")

    @property
    def package_ops(self) -> tuple[PackageOp, ...]:
        """packages.package_ops of this command's raw argv, computed once: the RUN's ops, the
        cache rules and the toolchain check (builds.may_compile) all ask for them."""
        try:
            return self._package_ops
        except AttributeError:
            ops = tuple(package_ops(list(self.raw_argv), self.index)) if may_manage_packages(self.name) else ()
            setfield(self, "_package_ops", ops)
            return ops

    @property
    def tool_ops(self) -> tuple[PackageOp, ...]:
        """packages.tool_ops of this command's raw argv (uv, poetry, conda, cache commands),
        computed once."""
        try:
            return self._tool_ops
        except AttributeError:
            from .packages import tool_ops

            ops = tuple(tool_ops(list(self.raw_argv), self.index)) if may_manage_packages(self.name) else ()
            setfield(self, "_tool_ops", ops)
            return ops


class Run:
    """A RUN instruction in a stage."""

    def __init__(self, instruction: Instruction, stage: "Stage", env: dict, shell_kind: str, escape: str):
        self.instruction = instruction
        self.stage = stage
        self.env = env  # variables in scope (name -> value, or None when unknown)
        self.shell_kind = shell_kind
        self.shell_argv = stage.shell_argv  # the SHELL in force here; None: ["/bin/sh", "-c"]
        self.escape = escape
        self.mounts = tuple(_mounts(instruction, env, escape))

    @property
    def span(self) -> Span:
        return self.instruction.span

    @cached_property
    def script(self):
        """The shell script this RUN runs, as (text, TextMap), or None when it is not POSIX shell.

        Shell form is the joined command line.  A heredoc RUN is, as BuildKit runs it
        (PARSING.md §6): `RUN <<EOF` alone runs the body (a `#!` line picks the
        interpreter); `RUN <<EOF bash` / `RUN bash -e <<EOF` feed the body to a shell
        on standard input, so the body is the script; anything else runs
        `cmdline + "\n" + body + name` through the shell.
        """
        ins = self.instruction
        if ins.json or self.shell_kind != "posix":
            return None
        docs = ins.heredocs
        if docs:
            if len(docs) == 1 and docs[0].fd is None:
                interp = _heredoc_interpreter(ins.rest, docs[0])
                if interp is not None:
                    body = docs[0]
                    text, tmap = body.body, body.body_map
                    if body.chomp:
                        text, tmap = _chomp(body)
                    if not interp and text.startswith("#!"):
                        interp = _shebang(text.split("\n", 1)[0])
                        if interp is None:
                            return None
                    return text, tmap
            # BuildKit runs `cmdline + "\n" + body + name` for each heredoc (PARSING.md §6).
            parts = [(ins.rest, ins.rest_map)]
            for d in docs:
                parts.append(("\n", None))
                parts.append((d.body, d.body_map))
                parts.append((d.name, TextMap(d.name, [(0, d.terminator_line, 1)])))
            return _concat(parts)
        return ins.rest, ins.rest_map

    @cached_property
    def errexit(self) -> bool:
        """Whether `set -e` is in force when the script starts: from SHELL, or the heredoc's shell."""
        flags = [a for a in self.shell_argv[1:] if a.startswith("-") and a != "-c"] if self.shell_argv else []
        ins = self.instruction
        if ins.heredocs and len(ins.heredocs) == 1 and not ins.json:
            interp = _heredoc_interpreter(ins.rest, ins.heredocs[0])
            if interp:
                flags = interp[1:]
            elif interp == () and ins.heredocs[0].body.startswith("#!"):
                flags = list(_shebang(ins.heredocs[0].body.split("\n", 1)[0]) or ())[1:]
        return any(f[0] == "-" and not f.startswith("--") and "e" in f[1:] for f in flags) or any(
            a == "errexit" and flags[i - 1] == "-o" for i, a in enumerate(flags) if i)

    @cached_property
    def shell_script(self):
        s = self.script
        if s is None:
            return None
        from .shell import parse_shell

        return parse_shell(s[0], s[1], errexit=self.errexit)

    @cached_property
    def commands(self) -> tuple[SimpleCommand, ...]:
        ins = self.instruction
        if ins.json:
            argv = tuple(w.text for w in ins.args)
            # ["sh", "-c", "..."] is a shell script in exec form
            if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash", "dash") and argv[1] in ("-c", "-ec", "-xc", "-exc"):
                from .shell import parse_shell

                script = parse_shell(argv[2], None)
                return self._expanded(script.commands, span=ins.args[2].span)
            if not argv:
                return ()
            return (SimpleCommand(tuple(strip_wrappers(list(argv))), argv, (), ins.span, 0,
                                  arg_spans=tuple(w.span for w in ins.args)),)
        script = self.shell_script
        if script is None:
            return ()
        return self._expanded(script.commands)

    def _expanded(self, commands, span: Span | None = None, depth: int = 0, start: int = 0,
                  vars_=None) -> tuple[SimpleCommand, ...]:
        """SimpleCommands with `$VAR` words replaced where the value is known.

        Values come from ARG/ENV in scope and from the RUN's own assignments before the
        command (`deps='gcc libpq-dev'; apt-get install $deps`, `export X=1`).  An unquoted
        expansion is split into words, as the shell does; anything else unknown (a name that
        may come from the base image, `$(…)`) stays as written.
        """
        vars_ = vars_ if vars_ is not None else _ShellVars(self.env)
        out: list[SimpleCommand] = []
        for c in commands:
            i = start + len(out)
            raw: list[str] = []
            spans: list[Span] = []
            for w in c.argv:
                if w.is_static:
                    raw.append(w.text)
                    spans.append(w.span)
                    continue
                more = _expand_word(w, vars_)
                raw.extend(more)
                spans.extend([w.span] * len(more))
            assigns = tuple((name, _expand_value(w, vars_)) for name, w in c.assignments)
            argv = tuple(strip_wrappers(list(raw)))
            out.append(SimpleCommand(
                argv, tuple(raw), assigns,
                span or c.span, i, c.connector, c.conditional, c.in_substitution, c.errexit,
                c if span is None else None, tuple(spans) if span is None else (), depth > 0,
            ))
            inner = _shell_c_script(argv)
            if inner is not None and depth < 3 and not c.in_substitution:
                # `bash -c "apt-get update && …"`: the string is a script too
                from .shell import parse_shell

                k = len(argv) - len(raw) + raw.index(inner) if inner in raw else -1
                where = spans[k] if 0 <= k < len(spans) else (span or c.span)
                out.extend(self._expanded(parse_shell(inner).commands, where, depth + 1, start + len(out),
                                          _ShellVars(self.env)))
            if c.in_subshell or c.in_pipeline or c.in_substitution or c.in_function:
                continue
            if not c.argv:
                for name, value in assigns:
                    vars_.set(name, None if c.conditional or "$" in value else value)
            elif raw and raw[0] in ("export", "declare", "typeset", "readonly", "local"):
                for a in raw[1:]:
                    name, eq, value = a.partition("=")
                    if eq and name.isidentifier():
                        vars_.set(name, None if c.conditional or "$" in value else value)
            elif raw and raw[0] == "unset":
                for a in raw[1:]:
                    vars_.set(a, "")
        return tuple(out)

    def word_span(self, op: PackageOp, k: int) -> Span:
        """Where package `k` of `op` is written (the command's span when it cannot be told)."""
        cmd = self.command(op.command_index)
        pos = op.positions[k] if k < len(op.positions) else -1
        if 0 <= pos < len(cmd.arg_spans):
            return cmd.arg_spans[pos]
        return cmd.span

    def command(self, index: int) -> SimpleCommand:
        """The command with this index."""
        return self.commands[index]

    @cached_property
    def package_ops(self) -> tuple[PackageOp, ...]:
        ops: list[PackageOp] = []
        for c in self.commands:
            if c.in_substitution:
                continue
            ops.extend(c.package_ops)
        return tuple(ops)

    @cached_property
    def kept_packages(self) -> tuple[tuple[PackageOp, str], ...]:
        """(install op, package) for packages this RUN installs and does not remove again.

        Removal counts in the same RUN only: a later RUN cannot shrink an earlier layer.
        Understood: `apk add --virtual .x … && apk del .x`, removal by name or by glob
        (`apk del *-dev`; apk-tools matches names with fnmatch, as does apt), and
        Debian's `apt-mark auto '.*' … apt-get purge --auto-remove` idiom.
        """
        ops = self.package_ops
        apt_mark_auto = any(c.name == "apt-mark" and "auto" in c.argv[1:2] for c in self.commands)
        # Walk backwards so each install sees what later ops of its manager remove:
        # linear in the number of ops, where rescanning the tail per install was quadratic.
        removed: dict[str, set[str]] = {}
        raw_removed: dict[str, set[str]] = {}
        globs: dict[str, list[str]] = {}  # `apk del --purge *-dev`: apk and apt match fnmatch patterns
        auto_later: set[str] = set()
        out = []
        for op in reversed(ops):
            if op.action in ("remove", "autoremove"):
                raw_removed.setdefault(op.manager, set()).update(op.packages)
                removed.setdefault(op.manager, set()).update(base_name(p) for p in op.packages)
                pats = [p for p in op.packages if any(ch in p for ch in "*?[")]
                if pats and op.manager in ("apk", "apt"):
                    globs.setdefault(op.manager, []).extend(pats)
                if op.auto_remove or op.action == "autoremove":
                    auto_later.add(op.manager)
                continue
            if op.action != "install":
                continue
            if op.virtual and op.virtual in raw_removed.get(op.manager, ()):
                continue
            if op.manager == "apt" and apt_mark_auto and "apt" in auto_later:
                continue
            gone = removed.get(op.manager, set())
            pats = globs.get(op.manager)
            if pats:
                from fnmatch import fnmatchcase

                out.extend((op, pkg) for pkg in reversed(op.packages) if base_name(pkg) not in gone
                           and not any(fnmatchcase(base_name(pkg), g) for g in pats))
            else:
                out.extend((op, pkg) for pkg in reversed(op.packages) if base_name(pkg) not in gone)
        out.reverse()
        return tuple(out)

    def cache_mount_targets(self) -> list[str]:
        return [m.target.rstrip("/") or "/" for m in self.mounts if m.type == "cache" and m.target]

    def is_cached(self, path: str) -> bool:
        """Whether a cache or tmpfs mount covers path, so nothing written there stays in the layer."""
        path = path.rstrip("/")
        for m in self.mounts:
            if m.type in ("cache", "tmpfs") and m.target:
                t = m.target.rstrip("/") or "/"
                if path == t or path.startswith(t + "/"):
                    return True
        return False


class Stage(Record):
    index: int
    name: str | None  # lower case, as BuildKit stores it
    from_instruction: Instruction
    base_text: str  # as written
    base: str  # after ARG expansion
    base_known: bool
    parent: "Stage | None"  # FROM <stage>
    image: knowledge.ImageInfo | None  # FROM <image> (or scratch)
    instructions: list[Instruction]
    runs: list[Run]
    copies: list[tuple[Instruction, "Stage | None", str]]  # COPY --from
    mount_sources: list[tuple[Instruction, "Stage | None", str]]
    env: Mapping  # scope.View: ARG/ENV so far (at the end, once built)
    declared_args: dict
    shell_kind: str
    shell_argv: tuple[str, ...] | None  # the last SHELL, own or inherited; None: /bin/sh -c
    cmd: Instruction | None  # own or inherited through FROM <stage>
    entrypoint: Instruction | None
    healthcheck: Instruction | None
    workdir: str | None
    user: str | None
    labels: list  # (key, value), inherited through FROM <stage> first
    # The author's comments that introduce the stage: above its FROM (below the previous stage)
    # and between FROM and its first instruction, joined with spaces.
    intro: str

    _fields = ("index", "name", "from_instruction", "base_text", "base", "base_known", "parent",
               "image", "instructions", "runs", "copies", "mount_sources", "env", "declared_args",
               "shell_kind", "shell_argv", "cmd", "entrypoint", "healthcheck", "workdir", "user",
               "labels", "intro")

    def __init__(self, index: int, name: str | None, from_instruction: Instruction, base_text: str,
                 base: str, base_known: bool, parent: "Stage | None" = None,
                 image: knowledge.ImageInfo | None = None,
                 instructions: list[Instruction] | None = None, runs: list[Run] | None = None,
                 copies: list[tuple[Instruction, "Stage | None", str]] | None = None,
                 mount_sources: list[tuple[Instruction, "Stage | None", str]] | None = None,
                 env: Mapping | None = None, declared_args: dict | None = None,
                 shell_kind: str = "posix", shell_argv: tuple[str, ...] | None = None,
                 cmd: Instruction | None = None, entrypoint: Instruction | None = None,
                 healthcheck: Instruction | None = None, workdir: str | None = None,
                 user: str | None = None, labels: list | None = None, intro: str = "") -> None:
        self.index = index
        self.name = name
        self.from_instruction = from_instruction
        self.base_text = base_text
        self.base = base
        self.base_known = base_known
        self.parent = parent
        self.image = image
        self.instructions = [] if instructions is None else instructions
        self.runs = [] if runs is None else runs
        self.copies = [] if copies is None else copies
        self.mount_sources = [] if mount_sources is None else mount_sources
        self.env = {} if env is None else env
        self.declared_args = {} if declared_args is None else declared_args
        self.shell_kind = shell_kind
        self.shell_argv = shell_argv
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.healthcheck = healthcheck
        self.workdir = workdir
        self.user = user
        self.labels = [] if labels is None else labels
        self.intro = intro

    @property
    def label(self) -> str:
        return self.name if self.name else f"#{self.index}"

    @property
    def root_image(self) -> knowledge.ImageInfo | None:
        """The image at the bottom of the FROM <stage> chain."""
        s = self
        while s.parent is not None:
            s = s.parent
        return s.image

    @property
    def ancestors(self) -> list["Stage"]:
        out, s = [], self.parent
        while s is not None:
            out.append(s)
            s = s.parent
        return out

    @property
    def lineage(self) -> list["Stage"]:
        """This stage and those it is built on, oldest first."""
        return list(reversed(self.ancestors)) + [self]

    def all_runs(self) -> list[Run]:
        """RUNs whose layers are in this stage's image: its own and its parents'."""
        out: list[Run] = []
        for s in self.lineage:
            out.extend(s.runs)
        return out

    @cached_property
    def purpose(self) -> str:
        """'application' or 'build-environment' (see runtime.purpose); computed once per stage:
        DKL101 and DKL102 both ask, and it walks every RUN of the lineage."""
        from .runtime import purpose

        return purpose(self).kind

    @cached_property
    def runtime_programs(self) -> set[str]:
        """The programs the container uses at run time, as names (basename): every word of CMD,
        ENTRYPOINT and HEALTHCHECK in force, and git when the image configures a commit identity."""
        from .runtime import runtime_program_names

        return runtime_program_names(self)


class Model:
    def __init__(self, parsed: ParsedFile, path: str = "-", target: str | None = None):
        self.parsed = parsed
        self.path = path
        self.escape = parsed.escape
        self.stages: list[Stage] = []
        self._by_name: dict[str, list[int]] = {}  # stage name -> indices, ascending
        self.global_args: dict[str, str | None] = {}
        self.target = target
        self.target_missing = False
        self._build()
        self.final = self._final(target)
        self.shipped: list[Stage] = self.final.lineage if self.final else []
        self._shipped_ids = {id(s) for s in self.shipped}

    def release(self) -> None:
        """Break the reference cycles of the model's parts (a Run knows its Stage, which lists
        its Runs), so that dropping the model frees it at once by reference counting instead of
        waiting for the cyclic GC, which a run keeps off (dockerlint.__main__).  The model is not
        usable afterwards: call it when the file's findings are made (runner._slim)."""
        for st in self.stages:
            for run in st.runs:
                run.__dict__.clear()  # run.stage and the cached facts that point back into the stage
            st.runs = []

    def ships(self, stage: Stage) -> bool:
        """Whether the stage's layers are part of the image that is built."""
        return id(stage) in self._shipped_ids

    def stage_named(self, ref: str, before: int | None = None) -> Stage | None:
        """A stage by name (case-insensitive) or by index, as COPY --from resolves it."""
        limit = len(self.stages) if before is None else before
        if ref.isdigit():
            i = int(ref)
            return self.stages[i] if i < limit else None
        # the last definition before `limit` wins the name
        idx = self._by_name.get(ref.lower())
        if not idx:
            return None
        k = bisect_left(idx, limit) - 1
        return self.stages[idx[k]] if k >= 0 else None

    def consumers(self, stage: Stage) -> list[Stage]:
        """Stages that COPY --from, mount from, or are built FROM this stage."""
        out = []
        for s in self.stages:
            if s.parent is stage or any(src is stage for _, src, _ in s.copies + s.mount_sources):
                out.append(s)
        return out

    def _final(self, target: str | None) -> Stage | None:
        if not self.stages:
            return None
        if target:
            st = self.stage_named(target)
            if st is None:
                self.target_missing = True
                return self.stages[-1]
            return st
        return self.stages[-1]

    def _build(self) -> None:
        parsed = self.parsed
        esc = self.escape
        global_env: dict[str, str | None] = {n: None for n in PREDEFINED_ARGS}
        stage: Stage | None = None
        env = Scope()
        for ins in parsed.instructions:
            kw = ins.keyword
            if kw == "FROM":
                stage = self._new_stage(ins, global_env)
                self.stages.append(stage)
                if stage.name is not None:
                    self._by_name.setdefault(stage.name, []).append(stage.index)
                env = Scope(stage.parent.env if stage.parent else None)
                stage.env = env.view()
                continue
            if stage is None:
                if kw == "ARG":
                    for name, val in ins.pairs:
                        if val is None:
                            self.global_args.setdefault(name.text, None)
                            global_env.setdefault(name.text, None)
                        else:
                            v, ok = expand(val.text, global_env, esc)
                            self.global_args[name.text] = v if ok else None
                            global_env[name.text] = v if ok else None
                continue
            stage.instructions.append(ins)
            if kw == "ARG":
                for name, val in ins.pairs:
                    if val is None:
                        # A re-declared global ARG takes the global value (PARSING.md §7).
                        value = self.global_args.get(name.text) if name.text in self.global_args else None
                    else:
                        v, ok = expand(val.text, env.view(), esc)
                        value = v if ok else None
                    env.set(name.text, value)
                    stage.declared_args[name.text] = value
                stage.env = env.view()
            elif kw == "ENV":
                snapshot = env.view()  # every pair expands with the values before this ENV
                for name, val in ins.pairs:
                    if val is None:
                        continue
                    v, ok = expand(val.text, snapshot, esc)
                    env.set(name.text, v if ok else None)
                stage.env = env.view()
            elif kw == "RUN":
                run = Run(ins, stage, stage.env, stage.shell_kind, esc)
                run.file_lines = parsed.lines
                run.position = len(stage.runs)  # index in stage.runs
                stage.runs.append(run)
            elif kw in ("COPY", "ADD"):
                frm = ins.flag("from")
                if frm is not None and frm.value:
                    stage.copies.append((ins, self.stage_named(frm.value, stage.index), frm.value))
            elif kw == "CMD":
                stage.cmd = ins
            elif kw == "ENTRYPOINT":
                stage.entrypoint = ins
                if stage.cmd is not None and stage.cmd not in stage.instructions:
                    stage.cmd = None  # ENTRYPOINT clears an inherited CMD (PARSING.md §10)
            elif kw == "HEALTHCHECK":
                stage.healthcheck = ins
            elif kw == "LABEL":
                stage.labels.extend((k.text.strip("\"'"), expand(v.text, stage.env, esc)[0] if v else "")
                                    for k, v in ins.pairs)
            elif kw == "SHELL" and ins.json and ins.args:
                stage.shell_argv = tuple(w.text for w in ins.args)
                prog = ins.args[0].text.lower().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
                if prog.startswith(("powershell", "pwsh")):
                    stage.shell_kind = "powershell"
                elif prog.startswith("cmd"):
                    stage.shell_kind = "cmd"
                elif prog in ("sh", "bash", "ash", "dash", "zsh", "ksh"):
                    stage.shell_kind = "posix"
                else:
                    stage.shell_kind = "other"
            elif kw == "WORKDIR" and ins.args:
                stage.workdir = expand(ins.args[0].text, stage.env, esc)[0]
            elif kw == "USER" and ins.args:
                stage.user = ins.args[0].text
        self._set_intros()
        for st in self.stages:
            for run in st.runs:
                for m in run.mounts:
                    if m.from_:
                        st.mount_sources.append((run.instruction, self.stage_named(m.from_, st.index), m.from_))

    def _set_intros(self) -> None:
        """Stage.intro for every stage, in one pass over the comments (they are in line order)."""
        comments = self.parsed.comments
        if not comments:
            return
        i, prev_end = 0, 0
        for k, st in enumerate(self.stages):
            nxt = self.stages[k + 1].from_instruction.span.line if k + 1 < len(self.stages) else 10 ** 12
            first = st.instructions[0].span.line if st.instructions else nxt
            while i < len(comments) and comments[i].span.line <= prev_end:
                i += 1
            texts = []
            while i < len(comments) and comments[i].span.line < first:
                texts.append(comments[i].text)
                i += 1
            st.intro = " ".join(texts)
            prev_end = st.instructions[-1].span.end_line if st.instructions else st.from_instruction.span.end_line

    def _new_stage(self, ins: Instruction, global_env: dict) -> Stage:
        args = ins.args
        base_text = args[0].text if args else ""
        name = args[2].text.lower() if len(args) == 3 and args[1].text.lower() == "as" else None
        base, known = expand(base_text, global_env, self.escape)
        index = len(self.stages)
        st = Stage(index, name, ins, base_text, base, known)
        parent = None
        if known:
            idx = self._by_name.get(base)
            if idx:
                parent = self.stages[idx[-1]]  # the last definition wins
        if parent is not None:
            st.parent = parent
            st.cmd, st.entrypoint, st.healthcheck = parent.cmd, parent.entrypoint, parent.healthcheck
            st.shell_kind = parent.shell_kind
            st.shell_argv = parent.shell_argv
            st.workdir, st.user = parent.workdir, parent.user
            st.labels = list(parent.labels)
        elif known and base:
            st.image = knowledge.image_info(base)
            if st.image.family == "windows":
                st.shell_kind = "cmd"
        return st


def _mounts(ins: Instruction, env: dict, escape: str) -> list[Mount]:
    out = []
    for value in ins.flag_values("mount"):
        opts: dict[str, str] = {}
        for part in _split_csv(value):
            k, eq, v = part.partition("=")
            opts[k.strip().lower()] = expand(v, env, escape)[0] if eq else "true"
        typ = opts.get("type", "bind")
        target = opts.get("target") or opts.get("dst") or opts.get("destination")
        out.append(Mount(typ, target, opts.get("source") or opts.get("src"), opts.get("from"), opts))
    return out


def _split_csv(value: str) -> list[str]:
    """Mount options are CSV: a field may be quoted to hold a comma."""
    import csv

    try:
        return next(csv.reader([value]))
    except (csv.Error, StopIteration):
        return value.split(",")


def _concat(parts: list[tuple[str, TextMap | None]]) -> tuple[str, TextMap]:
    text_parts, segs, off = [], [], 0
    last = (1, 1)
    for text, tmap in parts:
        if tmap is None:
            segs.append((off, last[0], last[1]))
        else:
            for s, line, col in tmap._segments:
                segs.append((off + s, line, col))
            if text:
                last = tmap.locate(len(text))
        text_parts.append(text)
        off += len(text)
    return "".join(text_parts), TextMap("".join(text_parts), segs)


class _ShellVars:
    """The variables a RUN's shell sees: ARG/ENV in scope, then its own assignments.

    A name that is not known is *unknown*, not empty: the base image may set it.
    Presented to expand() as a mapping where every name is declared.
    """

    __slots__ = ("base", "own")

    def __init__(self, base):
        self.base = base
        self.own: dict[str, str | None] = {}

    def set(self, name: str, value: str | None) -> None:
        self.own[name] = value

    def __contains__(self, name: object) -> bool:
        return True

    def get(self, name: str, default=None):
        if name in self.own:
            return self.own[name]
        return self.base.get(name)


def _expand_word(w, vars_) -> list[str]:
    """The argv words one shell word becomes: several for an unquoted `$deps`, as written when unknown."""
    raw = w.raw
    if "$(" in raw or "`" in raw:
        return [w.text]
    value, known = expand(raw, vars_, "\\")
    if not known:
        return [w.text]
    if '"' in raw or "'" in raw:
        return [value]
    return value.split()


def _expand_value(w, vars_) -> str:
    if w.is_static:
        return w.text
    raw = w.raw
    if "$(" in raw or "`" in raw:
        return w.text
    value, known = expand(raw, vars_, "\\")
    return value if known else w.text


def _shell_c_script(argv: tuple[str, ...]) -> str | None:
    """The script of `sh -c SCRIPT` / `bash -lc SCRIPT` (a static word), or None."""
    if len(argv) < 3 or argv[0].rsplit("/", 1)[-1] not in _POSIX_SHELLS:
        return None
    for k, a in enumerate(argv[1:], 1):
        if not a.startswith("-"):
            return None
        if "c" in a[1:] and not a.startswith("--"):
            script = argv[k + 1] if k + 1 < len(argv) else None
            return script if script and "$(" not in script else None
    return None


_POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"})


def _heredoc_interpreter(rest: str, doc) -> tuple[str, ...] | None:
    """How a one-heredoc RUN runs its body: () for the default shell (`RUN <<EOF`), the
    shell's argv for `RUN <<EOF bash -e` / `RUN bash <<EOF`, None when the body is not a
    script read by a POSIX shell (`RUN <<EOF python3`, `RUN cat <<EOF > f`)."""
    return _interpreter(rest, doc.name)


@lru_cache(maxsize=256)  # asked several times per heredoc RUN (script, errexit, DKL405, edits), with shlex
def _interpreter(rest: str, name: str) -> tuple[str, ...] | None:
    words = [w for w in _split_shell_words(rest) if not w.lstrip("0123456789").startswith("<<")]
    # `<< EOF` (a space after <<) leaves the name as its own word
    if rest.split()[:1] and rest.split()[0] in ("<<", "<<-") and words[:1] == [name]:
        words = words[1:]
    if not words:
        return ()
    if words[0].rsplit("/", 1)[-1] not in _POSIX_SHELLS:
        return None
    if words[0].rsplit("/", 1)[-1] == "busybox":
        words = words[1:]
        if not words or words[0] not in ("sh", "ash"):
            return None
    for i, w in enumerate(words[1:], 1):
        if w in ("-c",) or not w.startswith(("-", "+")) and words[i - 1] not in ("-o", "+o"):
            return None  # a script file or -c string: the heredoc is not the script
    return tuple(words)


def _chomp(doc) -> tuple[str, TextMap]:
    """A `<<-` body with its leading tabs removed, mapped to where each line's text really starts."""
    parts, segs, off = [], [], 0
    for k, ln in enumerate(doc.body.split("\n")):
        stripped = ln.lstrip("\t")
        line = doc.span.line + k
        segs.append((off, line, 1 + len(ln) - len(stripped)))
        parts.append(stripped)
        off += len(stripped) + 1
    text = "\n".join(parts)
    return text, TextMap(text, segs)


def _shebang(line: str) -> tuple[str, ...] | None:
    """The shell argv of a `#!` line when it names a POSIX shell (`#!/usr/bin/env bash`), else None."""
    words = line[2:].split()
    if words and words[0].rsplit("/", 1)[-1] == "env":
        words = [w for w in words[1:] if w != "-S"]
    if not words or words[0].rsplit("/", 1)[-1] not in _POSIX_SHELLS:
        return None
    return tuple(words)


def _split_shell_words(text: str) -> list[str]:
    import shlex

    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError:
        return text.split()


def build(parsed: ParsedFile, path: str = "-", target: str | None = None) -> Model:
    return Model(parsed, path, target)
