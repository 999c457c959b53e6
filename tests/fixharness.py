"""One harness for every fix, in the spirit of ruff's: a fix must be one a user can take blindly.

For each fixable finding of a file, the fix alone is applied and the result must:
  1. parse: no new DKL001 issue, no RUN whose shell text newly fails to parse;
  2. clear its finding: fewer findings of that code;
  3. change nothing else: every instruction the edits do not touch is the same, in order;
     a touched RUN keeps every command it had, in order, and only gains commands the
     rule may add, joined so the RUN keeps its exit status (`&&`, or under `set -e`);
     no finding of another rule appears;
  4. never break a later instruction: every RUN that found apt lists before the fix still
     finds them (a removed `apt-get update` must reappear in the RUN that needs it);
  5. converge: a second `--fix` of the fully fixed file changes nothing.
Rewrites (whole new Dockerfiles) are checked by the rewrite suite instead.

`python -m tests.fixharness FOLDER...` prints the counts over a corpus.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field

from dockerlint.aptlists import lists_use, writes_lists
from dockerlint.engine import lint_text
from dockerlint.fix import apply_edits, cleared, fixed_text
from dockerlint.model import PREDEFINED_ARGS
from dockerlint.packages import base_name
from dockerlint.runner import Options

def _added_shell_ok(res, after, ins) -> str | None:
    """DKL405 may add `SHELL [<shell>, …, "-o", "pipefail", "-c"]` where that shell takes pipefail
    and is in the stage (bash: the image family has it or a RUN installed it)."""
    from dockerlint.pipes import has_bash, sh_has_pipefail

    argv = [w.text for w in ins.args] if ins.json else []
    if ins.keyword != "SHELL" or "pipefail" not in argv or argv[argv.index("pipefail") - 1] != "-o" or argv[-1:] != ["-c"]:
        return f"adds an instruction that is not a SHELL with -o pipefail: {ins.keyword} {ins.rest}"
    stage = next(s for s in after.model.stages if any(i is ins for i in s.instructions))
    prog = argv[0].rsplit("/", 1)[-1]
    if prog == "bash" and not has_bash(stage):
        return "adds a bash SHELL to a stage without bash"
    if prog == "sh" and not sh_has_pipefail(stage.root_image):
        return "adds a /bin/sh -o pipefail SHELL where /bin/sh may not take pipefail"
    return None


def _added_arg_ok(res, after, ins) -> str | None:
    """DKL404 may add `ARG NAME` (no value) right after a FROM, for a global ARG of the file."""
    i = after.parsed.instructions.index(ins)
    if ins.keyword != "ARG" or len(ins.pairs) != 1 or ins.pairs[0][1] is not None:
        return f"adds an instruction that is not a bare ARG: {ins.keyword} {ins.rest}"
    if ins.pairs[0][0].text not in res.model.global_args and ins.pairs[0][0].text not in PREDEFINED_ARGS:
        return f"declares ARG {ins.pairs[0][0].text}, which is not a global ARG"
    if i == 0 or after.parsed.instructions[i - 1].keyword not in ("FROM", "ARG"):
        return "adds an ARG that is not right after a FROM"
    return None


# Instructions a rule's fix may add, by code: a check of each added instruction (None: fine).
ADDED_INSTRUCTIONS = {"DKL404": _added_arg_ok, "DKL405": _added_shell_ok}


def _without_added(res, after, old_ins, new_ins, code):
    """new_ins without the instructions the fix added (matched by keyword and text, in order),
    and the problems with what was added."""
    check = ADDED_INSTRUCTIONS.get(code)
    if check is None or len(new_ins) <= len(old_ins):
        return new_ins, []
    kept, problems, k = [], [], 0
    for ins in new_ins:
        if k < len(old_ins) and ins.keyword == old_ins[k].keyword and _text(after, ins) == _text(res, old_ins[k]):
            kept.append(ins)
            k += 1
        elif k < len(old_ins) and ins.keyword == old_ins[k].keyword and ins.keyword == "RUN":
            kept.append(ins)  # a RUN the fix also touched: compared command by command below
            k += 1
        else:
            why = check(res, after, ins)
            if why:
                problems.append(why)
    return kept, problems


# Commands a rule's fix may add to a RUN (argv prefixes), by code.
ADDED = {
    "DKL201": (("rm", "-rf", "/var/lib/apt/lists/*"), ("apt-get", "update"), ("apt", "update"),
               ("aptitude", "update")),
    "DKL103": (),
    "DKL203": (("rm", "-rf", "/var/cache/apk/*"),),
    "DKL204": (("yum", "clean", "all"), ("dnf", "clean", "all"), ("microdnf", "clean", "all"), ("tdnf", "clean", "all")),
    "DKL205": (("zypper", "clean", "--all"),),
    "DKL207": (("npm", "cache", "clean", "--force"), ("yarn", "cache", "clean")),
    "DKL404": (),
    "DKL405": (),
}
# Flags a rule's fix may add to a command it does not otherwise change, by code.
FLAGS = {"DKL203": frozenset({"--no-cache"}), "DKL206": frozenset({"--no-cache-dir", "--no-cache"})}


def _added_ok(code: str, argv) -> bool:
    """Whether a command a fix added is one the rule may add."""
    if any(argv[:len(p)] == p for p in ADDED.get(code, ())):
        return True
    # DKL208 appends the clean with the installing program as written (`/opt/conda/bin/conda`)
    return code == "DKL208" and len(argv) == 4 and argv[0].rsplit("/", 1)[-1] in ("conda", "mamba", "micromamba") \
        and argv[1:] == ("clean", "--all", "--yes")


def _bookkeeping(argv) -> bool:
    """A package index update, install or clean-up command (what a RUN that only installs runs)."""
    name = argv[0].rsplit("/", 1)[-1] if argv else ""
    verbs = [w for w in argv[1:] if not w.startswith("-")]
    if name in ("apt-get", "apt") and verbs[:1] and verbs[0] in ("update", "install", "clean", "autoclean"):
        return True
    if name == "apk" and verbs[:1] and verbs[0] in ("update", "add"):
        return True
    return name == "rm" and any(w.startswith(("/var/lib/apt/lists", "/var/cache/apk")) for w in argv[1:])


def _may_drop(code: str, argv) -> bool:
    """Commands a fix may remove: DKL203 drops an `apk update` that `--no-cache` made redundant."""
    return code == "DKL203" and argv[:1] and argv[0].rsplit("/", 1)[-1] == "apk" and "update" in argv \
        and "add" not in argv


@dataclass
class Outcome:
    checked: Counter = field(default_factory=Counter)  # fixes checked, by code
    problems: list = field(default_factory=list)  # (path, code, line, what)
    refused: Counter = field(default_factory=Counter)  # (code, reason) of fixable-looking findings without a fix
    findings: Counter = field(default_factory=Counter)  # findings by code
    with_fix: Counter = field(default_factory=Counter)


def _render(text: str, res, edits) -> str:
    from dockerlint.fix import _render as render

    return render(apply_edits(res.parsed.lines, edits), res)


def _instructions(res):
    return [(i.keyword, i.start_line, i.end_line, "\n".join(res.parsed.lines[i.start_line - 1:i.end_line]))
            for i in res.parsed.instructions]


def _runs(res):
    return [r for s in res.model.stages for r in s.runs]


def _argvs(run, code=None):
    flags = FLAGS.get(code, ())
    return [tuple(w for w in c.argv if w not in flags) for c in run.commands if c.argv]


def _text(res, ins) -> str:
    return "\n".join(res.parsed.lines[ins.start_line - 1:ins.end_line])


def _lists_state(res) -> dict[int, bool]:
    """For every RUN that reads apt lists before writing its own (by id of its instruction):
    are lists there when it starts?"""
    out = {}
    present: dict[int, bool] = {}
    for st in res.model.stages:
        have = present.get(id(st.parent), False) if st.parent is not None else False
        for r in st.runs:
            use = lists_use(r)
            if use.read_first:
                out[id(r.instruction)] = have or use.cached
            if use.cached:
                continue
            if use.removed_at_end:
                have = False
            elif use.writes:
                have = True
        present[id(st)] = have
    return out


def _touched_lines(edits) -> set[int]:
    out = set()
    for e in edits:
        out.update(range(e.span.line, e.span.end_line + 1))
    return out


def check_file(text: str, path: str, out: Outcome, unsafe: bool = True, lint_kw=None) -> None:
    lint_kw = lint_kw or {}
    res = lint_text(text, path, **lint_kw)
    if res.error:
        return
    if _render(text, res, []) != text.lstrip("\ufeff") and _render(text, res, []) != text:
        out.problems.append((path, "*", 0, "the file does not survive a fix with no edits byte for byte"))
    before_codes = Counter(f.code for f in res.findings)
    flagless = None  # _flagless_installs(res), made when a fix first needs it
    before_lists = _lists_state(res)
    shell_errors = sum(1 for r in _runs(res) if r.shell_script is not None and r.shell_script.has_errors)
    for f in res.findings:
        out.findings[f.code] += 1
        if f.fix is None:
            if f.suggestion and "no automatic fix because" in f.suggestion:
                out.refused[(f.code, f.suggestion.split("no automatic fix because", 1)[1].strip()[:60])] += 1
            elif f.code == "DKL201":
                out.refused[(f.code, (f.suggestion or "")[:60])] += 1
            continue
        out.with_fix[f.code] += 1
        if f.fix.rewrite is not None:
            out.checked[f.code + " rewrite"] += 1
            for what in _check_rewrite(res, f.fix.rewrite, path, lint_kw):
                out.problems.append((path, f.code, f.line, what))
            continue
        if f.fix.safety == "unsafe" and not unsafe:
            continue
        out.checked[f.code] += 1

        def bad(what: str) -> None:
            out.problems.append((path, f.code, f.line, what))

        new = _render(text, res, f.fix.edits)
        after = lint_text(new, path, **lint_kw)
        # apk: a virtual package added under a name the file already uses replaces that one
        virtuals = Counter(re.findall(r"--virtual[ =]+(\S+)", text))
        for name, n in Counter(re.findall(r"--virtual[ =]+(\S+)", new)).items():
            if n > virtuals[name] and virtuals[name]:
                bad(f"adds the apk virtual package {name}, a name the file already uses")
        # 1. parses (and as bash too: `((` that is not `$((` starts an arithmetic command there)
        if new.count("((") - new.count("$((") > text.count("((") - text.count("$(("):
            bad("writes `((`, which bash reads as an arithmetic command")
        if len(after.parsed.issues) > len(res.parsed.issues):
            bad(f"does not parse: {after.parsed.issues[-1].message}")
            continue
        if sum(1 for r in _runs(after) if r.shell_script is not None and r.shell_script.has_errors) > shell_errors:
            bad("a RUN's shell text no longer parses")
            continue
        after_codes = Counter(g.code for g in after.findings)
        # 2. clears its finding (for DKL202: none left at its install, fix.cleared)
        if not cleared(f.code, [f], res, after):
            bad("does not clear its finding")
        # 3. nothing else changed (a DKL202 on a RUN the fix did not touch is the install's own:
        # see _dkl202_come_to_untouched_runs)
        if flagless is None:
            flagless = _flagless_installs(res)  # once per file: every fix asks of the same original
        after_codes["DKL202"] -= _dkl202_come_to_untouched_runs(after, res, flagless)
        for code, n in after_codes.items():
            if code != f.code and n > before_codes[code]:
                bad(f"adds a {code} finding")
        touched = _touched_lines(f.fix.edits)
        deleted = {i.start_line for i in res.parsed.instructions
                   if any(e.text == "" and e.span.line <= i.start_line and e.span.end_line > i.end_line
                          and e.span.column == 1 and e.span.end_column == 1 for e in f.fix.edits)
                   # DKL102's join moves the instructions between the RUNs it joins (_joined_runs)
                   and (f.code != "DKL102" or i.keyword == "RUN")}
        old_ins = [i for i in res.parsed.instructions if i.start_line not in deleted]
        new_ins, added_problems = _without_added(res, after, old_ins, after.parsed.instructions, f.code)
        for problem in added_problems:
            bad(problem)
        if f.code == "DKL402":
            # its only added instruction: the BusyBox SHELL of a distroless :debug stage
            old_shells = {_text(res, i) for i in old_ins if i.keyword == "SHELL"}
            new_ins = [i for i in new_ins if not (i.keyword == "SHELL" and _text(after, i) == BUSYBOX_SHELL
                                                  and _text(after, i) not in old_shells)]
        old_runs = {id(r.instruction): r for r in _runs(res)}
        new_runs = {id(r.instruction): r for r in _runs(after)}
        # DKL102's move into several RUNs joins them into one: {id(first old RUN): its commands and
        # those of the RUNs joined to it}
        joined: dict[int, list] = {}
        groups: dict[int, list] = {}
        if f.code == "DKL102" and len(new_ins) < len(old_ins):
            old_ins, joined, groups, join_problems = _joined_runs(old_ins, new_ins, old_runs, new_runs, res)
            for problem in join_problems:
                bad(problem)
        if len(old_ins) != len(new_ins) or any(a.keyword != b.keyword for a, b in zip(old_ins, new_ins)):
            bad("adds, removes or reorders instructions")
            continue
        lost = [c.argv for i in res.parsed.instructions if i.start_line in deleted
                for c in (old_runs[id(i)].commands if id(i) in old_runs else ()) if c.argv]
        if f.code == "DKL105":
            # the chown/chmod moved into the COPY's flag: checked by _check_chown below
            lost = [argv for argv in lost if argv[:1] not in (("chown",), ("chmod",))]
            for problem in _check_chown(res, after, f):
                bad(problem)
        added_ok = ADDED.get(f.code, ())
        # DKL102's move: (index in new_ins, packages) of the RUN that now installs and purges them,
        # and of each RUN that no longer keeps build-only packages
        moved_in: list[tuple[int, set[str]]] = []
        moved_out: list[tuple[int, set[str]]] = []
        for a, b in zip(old_ins, new_ins):
            same_text = _text(res, a) == _text(after, b)
            if not touched & set(range(a.start_line, a.end_line + 1)):
                if not same_text:
                    bad(f"changes the {a.keyword} at line {a.start_line}, which it does not fix")
                continue
            if f.code in FORM_RULES and not same_text:
                for problem in _check_form(f.code, a, b, res, after):
                    bad(problem)
                continue
            if a.keyword != "RUN":
                if not same_text and not (f.code == "DKL102" and a.keyword == "FROM" and _slim_edit(res, after, a, b)) \
                        and not (f.code == "DKL105" and a.keyword in ("COPY", "ADD")):
                    bad(f"edits a {a.keyword}")
                continue
            ra, rb = old_runs[id(a)], new_runs[id(b)]
            if f.code == "DKL102":
                old_cmds = joined.get(id(a)) or [c for c in ra.commands if c.argv]
                if _moved_in(old_cmds, rb):
                    got, problems = _check_moved_install(ra, rb, old_cmds)
                    moved_in.append((new_ins.index(b), got))
                else:
                    problems = _check_purge(ra, rb, res, after, groups.get(id(a)))
                    moved_out.append((new_ins.index(b), _removed_build_only(ra, rb)))
                for problem in problems:
                    bad(problem)
                continue
            if f.code == "DKL202":
                for problem in _check_recommends(ra, rb):
                    bad(problem)
                continue
            if f.code == "DKL105":
                continue  # _check_chown
            old_argv, new_argv = _argvs(ra, f.code), _argvs(rb, f.code)
            extra = list(new_argv)
            for argv in old_argv:
                if argv in extra:
                    extra.remove(argv)
                elif f.code == "DKL201" and writes_lists(argv):
                    lost.append(argv)  # moved: it must reappear in the RUN that reads the lists
                elif _may_drop(f.code, argv):
                    continue
                else:
                    bad(f"the RUN at line {a.start_line} loses `{' '.join(argv)}`")
            if not _is_super([x for x in old_argv if x not in lost and not _may_drop(f.code, x)], new_argv):
                bad(f"the RUN at line {a.start_line} runs its commands in another order")
            flags = FLAGS.get(f.code, ())
            # the added commands: those of the new RUN that its old commands, matched in order, leave
            # over (a `yum clean all` appended after one the RUN had is the second, not the first)
            new_cmds = [c for c in rb.commands if c.argv]
            keep = [x for x in old_argv if x not in lost and not _may_drop(f.code, x)]
            matched, k = set(), 0
            for argv in keep:
                while k < len(new_cmds) and tuple(w for w in new_cmds[k].argv if w not in flags) != argv:
                    k += 1
                if k < len(new_cmds):
                    matched.add(k)
                    k += 1
            for j, c in enumerate(new_cmds):
                argv = tuple(w for w in c.argv if w not in flags)
                if j in matched or argv not in extra:
                    continue
                extra.remove(argv)
                if argv in lost:
                    lost.remove(argv)
                elif not (_added_ok(f.code, argv) or f.code == "DKL201" and writes_lists(c.argv)):
                    bad(f"adds an unexpected command `{' '.join(c.argv)}`")
                if c.connector not in ("&&", None) and not c.errexit:
                    bad(f"`{' '.join(c.argv)}` is joined with {c.connector!r} without set -e: the RUN "
                        "would hide a failure")
        if f.code == "DKL102" and moved_in:
            # a RUN that only installed what moved goes: its packages count as moved out of it,
            # its index update and clean-up go with it
            for i in res.parsed.instructions:
                if i.start_line in deleted and id(i) in old_runs:
                    gone_pkgs = {base_name(p) for _o, p in old_runs[id(i)].kept_packages}
                    at = sum(1 for o in old_ins if o.start_line < i.start_line) - 1
                    moved_out.append((at, gone_pkgs))
                    for c in old_runs[id(i)].commands:
                        if c.argv in lost and _bookkeeping(c.argv):
                            lost.remove(c.argv)
        lost = [a for a in lost if not _may_drop(f.code, a)]
        if lost:
            bad(f"removes `{' '.join(lost[0])}` without running it elsewhere")
        if moved_in:
            # the install moved into the one RUN that builds with the packages: exactly what left
            # the installing RUN arrives there, and no other RUN after the install may use them
            from dockerlint.builds import may_compile

            gone = [(i, g) for i, g in moved_out if g]
            if len(moved_in) != 1 or len(gone) != 1 or moved_in[0][1] != gone[0][1] or gone[0][0] > moved_in[0][0]:
                bad(f"moves {[sorted(g) for _i, g in gone]} but installs {[sorted(m) for _i, m in moved_in]}")
            else:
                (to, pkgs), (frm, _g) = moved_in[0], gone[0]
                fetchers = pkgs <= DOWNLOADERS
                for j in range(frm + 1, len(new_ins)):
                    r = new_runs.get(id(new_ins[j]))
                    if j != to and r is not None and any(
                            c.name in pkgs or (_unseen(c) if fetchers else may_compile(c)) for c in r.commands):
                        bad(f"the RUN at line {r.instruction.start_line} may use {sorted(pkgs)}, no longer there")
        # 4. later RUNs keep what they need
        needs_before = _lists_state(res)
        needs_after = _lists_state(after)
        for a in old_ins:
            if a.keyword != "RUN" or id(a) not in needs_before:
                continue
            b = new_ins[old_ins.index(a)]
            if needs_before[id(a)] and needs_after.get(id(b)) is False:
                bad(f"the RUN at line {a.start_line} reads apt lists that are no longer there")
    # 5. converges
    opts = Options(unsafe_fixes=unsafe)
    once, _applied, refused = fixed_text(res, opts)
    if refused:
        out.problems.append((path, "*", 0, f"--fix refuses: {refused}"))
    if once is not None:
        again = lint_text(once, path, **lint_kw)
        twice, _a, refused2 = fixed_text(again, opts)
        if twice is not None and twice != once:
            out.problems.append((path, "*", 0, "a second --fix changes the file again"))


_MOVED = {"EXPOSE", "USER", "LABEL", "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "CMD", "ENTRYPOINT"}


def _check_rewrite(res, text: str, path: str, lint_kw) -> list[str]:
    """A whole-file rewrite (DKL101, DKL102): it parses into a build stage and a final stage; the
    build stage keeps every original instruction (run-time ones move; `AS build`, `CGO_ENABLED=0`
    and an appended `npm prune --omit=dev` are the only edits); the final stage installs again
    every package the original kept that is not build-only (a -dev package: the runtime
    libraries it stands for, from the Debian data); a named USER of the final stage exists there
    (the base's accounts, a copied /etc/passwd, or a RUN before it that creates it); and the
    final stage brings no finding of a code the original did not have."""
    from dockerlint import knowledge
    from dockerlint.needs import base_has_user, kept_packages
    from dockerlint.packages import base_name

    out = []
    after = lint_text(text, path, **lint_kw)
    if after.error or after.parsed.issues:
        return ["the rewrite does not parse"]
    if len(after.model.stages) != 2:
        return [f"the rewrite has {len(after.model.stages)} stages"]
    build, final = after.model.stages
    # the build stage keeps the original instructions
    build_lines = after.parsed.lines[:final.from_instruction.start_line - 1]
    for ins in res.parsed.instructions:
        if ins.keyword in _MOVED or ins.keyword == "FROM":
            continue
        for line in res.parsed.lines[ins.start_line - 1:ins.end_line]:
            if line in build_lines or any(line + f" && npm prune {o}" in build_lines
                                          for o in ("--omit=dev", "--production")) \
                    or line + " && \\" in build_lines:  # the prune on a new continuation line
                continue
            if "go build" in line or "go install" in line:
                continue
            out.append(f"the build stage lost {line.strip()[:60]!r}")
            break
    # runtime packages
    final_pkgs = {n for _m, n in kept_packages(final)}
    for mgr, name in kept_packages(res.model.final):
        if mgr not in ("apt", "apk"):
            continue  # pip, npm and gem installs are carried by the copied directories
        info = knowledge.build_only_package(mgr, name)
        if info is not None:
            continue
        # node-gyp's Python (github.com/nodejs/node-gyp README: Python, make and a C/C++ compiler)
        if name.startswith("python") and (res.model.final.root_image or knowledge.image_info("scratch")).name \
                .rsplit("/", 1)[-1] == "node":
            continue
        if name not in final_pkgs and name not in ("ca-certificates", "tzdata"):
            out.append(f"the final stage lacks the runtime package `{name}` the original installed")
            break
    # users
    base = final.root_image
    made = set()
    for ins in final.instructions:
        if ins.keyword == "RUN" and any(w in ("useradd", "adduser") for w in ins.rest.split()):
            made.update(ins.rest.split())
        if ins.keyword == "COPY" and "/etc/passwd" in ins.rest:
            made.add("*")
        if ins.keyword == "USER" and ins.args:
            name = ins.args[0].text.split(":")[0]
            if not (name.isdigit() or "$" in name or name in made or "*" in made or base_has_user(base, name)):
                out.append(f"USER {name} does not exist in the final stage")
    # no new kind of finding in the final stage, but for DKL105 on a RUN the original ran word for
    # word: replaying the user's `chown -R` after the COPY --from=build that brings the files back
    # is what keeps their owner (the rewrite cannot give the COPY --chown=: the user is made later)
    old_codes = {g.code for g in res.findings}
    old_texts = {" ".join(i.rest.split()) for i in res.parsed.instructions if i.keyword == "RUN"}

    def replayed(g) -> bool:
        ins = next((i for i in after.parsed.instructions if i.start_line <= g.line <= i.end_line), None)
        return g.code == "DKL105" and ins is not None and " ".join(ins.rest.split()) in old_texts

    new_codes = {g.code for g in after.findings if g.line >= final.from_instruction.start_line and not replayed(g)}
    if new_codes - old_codes:
        out.append(f"the final stage brings new findings: {sorted(new_codes - old_codes)}")
    return out


BUSYBOX_SHELL = 'SHELL ["/busybox/sh", "-c"]'
# Rules whose fixes rewrite one instruction's form or flag instead of adding commands: each edit is
# checked by _check_form for what exactly may change.
FORM_RULES = ("DKL301", "DKL401", "DKL402", "DKL403")


def _args(ins) -> list[str]:
    words = [w.text for w in ins.args]
    return words[1:] if ins.keyword == "HEALTHCHECK" else words


def _check_form(code, a, b, res, after) -> list[str]:
    """DKL401: only quote characters change and the result is the JSON array of the strings written;
    DKL402/DKL403: shell form becomes the exec form of the same words (a leading `exec` dropped);
    DKL301: only the stage a `--from`/`from=` names changes, to a stage defined above."""
    import difflib

    from dockerlint.execform import _QUOTES, diagnose
    from dockerlint.shellless import exec_argv

    out = []
    if a.keyword == b.keyword == "ONBUILD" and a.trigger is not None and b.trigger is not None:
        a, b = a.trigger, b.trigger
    if a.keyword != b.keyword or [(x.name, x.value) for x in a.flags if x.name not in ("from", "mount")] != \
            [(x.name, x.value) for x in b.flags if x.name not in ("from", "mount")]:
        return [f"changes the {a.keyword} at line {a.start_line} beyond its form"]
    if code == "DKL301":
        old_from = [x.value for x in a.flags if x.name in ("from", "mount")]
        new_from = [x.value for x in b.flags if x.name in ("from", "mount")]
        stage_names = {s.name for s in after.model.stages if s.name}
        if _args(a) != _args(b) or a.json != b.json or len(old_from) != len(new_from):
            out.append(f"changes more than the stage the {a.keyword} at line {a.start_line} names")
        for o, n in zip(old_from, new_from):
            if o != n and not any(name in n for name in stage_names):
                out.append(f"`{n}` names no stage")
        return out
    if not b.json:
        return [f"the {a.keyword} at line {a.start_line} is still not in exec form"]
    if code == "DKL401":
        d = diagnose(a)
        if d is None or list(d.words or ()) != _args(b):
            out.append(f"the {a.keyword} at line {a.start_line} does not run the strings that were written")
        old_t, new_t = _text(res, a), _text(after, b)
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_t, new_t, autojunk=False).get_opcodes():
            if op != "equal" and (set(old_t[i1:i2]) - _QUOTES or set(new_t[j1:j2]) - {'"'}):
                out.append(f"changes more than quote characters in the {a.keyword} at line {a.start_line}")
                break
        return out
    text = a.rest.split(None, 1)[1] if a.keyword == "HEALTHCHECK" else a.rest
    if exec_argv(text) != _args(b):
        out.append(f"the exec form of the {a.keyword} at line {a.start_line} is not the words it had")
    return out


def _slim_edit(res, after, a, b) -> bool:
    """A FROM whose image became the slim variant of the same image (DKL102's edit)."""
    from dockerlint.knowledge import runtime_image

    old_img = res.model.stages[[s.from_instruction for s in res.model.stages].index(a)].base
    new_img = after.model.stages[[s.from_instruction for s in after.model.stages].index(b)].base
    rt = runtime_image(old_img)
    same_rest = [w.text for w in a.args[1:]] == [w.text for w in b.args[1:]]
    return rt is not None and rt.ref == new_img and same_rest


def _pkg_argvs(run):
    """The RUN's commands that are not package installs/removals, in order."""
    idx = {op.command_index for op in run.package_ops if op.action in ("install", "remove")}
    return [c.argv for c in run.commands if c.argv and c.index not in idx]


# docker-library's keep of linked libraries (php's Dockerfiles): ldd over the build's output,
# the owning packages marked manual; the awk programs are compared apart from the roots.
# (argv: `xargs -r` is an exec wrapper the model drops)
_KEEP_SHAPE = (("find",), ("awk",), ("sort", "-u"), ("dpkg-query", "--search"),
               ("awk", "sub(\":$\", \"\", $1) { print $1 }"), ("sort", "-u"), ("apt-mark", "manual"))


def _split_keep(argvs):
    """(argvs without a keep-linked pipeline, its scan roots or None, problems). The pipeline must
    be whole, scan /usr/local among its roots, and skip the libraries under the roots."""
    for i, a in enumerate(argvs):
        if tuple(a[:1]) == ("find",) and "scanelf" in a:
            # Alpine's (docker-library's python alpine image): scanelf's sonames become `so:`
            # dependencies of a virtual package (its `apk add` is a package op, not listed here)
            got = [tuple(x) for x in argvs[i:i + 4]]
            out = []
            if tuple(a) != ("find", "/usr/local", "-type", "f", "-executable", "-exec", "scanelf", "--needed",
                            "--nobanner", "--format", "%n#p", "{}", ";"):
                out.append(f"a keep pipeline runs `{' '.join(a)}`")
            if got[1:] != [("tr", ",", "\\n"), ("sort", "-u"),
                           ("awk", 'system("[ -e /usr/local/lib/" $1 " ]") == 0 { next } { print "so:" $1 }')]:
                out.append("a keep pipeline is not docker-library's")
            n = 5 if len(argvs) > i + 4 and tuple(argvs[i + 4][:2]) == ("apk", "add") else 4
            return argvs[:i] + argvs[i + n:], ["/usr/local"], out
        if tuple(a[:1]) != ("find",) or "ldd" not in a:
            continue
        got = [tuple(x) for x in argvs[i:i + 7]]
        out = []
        roots = list(a[1:a.index("-type")]) if "-type" in a else []
        if tuple(a[len(roots) + 1:]) != ("-type", "f", "-executable", "-exec", "ldd", "{}", ";"):
            out.append(f"a keep pipeline runs `{' '.join(a)}`")
        if len(got) < 7 or any(g[:len(w)] != w or (len(w) > 1 and g != w) for g, w in zip(got, _KEEP_SHAPE) if w[0] != "awk") \
                or got[4] != _KEEP_SHAPE[4] or len(got[1]) != 2:
            out.append("a keep pipeline is not docker-library's")
        elif any(f'index(so, "{r.rstrip("/")}/") == 1' not in got[1][1] for r in roots):
            out.append("a keep pipeline does not skip the libraries under its roots")
        if "/usr/local" not in roots:
            out.append("a keep pipeline does not scan /usr/local")
        return argvs[:i] + argvs[i + 7:], roots, out
    return argvs, None, []


# What DKL102's join may move out of the way of the RUNs it joins: COPY and ADD before the joined
# RUN, the rest after it (WORKDIR and ENV then take effect inside it by `cd` and `export`)
HOPPED_BEFORE = frozenset({"COPY", "ADD"})
HOPPED = HOPPED_BEFORE | {"WORKDIR", "ENV", "LABEL", "EXPOSE", "MAINTAINER", "STOPSIGNAL", "HEALTHCHECK", "CMD",
                          "ENTRYPOINT", "ONBUILD"}


# The names DKL102's fixes give the build packages' apk virtual package
BUILD_VIRTUALS = (".build-deps", ".build-deps-moved", ".dockerlint-build-deps")

# Downloaders: a compile does not run them; a program the harness cannot read may
DOWNLOADERS = frozenset({"curl", "wget"})


def _unseen(c) -> bool:
    """Whether a command runs something the harness cannot read: a script by path, a program
    outside /bin, /usr/bin, /sbin and /usr/sbin, make's or rake's recipes, a shell given a file."""
    a0 = c.argv[0] if c.argv else ""
    if "/" in a0 and not a0.startswith(("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/")):
        return True
    if a0.endswith((".sh", ".bash")) or c.name in ("make", "gmake", "rake"):
        return True
    return c.name in ("sh", "bash", "ash", "dash") and "-c" not in c.argv[1:] and len(c.argv) > 1


class _Hop:
    """A command a join adds so that a RUN runs as it did alone (`cd` into its WORKDIR, `export`
    of an ENV's variable), as _joined_runs expects it: shaped like a Command (argv) and, for
    _check_purge's groups, like a RUN of that one command."""

    index = -1
    shell = None
    package_ops = kept_packages = ()

    def __init__(self, argv):
        self.argv = tuple(argv)
        self.commands = (self,)


def _joined_runs(old_ins, new_ins, old_runs, new_runs, res):
    """(old instructions with each group of RUNs that a new RUN joins reduced to its first — the
    instructions that stood between them moved before it (COPY, ADD) or after it (the rest), as
    in the new file —, {id(first): the commands of the whole group}, problems). A new RUN joins
    old RUNs i..i+k (k >= 1) when its commands, less the moved install's two at its start and the
    purge's two at its end, are theirs in order, each RUN's preceded by what puts it in its own
    WORKDIR and environment again (`mkdir -p D`, `cd D` for a WORKDIR between; `export K` for an
    ENV between), D being the WORKDIR the old RUN ran in."""
    from dockerlint.layers import workdirs

    out, joined, groups, problems = [], {}, {}, []
    i = j = 0
    while i < len(old_ins):
        a = old_ins[i]
        j2 = j
        while j2 < len(new_ins) and new_ins[j2].keyword in HOPPED_BEFORE:
            j2 += 1  # COPYs a join moved before the RUN
        b = new_ins[j2] if j2 < len(new_ins) else None
        rb = new_runs.get(id(b)) if b is not None else None
        if a.keyword == "RUN" and rb is not None and id(a) in old_runs:
            # moved into the joined RUN, or installed in its first RUN and purged at its end
            # (the join keeps the install where it was, which may gain runtime libraries: compared
            # as `apt-get install` alone, _check_purge compares the packages)
            wds = workdirs(old_runs[id(a)].stage)
            for new_cmds, norm in ((_between_moved(rb, argv=False), tuple), (_before_purge(rb), _install_verb),
                                   (_before_purge(rb, split=False), _install_verb)):
                new = [norm(c.argv) for c in new_cmds]
                cmds, expect, k, last, nruns, hopped, pending = [], [], i, 0, 0, [], []
                members = []  # the group's RUNs, with the join's _Hops where they stand
                while k < len(old_ins) and len(expect) < len(new):
                    ins = old_ins[k]
                    if ins.keyword != "RUN" or id(ins) not in old_runs:
                        if k == i or ins.keyword not in HOPPED:
                            break
                        pending.append(ins)
                        k += 1
                        continue
                    hops = []
                    for h in pending:
                        if h.keyword == "WORKDIR":
                            hops += [_Hop(("mkdir", "-p", wds.get(id(ins)))), _Hop(("cd", wds.get(id(ins))))]
                        elif h.keyword == "ENV":
                            hops += [_Hop(("export", n.text)) for n, _v in h.pairs]
                    expect += [h.argv for h in hops]
                    cmds += hops
                    members += hops
                    members.append(old_runs[id(ins)])
                    hopped, pending = hopped + pending, []
                    own = [c for c in old_runs[id(ins)].commands if c.argv]
                    cmds, last, nruns = cmds + own, len(own), nruns + 1
                    expect += [norm(c.argv) for c in own]
                    k += 1
                k -= len(pending)  # instructions after the group's last RUN are not in it
                if nruns > 1 and expect == new:
                    break
            if nruns > 1 and expect == new:
                before = [h for h in hopped if h.keyword in HOPPED_BEFORE]
                out.extend(before)
                out.append(a)
                out.extend(h for h in hopped if h.keyword not in HOPPED_BEFORE)
                joined[id(a)] = cmds
                groups[id(a)] = members
                group = [m for m in members if not isinstance(m, _Hop)]
                for h in before:
                    # the RUNs it now comes before must not name where it writes
                    dest = h.args[-1].text if h.args and not h.json else ""
                    for r in group:
                        if r.instruction.start_line < h.start_line and dest.startswith("/") and dest.rstrip("/") \
                                and dest.rstrip("/") in "\n".join(res.parsed.lines[r.instruction.start_line - 1:
                                                                                   r.instruction.end_line]):
                            problems.append(f"the {h.keyword} at line {h.start_line} now comes before the RUN at "
                                            f"line {r.instruction.start_line}, which names {dest}")
                for c, d in zip(cmds[:len(cmds) - last], new_cmds):
                    # what a RUN did to its own shell must not reach the RUNs joined after it
                    sh = c.shell  # None for a _Hop, whose `cd` is meant for the RUNs after it
                    if sh is not None and not sh.in_subshell and not sh.in_substitution and \
                            c.argv[0] in SHELL_STATE and not (d.shell is not None and d.shell.in_subshell):
                        problems.append(f"`{' '.join(c.argv)}` of the RUN at line {a.start_line} now "
                                        "changes the shell of the RUNs joined after it")
                i, j = k, j2 + 1 + len([h for h in hopped if h.keyword not in HOPPED_BEFORE])
                continue
        out.append(a)
        i, j = i + 1, j + 1
    return out, joined, groups, problems


def _install_verb(argv) -> tuple:
    if argv[:1] == ("apk",) and "add" in [w for w in argv[1:] if not w.startswith("-")][:1]:
        return ("apk", "add")  # `apk --update add` too
    return ("apt-get", "install") if tuple(argv[:2]) in (("apt-get", "install"), ("apt", "install")) else tuple(argv)


def _before_purge(rb, split: bool = True) -> list:
    """The commands of a joined RUN before its purge (and the keep of linked libraries before that):
    DKL102's join of the installing RUN with the later RUNs that build. On Alpine, with `split`,
    an `apk add --virtual .build-deps` followed by another `apk add` counts as one (the fix split
    the install in two); without, as written (the install became the virtual package whole)."""
    cmds = [c for c in rb.commands if c.argv]
    if cmds and tuple(cmds[-1].argv[:2]) == ("apk", "del") and len(cmds[-1].argv) == 3 \
            and cmds[-1].argv[2] in BUILD_VIRTUALS:
        # apk: the install became `apk add --virtual .build-deps B… && apk add R…` (compared as
        # one `apk add`: _check_purge compares the packages), Alpine's keep before the del
        cmds = cmds[:-1]
        if len(cmds) >= 5 and cmds[-5].argv[:1] == ("find",) and "scanelf" in cmds[-5].argv:
            cmds = cmds[:-5]
        for k, c in enumerate(cmds[:-1] if split else ()):
            if tuple(c.argv[:2]) == ("apk", "add") and any(v in c.argv for v in BUILD_VIRTUALS) and \
                    tuple(cmds[k + 1].argv[:2]) == ("apk", "add"):
                return cmds[:k] + cmds[k + 1:]
        return cmds
    if not cmds or tuple(cmds[-1].argv[:4]) != ("apt-get", "purge", "-y", "--auto-remove"):
        return []
    cmds = cmds[:-1]
    if len(cmds) >= 7 and cmds[-7].argv[:1] == ("find",) and "ldd" in cmds[-7].argv:
        cmds = cmds[:-7]
    return cmds


# builtins that change the shell for the commands after them (POSIX special builtins and bash's)
SHELL_STATE = frozenset({"cd", "pushd", "popd", "export", "unset", "set", "shopt", "umask", "source", ".",
                         "alias", "eval", "exec", "exit", "trap", "readonly", "declare", "typeset", "local"})


def _between_moved(rb, argv: bool = True) -> list:
    """The commands of a RUN between a moved install and its removal: all but the first two and
    the last two for apt (update, install; purge, rm of the lists), all but the first and the last
    for apk (add of the virtual package; its del)."""
    cmds = [c for c in rb.commands if c.argv]
    if cmds and tuple(cmds[0].argv[:4]) == ("apk", "add", "--no-cache", "--virtual"):
        got = cmds[1:-1]
    else:
        # apt: update, install … purge, rm of the lists; or install … purge where the RUN uses
        # the lists an earlier RUN left (later RUNs read them too)
        start = 1 if cmds and tuple(cmds[0].argv[:2]) == ("apt-get", "install") else 2
        end = 2 if cmds and tuple(cmds[-1].argv) == ("rm", "-rf", "/var/lib/apt/lists/*") else 1
        got = cmds[start:-end]
    if len(got) >= 7 and got[-7].argv[:1] == ("find",) and "ldd" in got[-7].argv:
        got = got[:-7]  # the keep of linked libraries before the purge (_split_keep checks it)
    elif len(got) >= 5 and got[-5].argv[:1] == ("find",) and "scanelf" in got[-5].argv:
        got = got[:-5]  # Alpine's keep: find | tr | sort | awk | apk add
    return [c.argv for c in got] if argv else got


def _moved_in(old_cmds, rb) -> bool:
    """rb is the old commands with an install added at its start and its removal at its end
    (DKL102's move into the RUN that builds)."""
    old = [c.argv for c in old_cmds]
    new = [c.argv for c in rb.commands if c.argv]
    if new and tuple(new[0][:4]) == ("apk", "add", "--no-cache", "--virtual"):
        return len(new) >= len(old) + 2 and _between_moved(rb) == old and tuple(new[-1][:2]) == ("apk", "del")
    if new and tuple(new[0][:2]) == ("apt-get", "install"):
        return len(new) >= len(old) + 2 and _between_moved(rb) == old and new[:1] != old[:1] \
            and tuple(new[-1][:4]) == ("apt-get", "purge", "-y", "--auto-remove")
    return len(new) >= len(old) + 4 and _between_moved(rb) == old and new[:2] != old[:2] \
        and tuple(new[0][:2]) == ("apt-get", "update")


def _check_moved_install(ra, rb, old_cmds) -> tuple[set[str], list[str]]:
    """DKL102's move: rb = `apt-get update && apt-get install -y [--no-install-recommends] P… &&`
    + the old commands unchanged (ra's, or those of the RUNs joined into it) + `&& apt-get purge -y
    --auto-remove P… && rm -rf /var/lib/apt/lists/*`, P build-only, none of them kept. Returns
    (P, problems)."""
    from dockerlint import knowledge
    from dockerlint.packages import base_name

    out = []
    line = ra.instruction.start_line
    old = old_cmds
    new = [c for c in rb.commands if c.argv]
    # the RUN is one `&&` chain at its top level: a command that failed there (the moved install,
    # one of the joined RUNs' commands) fails the RUN; `install && a; b` would go on to b
    for c in new:
        sh = c.shell
        if sh is not None and not (sh.in_subshell or sh.in_substitution or sh.in_function) and \
                sh.connector in (";", "||", "&", "\n") and not sh.errexit:
            out.append(f"the RUN at line {line} joins `{' '.join(c.argv)}` with {sh.connector!r} at its top level: "
                       "a failure before it no longer fails the RUN")
            break
    if tuple(new[0].argv[:2]) == ("apk", "add"):
        # apk: `apk add --no-cache --virtual NAME P… &&` + the old commands + `&& apk del NAME`
        inst, dele = new[0].argv, new[-1].argv
        middle, roots, problems = _split_keep([c.argv for c in new[1:-1]])
        out += problems
        if middle != [c.argv for c in old]:
            out.append(f"the RUN at line {line} changes its own commands")
        if len(inst) < 6 or tuple(inst[:4]) != ("apk", "add", "--no-cache", "--virtual"):
            out.append(f"the RUN at line {line} gains `{' '.join(inst)}`")
            return set(), out
        pkgs = {base_name(w) for w in inst[5:]}
        if roots is not None:
            pkgs.discard("pax-utils")  # scanelf, for the keep: it goes with the virtual package
        if tuple(dele) != ("apk", "del", inst[4]):
            out.append(f"the RUN at line {line} ends with `{' '.join(dele)}`, not a removal of what it installs")
        if not all(knowledge.build_only_package("apk", p) for p in pkgs):
            out.append(f"the RUN at line {line} installs packages that are not build-only: {sorted(pkgs)}")
        if new[-1].connector not in ("&&", None) and not new[-1].errexit:
            out.append(f"`{' '.join(dele)}` is joined with {new[-1].connector!r}")
        if {base_name(p) for _o, p in rb.kept_packages} & pkgs:
            out.append(f"the RUN at line {line} keeps {sorted(pkgs)}")
        return pkgs, out
    # without an update and a removal of the lists where the RUN installs from the lists an
    # earlier RUN left, which later RUNs read (_lists_left_before checks they are there)
    reuse = tuple(new[0].argv[:2]) == ("apt-get", "install")
    start, end = (1, 1) if reuse else (2, 2)
    for c in new[:start]:
        # the moved update and install run on their own: not as an `if`'s condition (a failure
        # would pass unnoticed), nor in a subshell or pipeline
        sh = c.shell
        if sh is not None and (sh.conditional or sh.in_subshell or sh.in_pipeline or sh.in_substitution):
            out.append(f"the RUN at line {line} runs `{' '.join(c.argv[:3])}` inside another command")
    middle, roots, problems = _split_keep([c.argv for c in new[start:-end]])
    out += problems
    if roots is not None and [c.argv for c in new[-7 - end:-end]][0][:1] != ("find",):
        out.append(f"the RUN at line {line} keeps linked libraries before its last command")
    if middle != [c.argv for c in old]:
        out.append(f"the RUN at line {line} changes its own commands")
    inst, purge = new[start - 1].argv, new[-end].argv
    rm = ("rm", "-rf", "/var/lib/apt/lists/*") if reuse else new[-1].argv
    if reuse and not _lists_left_before(rb):
        out.append(f"the RUN at line {line} installs without an update where no lists are left")
    opts = [w for w in inst[2:] if w.startswith("-")]
    pkgs = {base_name(w) for w in inst[2:] if not w.startswith("-")}
    if tuple(inst[:2]) != ("apt-get", "install") or not set(opts) <= {"-y", "--no-install-recommends"}:
        out.append(f"the RUN at line {line} gains `{' '.join(inst)}`")
    if tuple(purge[:4]) != ("apt-get", "purge", "-y", "--auto-remove") or {base_name(w) for w in purge[4:]} != pkgs:
        out.append(f"the RUN at line {line} ends with `{' '.join(purge)}`, not a purge of what it installs")
    if tuple(rm) != ("rm", "-rf", "/var/lib/apt/lists/*"):
        out.append(f"the RUN at line {line} does not remove the lists its update writes")
    if not all(knowledge.build_only_package("apt", p) for p in pkgs):
        out.append(f"the RUN at line {line} installs packages that are not build-only: {sorted(pkgs)}")
    if {base_name(p) for _o, p in rb.kept_packages} & pkgs:
        out.append(f"the RUN at line {line} keeps {sorted(pkgs)}")
    if roots is None:
        from dockerlint.needs import runtime_libraries

        img = rb.stage.root_image
        release = img.release if img is not None else None
        for p in sorted(pkgs):
            info = knowledge.build_only_package("apt", p)
            if info is not None and info.category == "headers" and runtime_libraries("apt", p, release) is None:
                out.append(f"the RUN at line {line} purges `{p}`, whose runtime libraries are unknown on {release}, "
                           "with no keep of what the build links")
    for c in new[start - 1:start + 1] + new[-end:]:
        if c.connector not in ("&&", None) and not c.errexit:
            out.append(f"`{' '.join(c.argv)}` is joined with {c.connector!r}")
    return pkgs, out


def _lists_left_before(rb) -> bool:
    """Whether a RUN before rb in its stage (the fixed file) updates the lists and none after that
    removes them, read from the commands (not from dockerlint's list model)."""
    present = False
    for r in rb.stage.all_runs():
        if r is rb:
            return present
        for c in r.commands:
            a = tuple(c.argv)
            verbs = [w for w in a[1:] if not w.startswith("-")]
            if a[:1] in (("apt-get",), ("apt",)) and verbs[:1] == ["update"]:
                present = True
            elif a[:2] == ("rm", "-rf") and any(w.startswith("/var/lib/apt/lists") for w in a[2:]):
                present = False
    return False


def _removed_build_only(ra, rb) -> set[str]:
    from dockerlint.packages import base_name

    return {base_name(p) for _o, p in ra.kept_packages} - {base_name(p) for _o, p in rb.kept_packages}


def _check_purge(ra, rb, res, after, group=None):
    """DKL102's same-RUN removal: every other command unchanged, the kept packages lose only
    build-only ones, gain only the runtime libraries those stand for (Debian data), and keep all
    of them; no later RUN uses what was removed."""
    from dockerlint import knowledge
    from dockerlint.needs import runtime_libraries
    from dockerlint.packages import base_name

    out = []
    group = group or [ra]  # the old RUNs joined into rb, in order
    new_argvs, roots, problems = _split_keep(_pkg_argvs(rb))
    out += problems
    if [a for r in group for a in _pkg_argvs(r)] != new_argvs:
        out.append(f"the RUN at line {ra.instruction.start_line} changes a command that is not a package install")
    mgr = {op.manager for r in group for op, _p in r.kept_packages} | {op.manager for op, _p in rb.kept_packages}
    old = {base_name(p) for r in group for _o, p in r.kept_packages}
    new = {base_name(p) for _o, p in rb.kept_packages}
    removed, added = old - new, new - old
    img = ra.stage.root_image
    release = img.release if img is not None else None
    if roots is None:
        # moved into a RUN that builds with them, which keeps what it links (_check_moved_install)
        for r in _runs(after):
            argvs = [c.argv for c in r.commands if c.argv]
            installed = {base_name(w) for a in argvs if tuple(a[:2]) in (("apt-get", "install"), ("apk", "add"))
                         for w in a[2:] if not w.startswith("-")}
            if r is not rb and removed and removed <= installed and _split_keep(argvs)[1] is not None:
                roots = _split_keep(argvs)[1]
                break
    wanted: set[str] = set()
    for name in removed:
        if not any(knowledge.build_only_package(m, name) for m in mgr):
            out.append(f"removes `{name}`, which is not build-only")
        for m in mgr:
            libs = runtime_libraries(m, name, release)
            if libs:
                wanted.update(libs)
            elif libs is None and roots is None and knowledge.build_only_package(m, name) \
                    and knowledge.build_only_package(m, name).category == "headers":
                out.append(f"purges `{name}`, whose runtime libraries are unknown on {release}, with no keep of "
                           "what the build links")
    if "ca-certificates" in added and "apt" in mgr:
        # curl and wget bring CA certificates through Recommends: a purge with --auto-remove would
        # take them, and the image had them (the archive's graph says whether these did)
        from dockerlint import debian

        if "ca-certificates" in debian.closure(sorted(removed), release, recommends=True):
            wanted.add("ca-certificates")
    if added - wanted:
        out.append(f"keeps packages that stand for nothing removed: {sorted(added - wanted)}")
    if wanted - new and roots is None:
        # (a keep pipeline marks what the build links, whatever the names)
        out.append(f"purges the runtime libraries {sorted(wanted - new)} the build linked against")
    return out


def _dkl202_come_to_untouched_runs(after, res, flagless) -> int:
    """How many of `after`'s DKL202 findings are on a RUN the fix left word for word as it was and
    that had none before, or on an install of `flagless` (_flagless_installs of `res`) that had no
    finding (another brought its recommends): DKL202 reports an install only when apt would add
    recommends the stage does not get anyway, so such a finding comes from what changed around it (the slim base lacks
    the git the full one had; a purge took away the package that depended on the recommend), not
    from the edit."""
    def text(parsed, line):
        ins = next((i for i in parsed.instructions if i.start_line <= line <= i.end_line), None)
        return " ".join(ins.rest.split()) if ins is not None and ins.keyword == "RUN" else None

    old_texts = {" ".join(i.rest.split()) for i in res.parsed.instructions if i.keyword == "RUN"}
    had = {text(res.parsed, g.line) for g in res.findings if g.code == "DKL202"}
    had_at = {(g.line, g.column) for g in res.findings if g.code == "DKL202"}
    return sum(1 for g in after.findings if g.code == "DKL202"
               and ((t := text(after.parsed, g.line)) in old_texts and t not in had
                    # an install that had recommends on and no finding, whose packages the fix changed
                    # (DKL102's purge keeps its run-time libraries there) or whose recommends an
                    # earlier install the fix changed no longer brings
                    or (g.line, g.column) in flagless - had_at))


def _flagless_installs(res) -> set[tuple[int, int]]:
    """(line, column) of the `install` word of each apt install of `res` that installs recommends."""
    from dockerlint.aptconf import recommends_state
    from dockerlint.checks.apt_recommends_installed import _subcommand_index

    out = set()
    for st in res.model.stages:
        for run in st.runs:
            for op in run.package_ops:
                if op.manager != "apt" or op.action != "install":
                    continue
                cmd = run.command(op.command_index)
                i = _subcommand_index(cmd)
                if i is not None and i < len(cmd.arg_spans) and recommends_state(run, op)[0] is True:
                    out.add((cmd.arg_spans[i].line, cmd.arg_spans[i].column))
    return out


PIP_BUILD_PACKAGES = {"python-setuptools", "python3-setuptools", "python-wheel", "python3-wheel"}


def _check_recommends(ra, rb):
    """DKL202's edit: every command unchanged but apt installs, which only gain
    `--no-install-recommends` (and `ca-certificates`, when a recommend it was), keep every word
    in order, and no longer install recommends."""
    from dockerlint.aptconf import option_turns_off

    out = []
    old = [c for c in ra.commands if c.argv]
    new = [c for c in rb.commands if c.argv]
    if len(old) != len(new):
        return [f"the RUN at line {ra.instruction.start_line} gains or loses commands"]
    ops = {op.command_index: op for op in rb.package_ops if op.manager == "apt" and op.action == "install"}
    for a, b in zip(old, new):
        if a.argv == b.argv:
            continue
        extra = list(b.argv)
        for w in a.argv:
            if w in extra:
                extra.remove(w)
        if not _is_super(list(a.argv), list(b.argv)):
            out.append(f"`{' '.join(a.argv)}` loses words or changes their order")
        # besides the flag: ca-certificates, and for an install of pip the setuptools/wheel pip builds
        # source distributions with (the harness's own list: only these may come back by name)
        named = [w for w in extra if w != "--no-install-recommends"]
        pip = {"python-pip", "python3-pip"} & {w.split("=")[0] for w in a.argv}
        allowed = {"ca-certificates"} | (PIP_BUILD_PACKAGES if pip else set()) | _kept_recommends(ra, a, named)
        if extra.count("--no-install-recommends") != 1 or len(named) != len(set(named)) or set(named) - allowed:
            out.append(f"`{' '.join(a.argv)}` gains {extra}")
        op = ops.get(b.index)
        if op is None or not option_turns_off(op):
            out.append(f"`{' '.join(b.argv)}` still installs recommends")
    return out


def _kept_recommends(run, cmd, named) -> set[str]:
    """Of `named`, the recommends (Debian data, the image's release or bookworm's) of the packages
    `cmd` installs that DKL202's fix may install by name: what packages.toml [needed_recommends]
    says a program of the recommending package needs (xvfb: xauth)."""
    from dockerlint import debian, knowledge

    img = run.stage.root_image
    rel = debian.release_of(img.release) if img is not None and img.release else None
    rel = rel or debian.DEFAULT_RELEASE
    needed = knowledge.load_table("packages").get("needed_recommends", {})
    out = set()
    for w in cmd.argv:
        p = debian.package(base_name(w), rel)
        if p is None:
            continue
        for r in p.recommends:
            if r in named and r in needed.get(p.name, ()):
                out.add(r)
    return out


def _check_chown(res, after, f):
    """DKL105's edit: one COPY/ADD gains exactly `--chown=SPEC`/`--chmod=SPEC` (the chown's own
    owner or mode, its sources and destination unchanged), and the chown/chmod it replaces loses
    `-R` (kept for the folder itself) or goes; nothing else changes."""
    out = []
    old_copies = [i for i in res.parsed.instructions if i.keyword in ("COPY", "ADD")]
    new_copies = [i for i in after.parsed.instructions if i.keyword in ("COPY", "ADD")]
    changed = [(a, b) for a, b in zip(old_copies, new_copies)
               if [(x.name, x.value) for x in a.flags] != [(x.name, x.value) for x in b.flags]
               or [w.text for w in a.args] != [w.text for w in b.args]]
    if len(old_copies) != len(new_copies) or len(changed) != 1:
        return ["does not edit exactly one COPY/ADD"]
    a, b = changed[0]
    if [w.text for w in a.args] != [w.text for w in b.args]:
        out.append("changes what a COPY copies")
    gained = [(x.name, x.value) for x in b.flags if (x.name, x.value) not in [(y.name, y.value) for y in a.flags]]
    if len(gained) != 1 or gained[0][0] not in ("chown", "chmod"):
        out.append(f"the COPY gains {gained}")
        return out
    name, spec = gained[0]
    # the chown/chmod commands, before and after, in order
    def cmds(r, prog):
        return [c.argv for run in _runs(r) for c in run.commands if c.name == prog]
    before, now = cmds(res, name), cmds(after, name)
    # as multisets: a Dockerfile may run the very same `chown -R` twice
    touched = list((Counter(before) - Counter(now)).elements())
    if len(touched) != 1:
        out.append(f"changes {len(touched)} `{name}` commands")
        return out
    old_argv = touched[0]
    if spec not in old_argv:
        out.append(f"the COPY's --{name}={spec} is not the `{' '.join(old_argv)}`'s")
    flat = [w for w in old_argv if w != "-R" and w != "--recursive"]
    flat = [w.replace("R", "", 1) if w.startswith("-") and not w.startswith("--") and "R" in w else w for w in flat]
    flat = [w for w in flat if w != "-"]
    appeared = list((Counter(now) - Counter(before)).elements())
    if appeared and appeared != [tuple(flat)]:
        out.append(f"`{' '.join(old_argv)}` became {appeared}, not the same without -R")
    others = [[c.argv for c in run.commands if c.argv and c.name != name] for run in _runs(res)]
    others_now = [[c.argv for c in run.commands if c.argv and c.name != name] for run in _runs(after)]
    if [x for x in others if x] != [x for x in others_now if x]:
        out.append("changes a command other than the chown/chmod")
    return out


def _is_super(old: list, new: list) -> bool:
    """`new` keeps every command of `old`, in order."""
    it = iter(new)
    return all(any(a == b for b in it) for a in old)


def corpus_files(folder: str) -> list[str]:
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs if f != "SOURCES.tsv")


def main(argv: list[str]) -> int:
    out = Outcome()
    for folder in argv or ["../shared/corpus", "../shared/corpus-dinosaur"]:
        for p in corpus_files(folder):
            try:
                text = open(p, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            check_file(text, p, out)
    print("findings:", dict(out.findings))
    print("with a fix:", dict(out.with_fix))
    print("fixes checked:", dict(out.checked), "total", sum(out.checked.values()))
    print("refused:")
    for (code, why), n in out.refused.most_common():
        print(f"  {code} {n:5d} {why}")
    print("problems:", len(out.problems))
    for p in out.problems[:50]:
        print("  ", *p)
    return 1 if out.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
