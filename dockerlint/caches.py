"""Package-manager caches through the layers of a build: which RUN writes which cache, and
whether it is gone when the RUN ends.

Part of the model, like aptlists.py for apt's lists.  A package manager that downloads
keeps what it downloaded (apk's index, dnf's and zypper's repository metadata, pip's, uv's,
poetry's, npm's, yarn's and conda's downloaded archives, pnpm's store) in a cache directory.
The layer keeps whatever is in that directory when its RUN ends, so the rules DKL203-DKL208
ask one question per RUN and manager: "does this RUN write the cache and leave it?".  It does
not when

- the command turns the cache off (`apk add --no-cache`, `pip install --no-cache-dir`,
  `PIP_NO_CACHE_DIR` set to any value, `uv … --no-cache`, `UV_NO_CACHE`, `poetry … --no-cache`);
- a removal or the manager's own clean command runs *after* the last command that wrote it, in
  the same RUN (a clean placed before the install, or in a later RUN, leaves the bytes in the
  layer);
- a cache or tmpfs mount covers the cache directory.

Where each cache is comes from rules/knowledge/caches.toml (with why), resolved for the RUN's
user and environment (HOME, XDG_CACHE_HOME, PIP_CACHE_DIR, …, and `--cache-dir`-style options).
Removals are matched leniently: `rm -rf /home/app/.cache` counts for pip's cache whoever's home
it is, because a removal dockerlint wrongly ignores is a false alarm.

``cache_uses(run)`` is the entry point; ``CacheUse`` says what was found.  ``measured_mb``
gives the size at stake where it was measured (rules/knowledge/cache_sizes.toml).
"""

from __future__ import annotations

import fnmatch
import functools
import re

from .lazyre import LazyRe
from .packages import PackageOp
from .records import Value, setfield

# The rule that reports each manager.
RULES = {"apk": "DKL203", "dnf": "DKL204", "zypper": "DKL205", "pip": "DKL206", "uv": "DKL206",
         "poetry": "DKL206", "pipenv": "DKL206", "npm": "DKL207", "yarn": "DKL207", "pnpm": "DKL207",
         "conda": "DKL208"}

# dnf-family cache directories. yum (EL7) keeps /var/cache/yum; dnf 4 (Fedora 22+, EL8/9, where
# `yum` is dnf) /var/cache/dnf; dnf5 (Fedora 41+) /var/cache/libdnf5; microdnf (UBI minimal)
# /var/cache/yum; tdnf /var/cache/tdnf.  Which one a tool uses depends on the image, which
# dockerlint rarely knows: a removal of any of them counts (a miss rather than a false alarm).
_DNF_DIRS = {"yum": "/var/cache/yum", "dnf": "/var/cache/dnf", "microdnf": "/var/cache/yum",
             "tdnf": "/var/cache/tdnf"}
_DNF_FAMILY = ("/var/cache/dnf", "/var/cache/yum", "/var/cache/libdnf5", "/var/cache/tdnf")
_DNF_TOOLS = frozenset(_DNF_DIRS)
_CONDA_TOOLS = frozenset({"conda", "mamba", "micromamba"})
_RM = frozenset({"rm"})
_TRUE_OFF = frozenset({"0", "false", "no", "off", "n", "f", ""})  # uv reads these as "cache on"


class CacheUse(Value):
    """What one RUN does with one package manager's cache.

    manager: apk | dnf | zypper | pip | uv | poetry | pipenv | npm | yarn | pnpm | conda.
    writers: (SimpleCommand, PackageOp) pairs, in order, of the commands that leave files in
      the cache (an install with the cache on).
    dirs: where the cache is for this RUN's user and environment, the main directory first.
    removed_by: the command that removes or cleans the cache after the last writer (None: none).
    cached: a cache or tmpfs mount covers the cache directory, so nothing stays in the layer.
    """

    manager: str
    writers: tuple
    dirs: tuple[str, ...]
    removed_by: object
    cached: bool

    __slots__ = _fields = ("manager", "writers", "dirs", "removed_by", "cached")

    def __init__(self, manager: str, writers: tuple, dirs: tuple[str, ...],
                 removed_by: object = None, cached: bool = False) -> None:
        setfield(self, "manager", manager)
        setfield(self, "writers", writers)
        setfield(self, "dirs", dirs)
        setfield(self, "removed_by", removed_by)
        setfield(self, "cached", cached)

    @property
    def left(self) -> bool:
        """The cache this RUN wrote is still in its layer when the RUN ends."""
        return bool(self.writers) and self.removed_by is None and not self.cached

    @property
    def rule(self) -> str:
        return RULES[self.manager]


# ---------------------------------------------------------------------------
# Who runs the RUN, with which environment
# ---------------------------------------------------------------------------

def _stage_facts(stage) -> dict:
    """Facts about a stage's instructions that the RUNs ask for in order, computed once per
    stage so that a file with thousands of RUNs stays linear:
    users: id(RUN instruction) -> the user it runs as; end_user: the user after the stage;
    pip_conf / berry: index (in stage.instructions) of the first instruction from which pip is
    configured by a file / Yarn Berry may be in use, or -1 when the parent stage already did,
    or None."""
    got = getattr(stage, "_cache_facts", None)
    if got is not None:
        return got
    parent = _stage_facts(stage.parent) if stage.parent is not None else None
    if parent is not None:
        user = parent["end_user"]
    else:
        img = stage.image
        user = img.user if img is not None and img.user else "root"
    pip_conf = -1 if parent is not None and parent["pip_conf"] is not None else None
    berry = -1 if parent is not None and parent["berry"] is not None else None
    runs = {id(r.instruction): r for r in stage.runs}
    users = {}
    for k, ins in enumerate(stage.instructions):
        kw = ins.keyword
        if kw == "USER" and ins.args:
            user = ins.args[0].text
        elif kw in ("COPY", "ADD"):
            words = [w.text for w in ins.args]
            if pip_conf is None and any(w.rstrip("/").endswith(("pip.conf", "pip.ini")) for w in words):
                pip_conf = k
            if berry is None and any(".yarnrc.yml" in w or w.rstrip("/").endswith(".yarn") or "/.yarn/" in w
                                     for w in words):
                berry = k
        elif kw == "RUN":
            users[id(ins)] = user
            text = ins.rest + "".join(h.body for h in ins.heredocs)
            if pip_conf is None and "no-cache-dir" in text and ("pip.conf" in text or "config" in text):
                pip_conf = k
            if berry is None and ("yarn" in text or "corepack" in text) and _berry_commands(runs[id(ins)]):
                berry = k
    facts = {"users": users, "end_user": user, "pip_conf": pip_conf, "berry": berry,
             "pos": {id(ins): k for k, ins in enumerate(stage.instructions)}}
    stage._cache_facts = facts
    return facts


def _from_here(run, key: str) -> bool:
    """Whether the stage fact `key` (pip_conf, berry) holds at `run` (set by it or before it)."""
    facts = _stage_facts(run.stage)
    at = facts[key]
    return at is not None and at <= facts["pos"][id(run.instruction)]


def user_at(run) -> str:
    """The user a RUN runs as: the last USER before it in its stage's lineage, else the base
    image's user (images.toml), else root."""
    user = _stage_facts(run.stage)["users"].get(id(run.instruction)) or "root"
    return user.split(":", 1)[0] or "root"


def _is_root(user: str) -> bool:
    return user in ("root", "0")


def base_env(run) -> dict:
    """The variables in scope for `run`: the base image's ENV (where known), then ARG/ENV."""
    env: dict = {}
    img = run.stage.root_image
    if img is not None and img.env:
        env.update(img.env)
    env.update(run.env)
    return env


def _home(user: str, env: dict) -> str:
    home = env.get("HOME")
    if home:
        return home.rstrip("/") or "/"
    return "/root" if _is_root(user) else f"/home/{user}"


# ---------------------------------------------------------------------------
# Where each cache is
# ---------------------------------------------------------------------------

def _opt(op: PackageOp, *names: str) -> str | None:
    for o in op.options:
        k, eq, v = o.partition("=")
        if k in names and eq:
            return v
    return None


def _xdg(env: dict, home: str) -> str:
    return (env.get("XDG_CACHE_HOME") or f"{home}/.cache").rstrip("/")


def cache_dirs(manager: str, tool: str, op: PackageOp | None, env: dict, user: str) -> tuple[str, ...]:
    """Where `manager`'s cache is for this user and environment, main directory first.

    Sources: rules/knowledge/caches.toml (why for each), and each tool's documented override:
    pip --cache-dir / PIP_CACHE_DIR, uv --cache-dir / UV_CACHE_DIR, POETRY_CACHE_DIR,
    PIPENV_CACHE_DIR, npm --cache / npm_config_cache, yarn --cache-folder / YARN_CACHE_FOLDER,
    pnpm --store-dir / npm_config_store_dir / PNPM_HOME, CONDA_PKGS_DIRS; XDG_CACHE_HOME and HOME.
    """
    home = _home(user, env)
    xdg = _xdg(env, home)
    if manager == "apk":
        return ("/var/cache/apk", "/etc/apk/cache")
    if manager == "dnf":
        own = _DNF_DIRS.get(tool, "/var/cache/dnf")
        return (own,) + tuple(d for d in _DNF_FAMILY if d != own)
    if manager == "zypper":
        return ("/var/cache/zypp",)
    if manager == "pip":
        d = (op and _opt(op, "--cache-dir")) or env.get("PIP_CACHE_DIR") or f"{xdg}/pip"
        return (d.rstrip("/"),)
    if manager == "uv":
        d = (op and _opt(op, "--cache-dir")) or env.get("UV_CACHE_DIR") or f"{xdg}/uv"
        return (d.rstrip("/"),)
    if manager == "poetry":
        d = env.get("POETRY_CACHE_DIR") or f"{xdg}/pypoetry"
        return (d.rstrip("/"),)
    if manager == "pipenv":
        pip = env.get("PIP_CACHE_DIR") or f"{xdg}/pip"
        return (pip.rstrip("/"), (env.get("PIPENV_CACHE_DIR") or f"{xdg}/pipenv").rstrip("/"))
    if manager == "npm":
        d = (op and _opt(op, "--cache")) or env.get("npm_config_cache") or env.get("NPM_CONFIG_CACHE") \
            or f"{home}/.npm"
        return (d.rstrip("/"),)
    if manager == "yarn":
        d = (op and _opt(op, "--cache-folder")) or env.get("YARN_CACHE_FOLDER")
        if not d:
            # Yarn 1 run as root uses /usr/local/share/.cache/yarn (its getCacheDir); others XDG.
            d = "/usr/local/share/.cache/yarn" if _is_root(user) and not env.get("XDG_CACHE_HOME") else f"{xdg}/yarn"
        return (d.rstrip("/"),)
    if manager == "pnpm":
        d = (op and _opt(op, "--store-dir")) or env.get("npm_config_store_dir") or env.get("NPM_CONFIG_STORE_DIR")
        if not d:
            d = f"{env['PNPM_HOME']}/store" if env.get("PNPM_HOME") else \
                f"{(env.get('XDG_DATA_HOME') or home + '/.local/share').rstrip('/')}/pnpm/store"
        return (d.rstrip("/"), f"{xdg}/pnpm")
    if manager == "conda":
        pk = env.get("CONDA_PKGS_DIRS")
        if pk:
            return tuple(p.strip().rstrip("/") for p in pk.split(",") if p.strip())
        return (f"{conda_root(tool, op, env)}/pkgs", f"{home}/.conda/pkgs")
    return ()


def conda_root(tool: str, op: PackageOp | None, env: dict) -> str:
    """The conda installation whose pkgs/ holds the downloads: MAMBA_ROOT_PREFIX (micromamba),
    CONDA_DIR, the tool's own path (/opt/miniconda/bin/conda -> /opt/miniconda), the first PATH
    entry that is a conda installation's bin/ (`ENV PATH=/root/miniconda3/bin:$PATH`, where the
    installer's `-b` without `-p` puts it), else /opt/conda (continuumio/miniconda3,
    condaforge/miniforge3 and mambaorg/micromamba put it there).  "<conda root>" when conda
    comes from pyenv's shims, whose version directory is not known."""
    if tool.endswith("micromamba") and env.get("MAMBA_ROOT_PREFIX"):
        return env["MAMBA_ROOT_PREFIX"].rstrip("/")
    if env.get("CONDA_DIR"):
        return env["CONDA_DIR"].rstrip("/")
    if "/bin/" in tool:
        return tool.rsplit("/bin/", 1)[0] or "/"
    for entry in (env.get("PATH") or "").split(":"):
        entry = entry.rstrip("/")
        if entry.endswith("/bin") and _CONDA_DIR_NAME.search(entry[:-4]):
            return entry[:-4]
        if entry.endswith("/.pyenv/shims") or entry.endswith("pyenv/shims"):
            return "<conda root>"
    return "/opt/conda"


# A directory name that says it is a conda installation: /root/miniconda3, /usr/local/miniconda,
# /opt/anaconda, /opt/miniforge3, /opt/mambaforge, /opt/conda, /root/.conda.
_CONDA_DIR_NAME = LazyRe(r"(conda|mamba|miniforge)[^/]*$", re.I)


# ---------------------------------------------------------------------------
# Removals
# ---------------------------------------------------------------------------

_GLOB = LazyRe(r"[*?\[]")


def covers(path: str, target: str) -> bool:
    """Whether removing `path` (as `rm -rf` gets it, globs included) removes what is in `target`."""
    p = path.rstrip("/") or "/"
    t = target.rstrip("/") or "/"
    if p in ("/*", "/"):
        return False  # `rm -rf /*` is not a cleanup anyone writes on purpose; don't guess
    for suffix in ("/*", "/.*", "/{*,.*}", "/**"):
        if p.endswith(suffix):
            p = p[: -len(suffix)] or "/"
            return t == p or t.startswith(p + "/") or _glob_covers(p, t)
    if _GLOB.search(p):
        return _glob_covers(p, t)
    return t == p or t.startswith(p + "/")


def _glob_covers(pattern: str, target: str) -> bool:
    parts = target.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:k]), pattern) for k in range(2, len(parts) + 1))


def _home_relative(d: str, home: str) -> str | None:
    """`.cache/pip` for `/root/.cache/pip` when home is /root: the part any home would share."""
    if home and home != "/" and d.startswith(home + "/"):
        return d[len(home) + 1:]
    return None


def removes(path: str, dirs: tuple[str, ...], home: str) -> bool:
    """Whether removing `path` removes the cache in `dirs`: exactly, or the same directory
    under another home (`rm -rf /home/app/.cache/pip` when dockerlint took the home for
    /home/<user>), or a conda `pkgs` directory of another installation."""
    p = _tilde(path, home)
    for d in dirs:
        if covers(p, d):
            return True
        rel = _home_relative(d, home)
        if rel is not None and "/." in p:
            other = p[: p.index("/.")] + "/" + rel
            if covers(p, other):
                return True
        if d.endswith("/pkgs") and "/pkgs" in p:
            other = p[: p.index("/pkgs")] + "/pkgs"
            if covers(p, other):
                return True
    return False


def _tilde(path: str, home: str) -> str:
    for pre in ("~/", "$HOME/", "${HOME}/"):
        if path.startswith(pre):
            return home.rstrip("/") + "/" + path[len(pre):]
    if path in ("~", "$HOME", "${HOME}"):
        return home
    return path


def removed_paths(cmd) -> list[str]:
    """Paths a command deletes: `rm` operands, `find DIR … -delete|-exec rm`."""
    argv = cmd.argv
    if not argv:
        return []
    name = argv[0].rsplit("/", 1)[-1]
    if name in _RM:
        return [a for a in argv[1:] if not a.startswith("-")]
    if name == "find" and len(argv) > 2 and ("-delete" in argv or "-exec" in argv and "rm" in argv):
        out = []
        for a in argv[1:]:
            if a.startswith(("-", "(", "!")):
                break
            out.append(a)
        if any(a in ("-name", "-iname", "-path", "-type", "-mtime", "-newer") for a in argv):
            return []  # a filtered find removes some files, not the cache
        return out
    return []


def _short_flags(options) -> str:
    return "".join(o[1:] for o in options if o.startswith("-") and not o.startswith("--"))


def _cleans(manager: str, op: PackageOp, cmd) -> bool:
    """Whether `op` is the manager's own clean command that empties its cache."""
    if op.action != "clean":
        return False
    if manager == "dnf":
        return "all" in cmd.argv[1:]
    if manager == "conda":
        flags = _short_flags(op.options)
        return "a" in flags or "t" in flags or any(o in ("--all", "--tarballs") for o in op.options)
    return True  # apk's `cache clean` is filtered out by the caller


# ---------------------------------------------------------------------------
# Settings that turn a cache off
# ---------------------------------------------------------------------------

def _pip_config_off(run) -> bool:
    """An earlier instruction of the lineage (or this RUN) configures pip through a file:
    `pip config set global.no-cache-dir …`, a RUN writing `no-cache-dir` into a pip.conf, a COPY
    or ADD of a pip.conf/pip.ini (its contents are not seen), or PIP_CONFIG_FILE in scope."""
    return "PIP_CONFIG_FILE" in run.env or _from_here(run, "pip_conf")


def yarn_berry(run) -> bool:
    """Yarn 2+ (Berry) may be what `yarn` runs here: `yarn set version`/`policies set-version` to
    anything but 1.x or classic, corepack (the project's packageManager decides), a copied
    .yarnrc.yml or .yarn directory, Berry-only settings (YARN_NODE_LINKER, YARN_ENABLE_*) or
    flags (`--immutable`, `workspaces focus`, `dlx`).  Berry with Plug'n'Play installs *into* its
    cache, so DKL207 never reports it."""
    env = base_env(run)
    if any(k == "YARN_NODE_LINKER" or k.startswith("YARN_ENABLE_") or k == "YARN_GLOBAL_FOLDER" for k in env):
        return True
    return _from_here(run, "berry")


def _berry_commands(run) -> bool:
    for c in run.commands:
        if c.in_substitution or not c.argv:
            continue
        for op in c.tool_ops:
            if op.manager == "corepack":
                return True
            if op.manager == "yarn" and op.action == "version":
                v = op.packages[0].lower() if op.packages else ""
                if not (v.startswith("1") or v in ("classic", "1.x")):
                    return True
        if c.name == "yarn" and ("--immutable" in c.argv or c.argv[1:3] == ("workspaces", "focus")
                                 or c.argv[1:2] == ("dlx",)):
            return True
    return False


def _uv_off(value) -> bool:
    """UV_NO_CACHE's value turns the cache off: uv reads 1/true/yes/on as on; an unknown value
    (an ARG without default) is taken as off, so no finding."""
    return value is None or str(value).strip().lower() not in _TRUE_OFF


# ---------------------------------------------------------------------------
# One RUN
# ---------------------------------------------------------------------------

def _ops(cmd) -> tuple[PackageOp, ...]:
    return cmd.package_ops + cmd.tool_ops


def _manager(op: PackageOp) -> str:
    if op.manager == "pip" and op.tool.startswith("uv"):
        return "uv"
    return op.manager


def _pip_home_not_roots(op: PackageOp, cmd, env: dict, run) -> bool:
    """Whether pip runs as root with HOME at the home the base image made for its own user
    (jupyter/*-notebook: HOME=/home/jovyan, USER root for an install): pip turns its cache off
    when the cache folder or its nearest existing parent is not owned by root ("The directory
    … is not owned or is not writable by the current user. The cache has been disabled":
    pip/_internal/cli/base_command.py, utils/filesystem.py check_path_owner). Seed-13 review,
    alanchalk/aml_2019."""
    img = run.stage.root_image
    home = env.get("HOME")
    if img is None or not home or home.rstrip("/") in ("", "/root") or _is_root(img.user or "root"):
        return False
    if op.has_option("--cache-dir") or env.get("PIP_CACHE_DIR") or env.get("XDG_CACHE_HOME"):
        return False
    if img.env.get("HOME") != home:
        return False  # a HOME of this Dockerfile's: whose folder it is, is not known
    who = _sudo_user(cmd) or user_at(run)
    return _is_root(who)


def yum_is_dnf(image) -> bool:
    """Whether `yum` on `image` is dnf (its cache /var/cache/dnf): caches.toml [[yum_is_dnf]], by
    the image's name and the first number of its tag (`centos:7`, `centos:centos8`; untagged or
    `latest`: what that means today). False for images and tags it does not name."""
    if image is None or not image.name:
        return False
    from .knowledge import load_table

    name = image.name.lower()
    entry = next((e for e in load_table("caches").get("yum_is_dnf", ()) if name in e["names"]), None)
    if entry is None:
        return False
    tag = (image.tag or "latest").lower()
    if tag == "latest":
        return entry["latest"] >= entry["since"]
    m = re.search(r"\d+", tag)
    return m is not None and int(m.group()) >= entry["since"]


def _writes(manager: str, op: PackageOp, cmd, env: dict, run) -> bool:
    """Whether this operation leaves files in its manager's cache."""
    a = op.action
    if manager == "apk":
        if a not in ("install", "update", "upgrade"):
            return False
        # --no-network installs from what is already there (the docker-library images'
        # `apk add --no-network --virtual .rundeps $runDeps`): nothing is fetched or written
        return not op.has_option("--no-cache", "--no-network")
    if manager in ("dnf", "zypper"):
        return a in ("install", "update", "upgrade") and not op.has_option("--downloadonly")
    if manager == "pip":
        if a != "install" or op.has_option("--no-cache-dir", "--no-index") or _local_wheels_only(op, cmd):
            return False
        return "PIP_NO_CACHE_DIR" not in env and not _pip_config_off(run) and not _pip_home_not_roots(op, cmd, env, run)
    if manager == "uv":
        # uv takes pip's --no-cache-dir as an alias of --no-cache
        if a != "install" or op.has_option("--no-cache", "-n", "--no-cache-dir", "--offline") \
                or _local_wheels_only(op, cmd):
            return False
        return "UV_NO_CACHE" not in env or not _uv_off(env["UV_NO_CACHE"])
    if manager == "poetry":
        return a == "install" and "--no-cache" not in cmd.argv
    if manager == "pipenv":
        return a == "install" and "PIP_NO_CACHE_DIR" not in env
    if manager == "npm":
        return a == "install" and not op.has_option("--offline") and op.tool == "npm"
    if manager == "yarn":
        if not op.packages and "install" not in cmd.argv and "add" not in cmd.argv and \
                op.has_option("--version", "-v", "-V", "--help", "-h"):
            return False  # `yarn --version`: bare `yarn` installs, but not with these
        return a == "install" and not op.has_option("--offline")
    if manager == "pnpm":
        return a == "install" and not op.has_option("--offline")
    if manager == "conda":
        return a == "install" and not op.has_option("--offline", "--dry-run", "-d")
    return False


_WHEEL = LazyRe(r"\.(whl|tar\.gz|zip)$")


def _local_wheels_only(op: PackageOp, cmd) -> bool:
    """`pip install /wheels/*.whl` (or with --no-deps / --find-links): installs archives already
    on disk, typically every dependency built by an earlier stage, so nothing is downloaded; pip
    does not cache local archives, and uv's copy of them is hard-linked into the install."""
    pk = op.packages
    if not pk or not all(p.startswith(("/", "./", "../")) and _WHEEL.search(p) for p in pk):
        return False
    raw = " ".join(cmd.raw_argv)
    return "*" in raw or op.has_option("--no-deps", "--find-links", "-f")


# Managers and the image families that cannot have them (images.toml `family`): an `apk add`
# in a Debian stage is an OS-detection branch that never runs there.
_NOT_ON = {"apk": frozenset({"debian", "rhel", "suse", "windows", "distroless", "scratch"}),
           "dnf": frozenset({"debian", "alpine", "suse", "windows", "distroless", "scratch", "busybox"}),
           "zypper": frozenset({"debian", "alpine", "rhel", "windows", "distroless", "scratch", "busybox"})}
# A script or function the RUN calls after the install whose name says it cleans up
# (`clean`, `cleanup.sh`, `/usr/local/bin/clean-layer.sh`): what it removes is not seen, and
# reporting such a RUN would be a guess.
_CLEAN_SCRIPT = LazyRe(r"clean", re.I)


def _cleanup_script(cmd) -> bool:
    name = cmd.name
    if not name or name in RULES or name in _DNF_TOOLS or name in _CONDA_TOOLS or name in (
            "apt-get", "apt", "pip", "pip3", "npm", "yarn", "pnpm", "uv", "poetry", "pipenv", "zypper", "apk"):
        return False
    return bool(_CLEAN_SCRIPT.search(name))


def _sudo_user(cmd) -> str | None:
    """The user `sudo -u NAME …` runs the command as (None: not sudo, or no -u)."""
    raw = cmd.raw_argv
    if not raw or raw[0].rsplit("/", 1)[-1] != "sudo":
        return None
    for k, w in enumerate(raw[1:], 1):
        if w in ("-u", "--user") and k + 1 < len(raw):
            return raw[k + 1]
        if w.startswith("--user="):
            return w.split("=", 1)[1]
        if not w.startswith("-"):
            break
    return "root"


def cache_uses(run) -> tuple[CacheUse, ...]:
    """Every package-manager cache `run` writes, one CacheUse per manager, in order of first
    write; cached per RUN.  Linear in the RUN's commands."""
    got = getattr(run, "_cache_uses", None)
    if got is not None:
        return got
    env = base_env(run)
    user = user_at(run)
    home = _home(user, env)
    img = run.stage.root_image
    writers: dict[str, list] = {}
    dirs: dict[str, tuple[str, ...]] = {}
    cleans: list = []  # (cmd, managers it empties), in order
    removals: list = []  # (cmd, paths), in order; matched against each cache's dirs at the end
    for c in run.commands:
        if c.in_substitution:
            continue
        sh = c.shell
        top = sh is None or not (sh.in_subshell or sh.in_pipeline or sh.in_function)
        if not c.argv:
            if top:
                for name, value in c.assignments:
                    env[name] = None if c.conditional or "$" in value else value
            continue
        cenv = env
        if c.assignments:
            cenv = dict(env)
            cenv.update(dict(c.assignments))
        if c.argv[0] in ("export", "declare", "typeset", "readonly") and top:
            for a in c.argv[1:]:
                n, eq, v = a.partition("=")
                if eq and n.isidentifier():
                    env[n] = None if c.conditional else v
            continue
        paths = removed_paths(c)
        if paths:
            removals.append((c, paths))
            continue
        if _cleanup_script(c):
            cleans.append((c, tuple(RULES)))
            continue
        family = img.family if img is not None else None
        for op in _ops(c):
            m = _manager(op)
            if m not in RULES or family in _NOT_ON.get(m, ()):
                continue
            if op.action == "clean":
                if m != "apk" and _cleans(m, op, c):  # `apk cache clean` keeps the index
                    cleans.append((c, _clean_targets(m)))
                continue
            if _writes(m, op, c, cenv, run):
                if m not in writers:
                    writers[m] = []
                    who = _sudo_user(c) or user
                    denv = cenv if who == user else {k: v for k, v in cenv.items() if k != "HOME"}
                    # conda's location follows the program as written (/anaconda/bin/conda)
                    tool = c.argv[0] if m == "conda" and "/" in c.argv[0] else op.tool
                    if tool == "yum" and yum_is_dnf(img):
                        tool = "dnf"  # its cache is dnf's (CentOS 8: fix review seed 13, DKL204 wording)
                    dirs[m] = cache_dirs(m, tool, op, denv, who)
                writers[m].append((c, op))
    out = []
    for m, ws in writers.items():
        last = ws[-1][0].index
        d = dirs[m]
        by = next((cc for cc, ms in cleans if m in ms and cc.index > last), None)
        if by is None:
            by = next((rc for rc, rp in removals if rc.index > last and any(removes(p, d, home) for p in rp)), None)
        cached = any(run.is_cached(x) for x in _mount_targets(m, d))
        out.append(CacheUse(m, tuple(ws), d, by, cached))
    res = tuple(out)
    run._cache_uses = res
    return res


def _clean_targets(manager: str) -> tuple[str, ...]:
    """The managers whose cache a clean command of `manager` empties (pipenv --clear clears
    pip's too)."""
    if manager == "pipenv":
        return ("pipenv", "pip")
    if manager == "pip":
        return ("pip", "pipenv")
    return (manager,)


def _mount_targets(manager: str, dirs: tuple[str, ...]) -> tuple[str, ...]:
    """Paths that, covered by a cache mount, keep the cache out of the layer: the cache's own
    directory (apk: either of its two), or for npm the _cacache inside it (where the bulk is)."""
    if manager == "apk":
        return dirs
    if manager == "npm":
        return (dirs[0] + "/_cacache",)
    return dirs[:1]


def left_in_shipped(model, manager_set) -> list:
    """(run, CacheUse) for every RUN of a shipped stage that leaves the cache of one of
    `manager_set`, in file order."""
    out = []
    for stage in model.shipped:
        for run in stage.runs:
            if run.shell_kind not in ("posix",) and not run.instruction.json:
                continue
            for use in cache_uses(run):
                if use.manager in manager_set and use.left:
                    out.append((run, use))
    return out


# ---------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------

@functools.cache
def _sizes() -> dict:
    from .knowledge import load_table

    try:
        return load_table("cache_sizes")
    except FileNotFoundError:
        return {}


def sizes_meta() -> dict:
    """How the sizes were measured: date, tool versions, method (cache_sizes.toml [meta])."""
    return _sizes().get("meta", {})


def measured_mb(use) -> tuple[float, str] | None:
    """(MB at stake, what it was measured for) for a CacheUse, or None when not known.

    Known only where cache_sizes.toml has a measurement for every package the RUN names
    (requirement files, `.`, lock files and URLs make it unknown), for pip, uv, npm, yarn and
    pnpm.  For uv and pnpm the figure is what the layer really loses: their caches are
    hard-linked into the installed packages, so only the cache's other files count."""
    table = _sizes()
    rows = table.get(use.manager)
    if not rows:
        return None
    names: list[str] = []
    for cmd, op in use.writers:
        pk = [p for p in op.packages]
        if not pk or any(o.split("=", 1)[0] in ("-r", "--requirement", "-e", "--editable", "-c", "--constraint")
                         for o in op.options):
            return None
        for p in pk:
            name = _dist_name(use.manager, p)
            if name is None or name not in rows:
                return None
            names.append(name)
    names = list(dict.fromkeys(names))
    # a package another named one depends on is in that one's figure already
    deps = {n: set(rows[n].get("deps", ())) for n in names}
    top = [n for n in names if not any(n in deps[m] for m in names if m != n)]
    total = sum(float(rows[n]["mb"]) for n in top)
    if total <= 0:
        return None
    return round(total, 1), "measured for " + _join(top) + ("" if len(top) > 1 or not deps[top[0]] else
                                                            " and its dependencies")


_PIN = LazyRe(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:(>=|>|~=|<|<=|!=)[^=].*)?$")


def _dist_name(manager: str, word: str) -> str | None:
    """The package a word names, when the measurement stands for it: no exact pin to another
    version (`flask==0.12` is not today's flask), no path, URL or archive."""
    if "/" in word and not word.startswith("@") or word.startswith((".", "-")) or "://" in word:
        return None
    if manager in ("pip", "uv", "pipenv", "poetry"):
        m = _PIN.match(word)
        if not m:
            return None
        return re.sub(r"[-_.]+", "-", m.group(1)).lower()
    if manager in ("npm", "yarn", "pnpm"):
        if word.startswith("@"):
            head, _, ver = word[1:].partition("@")
            name = "@" + head
        else:
            name, _, ver = word.partition("@")
        if ver and ver not in ("latest",) and not ver.startswith("^") and not ver.startswith(">="):
            return None
        return name.lower()
    return None


def _join(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
