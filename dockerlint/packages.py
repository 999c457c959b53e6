"""Package-manager operations read from the simple commands of a RUN.

Each command is matched against the managers' command lines (options that take a
value are known per manager, so `apt-get -o Dpkg::Options::=x install gcc` finds
gcc and not the option value), and yields one PackageOp per action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Wrappers that run the next word as the command.
_WRAPPERS = frozenset({"sudo", "env", "nice", "nohup", "command", "exec", "time", "chroot", "xargs"})

_PY = re.compile(r"^(?:.*/)?python(?:\d(?:\.\d+)?)?$")
_PIP = re.compile(r"^(?:.*/)?pip(?:\d(?:\.\d+)?)?$")


@dataclass(frozen=True)
class PackageOp:
    manager: str  # apt apk dnf zypper pip npm yarn pnpm gem
    tool: str  # the program as written: apt-get, yum, pip3, ...
    action: str  # install remove update upgrade clean autoremove dist-clean
    packages: tuple[str, ...]
    options: tuple[str, ...]
    command_index: int  # index into the RUN's commands
    virtual: str | None = None  # apk --virtual NAME
    auto_remove: bool = False  # apt-get purge --auto-remove, apk del of a virtual
    positions: tuple[int, ...] = ()  # index of each package word in the command's argv

    def has_option(self, *names: str) -> bool:
        return any(o.split("=", 1)[0] in names for o in self.options)


# Per manager: subcommand -> action, options that take a separate value.
_APT_ACTIONS = {
    "install": "install", "reinstall": "install", "remove": "remove", "purge": "remove",
    "update": "update", "upgrade": "upgrade", "dist-upgrade": "upgrade", "full-upgrade": "upgrade",
    "clean": "clean", "autoclean": "clean", "autoremove": "autoremove", "autopurge": "autoremove",
    "dist-clean": "dist-clean", "build-dep": "install", "satisfy": "install",
}
_APT_VALUE_OPTS = {"-o", "-t", "-c", "--option", "--target-release", "--config-file", "-a", "--host-architecture"}

_APK_ACTIONS = {"add": "install", "del": "remove", "update": "update", "upgrade": "upgrade",
                "cache": "clean", "fix": "install"}
_APK_VALUE_OPTS = {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "-R",
                   "--repositories-file", "--keys-dir", "--cache-dir"}

_DNF_ACTIONS = {"install": "install", "groupinstall": "install", "localinstall": "install",
                "reinstall": "install", "remove": "remove", "erase": "remove", "autoremove": "autoremove",
                "update": "upgrade", "upgrade": "upgrade", "clean": "clean", "makecache": "update",
                "group": "group", "module": "module", "builddep": "install"}
_DNF_VALUE_OPTS = {"--enablerepo", "--disablerepo", "--setopt", "--installroot", "--releasever",
                   "-c", "--config", "--repo", "--repoid", "-x", "--exclude", "--nogpgcheck_"}

_ZYPPER_ACTIONS = {"install": "install", "in": "install", "remove": "remove", "rm": "remove",
                   "refresh": "update", "ref": "update", "update": "upgrade", "up": "upgrade",
                   "dist-upgrade": "upgrade", "dup": "upgrade", "clean": "clean", "cc": "clean"}
_ZYPPER_VALUE_OPTS = {"--root", "-R", "--repo", "-r", "--from", "-t", "--type"}

_PIP_ACTIONS = {"install": "install", "uninstall": "remove", "download": "download"}
_PIP_VALUE_OPTS = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
                   "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
                   "--cache-dir", "--trusted-host", "--python-version", "--platform", "--only-binary",
                   "--no-binary", "--progress-bar", "--src", "--upgrade-strategy", "--python", "-p"}

_NPM_ACTIONS = {"install": "install", "i": "install", "ci": "install", "add": "install",
                "uninstall": "remove", "remove": "remove", "rm": "remove", "un": "remove",
                "cache": "clean", "update": "upgrade", "upgrade": "upgrade"}
_NPM_VALUE_OPTS = {"--prefix", "--registry", "--cache", "-w", "--workspace", "--omit", "--filter"}

_GEM_ACTIONS = {"install": "install", "uninstall": "remove", "update": "upgrade", "cleanup": "clean"}
_GEM_VALUE_OPTS = {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--source", "-s"}

_MANAGERS = {
    "apt-get": ("apt", _APT_ACTIONS, _APT_VALUE_OPTS),
    "apt": ("apt", _APT_ACTIONS, _APT_VALUE_OPTS),
    "aptitude": ("apt", _APT_ACTIONS, _APT_VALUE_OPTS),
    "apk": ("apk", _APK_ACTIONS, _APK_VALUE_OPTS),
    "yum": ("dnf", _DNF_ACTIONS, _DNF_VALUE_OPTS),
    "dnf": ("dnf", _DNF_ACTIONS, _DNF_VALUE_OPTS),
    "microdnf": ("dnf", _DNF_ACTIONS, _DNF_VALUE_OPTS),
    "tdnf": ("dnf", _DNF_ACTIONS, _DNF_VALUE_OPTS),
    "zypper": ("zypper", _ZYPPER_ACTIONS, _ZYPPER_VALUE_OPTS),
    "npm": ("npm", _NPM_ACTIONS, _NPM_VALUE_OPTS),
    "yarn": ("yarn", _NPM_ACTIONS, _NPM_VALUE_OPTS),
    "pnpm": ("pnpm", _NPM_ACTIONS, _NPM_VALUE_OPTS),
    "gem": ("gem", _GEM_ACTIONS, _GEM_VALUE_OPTS),
}


def strip_wrappers(argv: list[str]) -> list[str]:
    """Drop `sudo`, `env A=1`, `nice -n 5`, ... in front of the real command."""
    i = 0
    while i < len(argv):
        w = argv[i].rsplit("/", 1)[-1]
        if w in _WRAPPERS:
            i += 1
            while i < len(argv) and (argv[i].startswith("-") or ("=" in argv[i] and w == "env")):
                if w in ("nice", "sudo") and argv[i] in ("-n", "-u", "-g") and i + 1 < len(argv):
                    i += 1
                i += 1
            continue
        break
    return argv[i:]


def package_ops(argv: list[str], index: int) -> list[PackageOp]:
    """The package operations of one command line (`argv` as the shell gives it).

    Each op's `positions` index its packages in `argv`, so rules can point at the word.
    """
    full = len(argv)
    argv = strip_wrappers(argv)
    if not argv:
        return []
    prog = argv[0].rsplit("/", 1)[-1]
    rest = argv[1:]
    base = full - len(rest)  # argv index of rest[0]
    # pip in its many spellings: pip3, python3 -m pip, uv pip
    if _PIP.match(prog):
        return _generic("pip", prog, rest, _PIP_ACTIONS, _PIP_VALUE_OPTS, index, base)
    if _PY.match(prog) and len(rest) >= 2 and rest[0] == "-m" and _PIP.match(rest[1]):
        return _generic("pip", "python -m pip", rest[2:], _PIP_ACTIONS, _PIP_VALUE_OPTS, index, base + 2)
    if prog == "uv" and rest[:1] == ["pip"]:
        return _generic("pip", "uv pip", rest[1:], _PIP_ACTIONS, _PIP_VALUE_OPTS, index, base + 1)
    spec = _MANAGERS.get(prog)
    if spec is None:
        return []
    manager, actions, value_opts = spec
    if prog == "yarn" and rest[:1] == ["global"]:
        rest = rest[1:]
        base += 1
    return _generic(manager, prog, rest, actions, value_opts, index, base)


def _generic(manager, prog, rest, actions, value_opts, index, base=0) -> list[PackageOp]:
    options: list[str] = []
    words: list[tuple[str, int]] = []
    virtual = None
    i = 0
    while i < len(rest):
        w = rest[i]
        if w.startswith("-") and len(w) > 1:
            if w in value_opts and i + 1 < len(rest):
                options.append(w + "=" + rest[i + 1])
                if w in ("-t", "--virtual") and manager == "apk":
                    virtual = rest[i + 1]
                i += 2
                continue
            if manager == "apk" and w.startswith("--virtual="):
                virtual = w.split("=", 1)[1]
            options.append(w)
        else:
            words.append((w, base + i))
        i += 1
    if manager == "yarn" and not words:
        words = [("install", -1)]  # bare `yarn` installs
    if not words:
        return []
    sub = words[0][0]
    action = actions.get(sub)
    if action is None:
        return []
    pkgs = words[1:]
    if action == "group" and pkgs[:1] and pkgs[0][0] == "install":
        action, pkgs = "install", pkgs[1:]
    elif action == "module" and pkgs[:1] and pkgs[0][0] == "install":
        action, pkgs = "install", pkgs[1:]
    elif action in ("group", "module"):
        return []
    first = [w for w, _ in pkgs[:1]]
    if manager == "npm" and sub == "cache" or manager == "yarn" and sub == "cache":
        if first != ["clean"]:
            return []
        pkgs = []
    if manager == "apk" and sub == "cache":
        if first not in (["clean"], ["purge"]):
            return []
        pkgs = []
    if action in ("update", "clean", "dist-clean", "autoremove") and manager != "pip":
        pkgs = [] if manager not in ("npm", "yarn", "pnpm") else pkgs
    auto = any(o in ("--auto-remove", "--autoremove") for o in options)
    ops = []
    if manager == "apk" and sub == "add" and any(o in ("-U", "--update", "--update-cache") for o in options):
        ops.append(PackageOp(manager, prog, "update", (), tuple(options), index))
    ops.append(PackageOp(manager, prog, action, tuple(w for w, _ in pkgs), tuple(options), index, virtual, auto,
                         tuple(p for _, p in pkgs)))
    return ops


_VERSION_SUFFIX = re.compile(r"(?:[=<>~!]=?.*|:[a-z0-9]+)$")


def base_name(pkg: str) -> str:
    """`gcc=4:12.2.0-3` -> gcc, `gcc:amd64` -> gcc, `requests==2.0` -> requests, `@types/x@1` -> @types/x."""
    if pkg.startswith("@"):
        head, _, tail = pkg[1:].partition("@")
        return "@" + head
    name = pkg.split("@", 1)[0] if "@" in pkg and "://" not in pkg else pkg
    name = _VERSION_SUFFIX.sub("", name)
    return name.split("[", 1)[0]
