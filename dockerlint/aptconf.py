"""apt's Install-Recommends setting through the layers of a build: where it is turned off.

Part of the model.  `apt-get install` installs what the packages recommend unless
`--no-install-recommends` is given, the option is set on the command line
(`-o APT::Install-Recommends=false`), or an apt configuration file says so
(`APT::Install-Recommends "false";` in /etc/apt/apt.conf or /etc/apt/apt.conf.d/*).
A configuration file written by an earlier instruction of the stage's lineage (or
earlier in the same RUN) applies to every later install.

apt reads booleans as false for "false", "no", "off", "without", "disable" and "0",
in any case, and configuration keys case-insensitively (apt-pkg/contrib/configuration.cc,
Configuration::FindB and StringToBool; apt.conf(5), "Syntax").
"""

from __future__ import annotations

import re

from .lazyre import LazyRe
from .records import Value, setfield

APT_CONF = ("/etc/apt/apt.conf", "/etc/apt/apt.conf.d")
_FALSE = frozenset({"false", "no", "off", "without", "disable", "0"})
_TRUE = frozenset({"true", "yes", "on", "with", "enable", "1"})
# `APT::Install-Recommends "false";`, `APT { Install-Recommends "0"; };`, `-o APT::Install-Recommends=no`
_SETTING = LazyRe(r"""Install-Recommends["'\s=\\]*([A-Za-z0-9]+)""", re.IGNORECASE)
_WRITERS = frozenset({"echo", "printf", "cat", "tee"})
_COPIERS = frozenset({"cp", "mv", "install", "ln", "rsync", "curl", "wget", "sed", "dd"})


def _is_conf_path(path: str) -> bool:
    path = path.strip("\"'")
    return any(path == p or path.startswith(p + "/") or path.startswith(p + ".") for p in APT_CONF)


def setting_in_text(text: str) -> bool | None:
    """The last Install-Recommends value a text sets: False (off), True (on), or None when it sets none."""
    found = None
    for m in _SETTING.finditer(text):
        v = m.group(1).lower()
        if v in _FALSE:
            found = False
        elif v in _TRUE:
            found = True
    return found


def option_turns_off(op) -> bool:
    """An apt install op (packages.PackageOp) whose own options turn recommends off:
    `--no-install-recommends`, `--install-recommends=no`, `-o APT::Install-Recommends=false`."""
    off = False
    for o in op.options:
        name, eq, value = o.partition("=")
        if name == "--no-install-recommends":
            off = True
        elif name == "--install-recommends":
            off = bool(eq) and value.lower() in _FALSE
        elif name in ("-o", "--option") or (name.startswith("-o") and not name.startswith("--")):
            setting = value if name in ("-o", "--option") else o[2:]
            key, _eq, val = setting.partition("=")
            if key.strip().lower() == "apt::install-recommends":
                off = val.strip("\"' ").lower() in _FALSE
    return off


class ConfWrite(Value):
    """One instruction (or RUN command) that writes apt configuration.

    ``state``: False when what it writes turns recommends off, True when it turns them on,
    None when it sets nothing about them, "unknown" when its content cannot be seen (a file
    copied from the build context, `cp`/`mv` of a file). ``line`` is the instruction's line;
    ``index`` the command's index in its RUN (None for COPY/ADD).
    """

    instruction: object
    index: int | None
    state: object
    line: int

    __slots__ = _fields = ("instruction", "index", "state", "line")

    def __init__(self, instruction: object, index: int | None, state: object, line: int) -> None:
        setfield(self, "instruction", instruction)
        setfield(self, "index", index)
        setfield(self, "state", state)
        setfield(self, "line", line)


def _redirect_targets(cmd) -> list[str]:
    out = []
    sh = cmd.shell
    for r in (sh.redirects if sh is not None else ()):
        m = re.match(r"\s*\d*(?:>>|>\||&>>|&>|>)\s*(\S+)", r)
        if m:
            out.append(m.group(1).strip("\"'"))
    return out


def _run_writes(run) -> list[ConfWrite]:
    cmds = run.commands
    out = []
    script = run.script[0] if run.script is not None else ""
    for k, c in enumerate(cmds):
        if not c.argv:
            continue
        name = c.name
        targets = [t for t in _redirect_targets(c) if _is_conf_path(t)]
        if name == "tee":
            targets += [a for a in c.argv[1:] if not a.startswith("-") and _is_conf_path(a)]
        if targets:
            if name in ("echo", "printf"):
                state = setting_in_text(" ".join(c.argv[1:]))
            elif name == "tee" and k > 0 and c.connector == "|":
                state = setting_in_text(" ".join(cmds[k - 1].argv[1:]))
                if state is None and cmds[k - 1].name not in ("echo", "printf"):
                    state = setting_in_text(script) if "<<" in script else "unknown"
            elif name in _WRITERS:
                # `cat > f <<EOF`: the body is data inside the script text
                state = setting_in_text(script) if "<<" in script else "unknown"
            else:
                state = "unknown"
            out.append(ConfWrite(run.instruction, c.index, state, run.instruction.start_line))
            continue
        if name in _COPIERS and any(_is_conf_path(a) for a in c.argv[1:] if not a.startswith("-")):
            state = setting_in_text(" ".join(c.argv[1:])) if name == "sed" else "unknown"
            if name == "sed" and state is None:
                state = "unknown"
            out.append(ConfWrite(run.instruction, c.index, state, run.instruction.start_line))
    return out


def _copy_write(ins, stage) -> ConfWrite | None:
    """A COPY/ADD whose destination is apt configuration (or a folder holding it)."""
    if len(ins.args) < 2:
        return None
    dest = ins.args[-1].text
    srcs = [w.text for w in ins.args[:-1]]
    if not dest.startswith("/"):
        wd = stage.workdir or "/"
        dest = wd.rstrip("/") + "/" + dest
    d = dest.rstrip("/")
    into_apt_dir = d in ("/etc/apt", "/etc/apt/apt.conf.d")
    if not (_is_conf_path(d) or into_apt_dir):
        return None
    if d == "/etc/apt" and all(s.rsplit("/", 1)[-1].startswith(("sources.list", "trusted.gpg", "preferences"))
                               or s.endswith((".list", ".gpg", ".asc", ".sources", ".pref")) for s in srcs):
        return None
    if ins.heredocs:
        bodies = [h.body for h in ins.heredocs]
        state = None
        for b in bodies:
            s = setting_in_text(b)
            if s is not None:
                state = s
        return ConfWrite(ins, None, state, ins.start_line)
    return ConfWrite(ins, None, "unknown", ins.start_line)


def conf_writes(stage) -> list[ConfWrite]:
    """Every write of apt configuration in the stage's lineage, in build order (cached per stage)."""
    got = getattr(stage, "_apt_conf_writes", None)
    if got is not None:
        return got
    out: list[ConfWrite] = []
    for s in stage.lineage:
        runs = {id(r.instruction): r for r in s.runs}
        for ins in s.instructions:
            if ins.keyword == "RUN":
                run = runs.get(id(ins))
                if run is not None and _mentions_conf(ins):
                    out.extend(_run_writes(run))
            elif ins.keyword in ("COPY", "ADD"):
                w = _copy_write(ins, s)
                if w is not None:
                    out.append(w)
    stage._apt_conf_writes = out
    return out


def _mentions_conf(ins) -> bool:
    text = ins.rest + "".join(h.body for h in ins.heredocs)
    return "/etc/apt/apt.conf" in text or "apt.conf" in text


def recommends_state(run, op) -> tuple[object, ConfWrite | None]:
    """Whether `op` (an apt install of `run`) installs recommends, as apt will see it.

    Returns (False, None) when its own options turn them off; (False, write) when an
    earlier configuration write in the lineage does (the last one that says anything
    wins); ("unknown", write) when a configuration file whose content is unknown was
    written; (True, write-or-None) when recommends are installed.
    """
    if option_turns_off(op):
        return False, None
    if any(o.partition("=")[0] == "--install-recommends" for o in op.options):
        return True, None
    stage = run.stage
    line = run.instruction.start_line
    state: object = True
    last = None
    unknown = None
    for w in conf_writes(stage):
        before = w.line < line or (w.instruction is run.instruction and w.index is not None
                                   and w.index < op.command_index)
        if not before:
            continue
        if w.state == "unknown":
            unknown = w
        elif w.state is not None:
            state, last = w.state, w
    if state is True and unknown is not None:
        return "unknown", unknown
    return state, last
