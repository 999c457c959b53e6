"""Package-manager operations read from the simple commands of a RUN.

Each command is matched against the managers' command lines (options that take a
value are known per manager, so `apt-get -o Dpkg::Options::=x install gcc` finds
gcc and not the option value), and yields one PackageOp per action.
"""

from __future__ import annotations

from .lazyre import LazyRe
from .records import Value, setfield

# Wrappers that run the next word as the command.
# Programs that run the command they are given, and how many operands of their own come before it
# (after their options): privilege and environment (sudo, env A=1, setpriv, runuser, chpst),
# scheduling and limits (nice, ionice, taskset MASK, numactl, timeout DURATION, stdbuf), chroot DIR,
# X for tests (xvfb-run), and user-mode emulation (qemu-arm-static …: _QEMU_USER).  What they run is
# the command (fix review: miniconda-armv7's `qemu-arm-static /usr/bin/env …`).
_WRAPPERS = {"sudo": 0, "env": 0, "nice": 0, "nohup": 0, "command": 0, "exec": 0, "time": 0, "chroot": 1,
             "xargs": 0, "xvfb-run": 0, "ionice": 0, "stdbuf": 0, "chpst": 0, "setpriv": 0, "runuser": 0,
             "numactl": 0, "timeout": 1, "taskset": 1}
_QEMU_USER = LazyRe(r"qemu-[\w.-]+-static")

_PY = LazyRe(r"^(?:.*/)?python(?:\d(?:\.\d+)?)?$")
_PIP = LazyRe(r"^(?:.*/)?pip(?:\d(?:\.\d+)?)?$")


# The substring tests first: most programs are neither, and the patterns then need no compile.
def _is_pip(word: str) -> bool:
    return "pip" in word and _PIP.match(word) is not None


def _is_python(word: str) -> bool:
    return "python" in word and _PY.match(word) is not None


class PackageOp(Value):
    manager: str  # apt apk dnf zypper pip npm yarn pnpm gem
    tool: str  # the program as written: apt-get, yum, pip3, ...
    action: str  # install remove update upgrade clean autoremove dist-clean
    packages: tuple[str, ...]
    options: tuple[str, ...]
    command_index: int  # index into the RUN's commands
    virtual: str | None  # apk --virtual NAME
    auto_remove: bool  # apt-get purge --auto-remove, apk del of a virtual
    positions: tuple[int, ...]  # index of each package word in the command's argv

    __slots__ = _fields = ("manager", "tool", "action", "packages", "options", "command_index",
                           "virtual", "auto_remove", "positions")

    def __init__(self, manager: str, tool: str, action: str, packages: tuple[str, ...],
                 options: tuple[str, ...], command_index: int, virtual: str | None = None,
                 auto_remove: bool = False, positions: tuple[int, ...] = ()) -> None:
        setfield(self, "manager", manager)
        setfield(self, "tool", tool)
        setfield(self, "action", action)
        setfield(self, "packages", packages)
        setfield(self, "options", options)
        setfield(self, "command_index", command_index)
        setfield(self, "virtual", virtual)
        setfield(self, "auto_remove", auto_remove)
        setfield(self, "positions", positions)

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
        operands = _WRAPPERS.get(w, 0 if w.startswith("qemu-") and _QEMU_USER.fullmatch(w) else None)
        if operands is None:
            break
        i += 1
        while i < len(argv) and (argv[i].startswith("-") or ("=" in argv[i] and w == "env")):
            if w in ("nice", "sudo") and argv[i] in ("-n", "-u", "-g") and i + 1 < len(argv):
                i += 1
            i += 1
        i += operands
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
    if _is_pip(prog):
        return _generic("pip", prog, rest, _PIP_ACTIONS, _PIP_VALUE_OPTS, index, base)
    if _is_python(prog) and len(rest) >= 2 and rest[0] == "-m" and _is_pip(rest[1]):
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
    words, options = _words(rest, value_opts)
    if base:
        words = [(w, base + i) for w, i in words]
    virtual = None
    if manager == "apk":  # `-t NAME`, `--virtual NAME`, `--virtual=NAME`: the last one counts
        for o in options:
            if o.startswith(("-t=", "--virtual=")):
                virtual = o.split("=", 1)[1]
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


_VERSION_SUFFIX = LazyRe(r"(?:[=<>~!]=?.*|:[a-z0-9]+)$")


def base_name(pkg: str) -> str:
    """`gcc=4:12.2.0-3` -> gcc, `gcc:amd64` -> gcc, `requests==2.0` -> requests, `@types/x@1` -> @types/x."""
    got = _BASE_NAMES.get(pkg)
    if got is None:
        if len(_BASE_NAMES) >= 8192:  # bounded: a worker lints many files
            _BASE_NAMES.clear()
        got = _BASE_NAMES[pkg] = _base_name(pkg)
    return got


_BASE_NAMES: dict[str, str] = {}  # the rules ask for the same few names thousands of times


def _base_name(pkg: str) -> str:
    if pkg.startswith("@"):
        head, _, tail = pkg[1:].partition("@")
        return "@" + head
    name = pkg.split("@", 1)[0] if "@" in pkg and "://" not in pkg else pkg
    name = _VERSION_SUFFIX.sub("", name)
    return name.split("[", 1)[0]


# ---------------------------------------------------------------------------
# Tools that keep a download cache but that `package_ops` does not report (their packages are
# not the system's): uv's project commands, pipenv, poetry, the conda family, and the cache
# commands of every manager.  Kept apart from `package_ops` so the rules that classify installed
# packages (DKL101, DKL102, the rewrite) see exactly what they saw before.
# ---------------------------------------------------------------------------

_CONDA = frozenset({"conda", "mamba", "micromamba"})
_CONDA_VALUE_OPTS = {"-n", "--name", "-p", "--prefix", "-c", "--channel", "-f", "--file", "--override-channels_",
                     "-r", "--root-prefix", "--repodata-fn", "--experimental-solver", "--solver"}
_UV_VALUE_OPTS = {"--cache-dir", "--python", "-p", "--index-url", "-i", "--extra-index-url", "--find-links",
                  "-f", "--directory", "--project", "--extra", "--group", "--only-group", "--no-group",
                  "--package", "--with", "-w", "--constraint", "-c", "-r", "--requirement", "--target",
                  "--prefix", "--config-file", "--color", "--index", "--default-index", "--link-mode",
                  "--python-platform", "--python-version", "--index-strategy", "--keyring-provider",
                  "--resolution", "--prerelease", "--exclude-newer", "--refresh-package", "--reinstall-package",
                  "--upgrade-package", "-P", "--no-binary-package", "--no-build-package", "--compile-bytecode_"}
_POETRY_VALUE_OPTS = {"--with", "--without", "--only", "-E", "--extras", "-C", "--directory", "-P", "--project",
                      "-G", "--group", "--source", "--python"}
_PIPENV_VALUE_OPTS = {"--python", "--pypi-mirror", "-r", "--requirements", "--categories", "--extra-pip-args"}


def _words(rest: list[str], value_opts: set[str]) -> tuple[list[tuple[str, int]], list[str]]:
    """(positional words with their index in `rest`, options) of a command line."""
    words, options = [], []
    i = 0
    while i < len(rest):
        w = rest[i]
        if w.startswith("-") and len(w) > 1:
            if w in value_opts and i + 1 < len(rest):
                options.append(w + "=" + rest[i + 1])
                i += 2
                continue
            options.append(w)
        else:
            words.append((w, i))
        i += 1
    return words, options


# The programs tool_ops reads (besides pip and `python -m pip`).
_TOOL_PROGRAMS = frozenset({"uv", "pipenv", "poetry", "npm", "yarn", "corepack"}) | _CONDA


def may_manage_packages(prog: str) -> bool:
    """Whether package_ops or tool_ops can find an operation in a command whose program, after
    the wrappers strip_wrappers drops, has base name `prog`: a cheap test that spares both their
    work on the other nine commands in ten."""
    return prog in _MANAGERS or prog in _TOOL_PROGRAMS or _is_pip(prog) or _is_python(prog)


def tool_ops(argv: list[str], index: int) -> list[PackageOp]:
    """Cache-relevant operations of the tools `package_ops` leaves out, for one command line.

    Managers and actions (PackageOp.manager / .action):
      uv       install  `uv sync`, `uv pip sync`, `uv tool install` (`uv pip install` is
                        package_ops' pip op with tool "uv pip"); clean `uv cache clean`,
                        `uv cache prune --ci`
      pipenv   install  `pipenv install|sync`; clean `pipenv --clear`
      poetry   install  `poetry install|add|update`; clean `poetry cache clear`
      conda    install  `conda|mamba|micromamba install|create|update|env create|env update`;
               clean    `… clean` (its options tell what is cleaned: -a, -t, …)
      pip      clean    `pip cache purge` / `pip cache remove` (tool: the pip spelling)
      npm      clean    `npm cache clean|clear` (package_ops only knows `clean`)
      yarn     version  `yarn set version X`, `yarn policies set-version X` (packages: (X,))
      corepack version  `corepack enable|prepare|use|install [yarn@X]` (packages: the words)
    Options are kept as package_ops keeps them ("--cache-dir=/x" for an option with a value).
    """
    full = len(argv)
    argv = strip_wrappers(argv)
    if not argv:
        return []
    prog = argv[0].rsplit("/", 1)[-1]
    rest = argv[1:]
    base = full - len(rest)

    def op(manager, tool, action, words, options, packages=None):
        pk = tuple(w for w, _ in words) if packages is None else tuple(packages)
        pos = tuple(base + p for _, p in words) if packages is None else ()
        return PackageOp(manager, tool, action, pk, tuple(options), index, positions=pos)

    if prog == "uv":
        words, options = _words(rest, _UV_VALUE_OPTS)
        sub = [w for w, _ in words[:2]]
        if sub[:1] == ["sync"]:
            return [op("uv", "uv sync", "install", [], options)]
        if sub == ["pip", "sync"]:
            return [op("uv", "uv pip sync", "install", words[2:], options)]
        if sub == ["tool", "install"]:
            return [op("uv", "uv tool install", "install", words[2:], options)]
        if sub == ["cache", "clean"] or sub == ["cache", "prune"] and "--ci" in options:
            return [op("uv", "uv cache", "clean", [], options)]
        return []
    if prog == "pipenv":
        words, options = _words(rest, _PIPENV_VALUE_OPTS)
        if "--clear" in options and not words:
            return [op("pipenv", "pipenv", "clean", [], options)]
        if words[:1] and words[0][0] in ("install", "sync"):
            return [op("pipenv", "pipenv", "install", words[1:], options)]
        return []
    if prog == "poetry":
        words, options = _words(rest, _POETRY_VALUE_OPTS)
        sub = words[0][0] if words else None
        if sub in ("install", "add", "update"):
            return [op("poetry", "poetry", "install", words[1:], options)]
        if sub == "cache" and words[1:2] and words[1][0] == "clear":
            return [op("poetry", "poetry", "clean", [], options)]
        return []
    if prog in _CONDA:
        words, options = _words(rest, _CONDA_VALUE_OPTS)
        sub = [w for w, _ in words[:2]]
        if sub[:1] in (["install"], ["create"], ["update"], ["upgrade"]):
            return [op("conda", prog, "install", words[1:], options)]
        if sub in (["env", "create"], ["env", "update"]):
            return [op("conda", prog, "install", words[2:], options)]
        if sub[:1] == ["clean"]:
            return [op("conda", prog, "clean", [], options)]
        return []
    if _is_pip(prog) or _is_python(prog) and rest[:1] == ["-m"] and len(rest) > 1 and _is_pip(rest[1]):
        tail = rest if _is_pip(prog) else rest[2:]
        words, options = _words(tail, _PIP_VALUE_OPTS)
        if [w for w, _ in words[:2]] in (["cache", "purge"], ["cache", "remove"]):
            return [op("pip", prog, "clean", [], options)]
        return []
    if prog == "npm":
        words, options = _words(rest, _NPM_VALUE_OPTS)
        if [w for w, _ in words[:2]] == ["cache", "clear"]:
            return [op("npm", "npm", "clean", [], options)]
        return []
    if prog == "yarn":
        words, options = _words(rest, _NPM_VALUE_OPTS)
        sub = [w for w, _ in words]
        if sub[:2] == ["set", "version"] and len(sub) > 2:
            return [op("yarn", "yarn", "version", [], options, [sub[2]])]
        if sub[:2] == ["policies", "set-version"]:
            return [op("yarn", "yarn", "version", [], options, sub[2:3] or ["latest"])]
        return []
    if prog == "corepack":
        words, options = _words(rest, set())
        sub = [w for w, _ in words]
        if sub[:1] and sub[0] in ("enable", "prepare", "use", "install", "yarn"):
            return [op("corepack", "corepack", "version", [], options, sub)]
        return []
    return []
