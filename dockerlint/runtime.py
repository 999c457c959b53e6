"""What a stage runs when its container starts, and so what the image is for.

Part of the model.  `CMD`/`ENTRYPOINT`/`HEALTHCHECK` are taken from the stage, else from
the stage it is built on (`FROM <stage>`), else from the base image's own (the image
facts in rules/knowledge/images.toml): `FROM postgres:16` then `make install` of an
extension still runs `postgres`.  Setting `ENTRYPOINT` clears a `CMD` inherited from a
base (BuildKit's dispatchEntrypoint), but not one set earlier in the same stage.

`purpose(stage)` answers the question DKL101 and DKL102 turn on: is this image an
application (its toolchain and build-only packages are waste), or a build or
development environment (a toolchain, CI agent, builder or dev-server image, where
they are the point)?
"""

from __future__ import annotations

import re

from .lazyre import LazyRe
from .records import Value, setfield

SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "fish", "ksh", "pwsh", "powershell", "cmd", "busybox",
                    "tcsh", "csh", "mksh", "xonsh", "nu", "elvish", "arsh", "osh", "ysh"})
# Programs that are toolchains or build tools: an image whose CMD runs one of these builds.
BUILD_PROGRAMS = frozenset({"go", "cargo", "rustc", "make", "cmake", "gcc", "g++", "cc", "clang", "mvn", "mvnw",
                            "gradle", "gradlew", "javac", "ninja", "bazel", "bazelisk", "ghc", "cabal", "stack",
                            "rustup", "tsc", "webpack", "rollup", "vite", "esbuild", "sbt", "activator", "lein",
                            "ant", "buildozer", "pyinstaller", "goreleaser", "hugo", "jekyll", "mkdocs", "sphinx-build",
                            "latexmk", "pdflatex", "xelatex", "pandoc", "packer", "terraform", "ansible-playbook",
                            "dotnet", "msbuild", "nuget", "gulp", "grunt", "bower", "yarn", "npm", "pnpm", "npx",
                            "composer", "bundle", "rake", "pip", "pip3", "poetry", "tox", "nox", "pytest",
                            # package builders (seed-5 review: ENTRYPOINT rpmbuild, ENTRYPOINT fpm)
                            "rpmbuild", "fpm", "dpkg-buildpackage", "debuild", "abuild", "makepkg", "nfpm",
                            "mock"})
# Programs that compile the application when the container starts (`mix phx.server`, `go run`),
# with the compilers of the image: what a full language image carries is then in use.
COMPILES_AT_START = frozenset({"mix", "rebar3", "iex", "go", "cargo", "node-gyp", "make", "cmake"})
# `<program> <verb>` that is an application start, not a build, for programs above.
APP_VERBS = {
    "npm": {"start"}, "yarn": {"start"}, "pnpm": {"start"}, "hugo": set(), "bundle": {"exec"},
    "composer": set(), "rake": set(),
}
# Dev servers: the toolchain is used at run time, so the image is a development environment.
DEV_SERVER_ARGS = {
    "npm": {"dev", "watch", "serve", "test", "ci"}, "yarn": {"dev", "watch", "serve", "test", "ci"},
    "pnpm": {"dev", "watch", "serve", "test", "ci"},
    "ng": {"serve"}, "vue-cli-service": {"serve"}, "react-scripts": {"start"}, "gatsby": {"develop"},
    "next": {"dev"}, "nuxt": {"dev"}, "hugo": {"server", "serve"}, "jekyll": {"serve", "s"},
    "mkdocs": {"serve"}, "gulp": {"watch", "serve", "default"}, "grunt": {"watch", "serve"},
    "sbt": {"run", "~run", "~reStart"}, "activator": {"run", "~run"}, "lein": {"run", "ring"},
    "go": {"run"}, "cargo": {"run", "watch"}, "dotnet": {"run", "watch"}, "mvn": {"spring-boot:run", "jetty:run"},
    "gradle": {"bootRun", "run"}, "gradlew": {"bootRun", "run"}, "mvnw": {"spring-boot:run"},
    "mix": {"phx.server"}, "bundle": set(),
}
DEV_SERVERS = frozenset({"webpack-dev-server", "nodemon", "live-server", "browser-sync", "ng", "vue-cli-service",
                         "react-scripts", "gatsby", "reflex", "air", "watchexec", "entr", "cargo-watch"})
# An interpreter or REPL started with no arguments is an interactive development image.
INTERACTIVE = frozenset({"python", "python2", "python3", "node", "irb", "iex", "erl", "ghci", "jshell", "pry",
                         "lua", "R", "julia", "scala", "clj", "sbcl", "racket", "swift", "php", "perl", "ipython",
                         "bpython", "hy", "guile", "ocaml", "utop", "rlwrap", "psysh", "tclsh", "wish",
                         # Octave's `pkg install` builds packages with mkoctfile (g++) in the session
                         # (reviews: ashgillman/octave, noelbk/gnu-octave-enable-64)
                         "octave", "octave-cli"})
# Editors and notebook/IDE servers: the image is where people work, its toolchain is theirs.
WORKBENCHES = frozenset({"vim", "nvim", "vi", "emacs", "nano", "micro", "helix", "hx", "code-server", "jupyter",
                         "jupyter-lab", "jupyter-notebook", "jupyterhub", "start-notebook.sh", "start-singleuser.sh",
                         "rserver", "rstudio-server", "theia", "openvscode-server", "tensorboard"})
# Where web IDEs come from, as a RUN fetches them: Cloud9's SDK (github.com/c9/core, its
# install.sh), code-server (coder/code-server, code-server.dev/install.sh), Eclipse Theia. An image
# that installs one is a workspace (seed-10 review: jeanlego/os2_cs_unb, nooke/c9-php7-conf).
IDE_SOURCES = ("github.com/c9/core", "githubusercontent.com/c9/install", "code-server.dev/install.sh",
               "github.com/coder/code-server", "github.com/eclipse-theia/theia", "github.com/theia-ide/theia")
# Go analysis tools that load the code they check through `go list` (golang.org/x/tools/go/packages),
# so the Go toolchain is a run-time need of an image that runs them: golangci-lint's install docs
# (its Docker image ships Go for that), staticcheck's docs ("requires the go command"), gopls and
# gosec load packages the same way (seed-9 review, korjavin/golangci-lint).
RUNS_GO_TOOLCHAIN = frozenset({"golangci-lint", "staticcheck", "gopls", "gosec"})
# Programs that only set up and then run CMD (an init, a privilege drop).
WRAPPERS = frozenset({"tini", "dumb-init", "gosu", "su-exec", "catatonit", "s6-svscan", "/init", "init", "tini-static"})
# Commands that keep a container alive for `docker exec` (a toolbox), or let people log in.
_VERSION_FLAGS = frozenset({"-V", "-v", "--version", "-version", "version"})
_INIT_SYSTEMS = frozenset({"init", "systemd", "runit-init"})
_KEEP_ALIVE = {"sleep": {"infinity", "inf"}, "tail": {"-f", "-F", "--follow"}}
_LOGIN_SERVERS = frozenset({"sshd"})
# CI agents and runners: they run builds that users send them.
CI_AGENTS = frozenset({"jenkins-agent", "jenkins-slave", "jenkins-jnlp-slave", "jnlp-slave", "agent.jar",
                       "gitlab-runner", "buildkite-agent", "actions-runner", "run.sh", "teamcity-agent",
                       "bamboo-agent", "drone-runner", "woodpecker-agent", "concourse",
                       # the official jenkins image's start script (jenkinsci/docker: /usr/local/bin/jenkins.sh)
                       "jenkins.sh"})
_BUILD_SCRIPT = LazyRe(r"(^|[-_./])(build|compile|make|package|release|ci)([-_.]|$)", re.I)
# Steps of a shell-form command that only prepare the one that runs.
_PREP = frozenset({"export", "set", "cd", "source", ".", "echo", "umask", "ulimit", "trap", "true", ":",
                   "printf", "sleep", "mkdir", "chmod", "chown", "ln", "cp", "rm", "test", "[", "sed", "envsubst",
                   "unset", "declare", "local", "wait"})
_S2I_LABELS = ("io.openshift.s2i.scripts-url", "io.s2i.scripts-url")
# What an image's own name/title/description label says it is, in the author's words.
_SAYS_BUILD_ENV = LazyRe(r"\bCI\b|continuous integration|\b(build|development|dev|developer) environment\b|"
                             r"\bdevcontainer\b|\btoolbox\b|\bbuild (image|container)\b", re.I)
# The same in the comments that introduce a stage; narrower, as comments also describe builder
# stages ("build image") and mention CI in passing. Seen: "This builds a convenience image for go
# development … this image is meant strictly for building things" (appcelerator/gotools2),
# "Build environment for LineageOS"; the other 45 header comments of the corpora matching the
# wider LABEL pattern named a builder stage or a CI tool the image talks to.
_INTRO_SAYS_BUILD_ENV = LazyRe(r"\b(build|development|dev|developer) environment\b|\bdevcontainer\b|"
                               r"\b(intended|meant) (strictly |only )?for (building|development)\b|"
                               r"\bfor (\w+ )?development\b|\bdevelopment (image|container)\b", re.I)
# Every alternative of _INTRO_SAYS_BUILD_ENV holds one of these words.
_INTRO_WORDS = ("environment", "devcontainer", "building", "development")

# Names of a shipped stage that say it is a development image (only the stage's own name: a
# `production` stage built FROM a `development` one is not).
_DEV_STAGE = LazyRe(r"^(?:dev|devel|development|dev[-_]?envs?|devcontainer)$", re.I)


def _says_build_env(intro: str) -> bool:
    """False when _INTRO_SAYS_BUILD_ENV cannot match `intro`, told without compiling it: most
    introductions hold none of its words.  Text that is not ASCII goes to the pattern, whose
    case-insensitive letters also match a few others (\u017f for s, \u212a for k, \u0131 for i)."""
    if not intro:
        return False
    if not intro.isascii():
        return True
    low = intro.lower()
    return any(w in low for w in _INTRO_WORDS)


# Packages that make an image a notebook or IDE workspace, whatever its CMD starts.
_NOTEBOOK_PORTS = frozenset({"8888", "8787", "6006"})  # Jupyter's, RStudio Server's and TensorBoard's defaults
NOTEBOOK_PACKAGES = frozenset({"jupyter", "jupyterlab", "notebook", "jupyterhub", "rstudio-server", "code-server"})
# Cross-compilers and flashers for microcontrollers: an image that keeps them builds and flashes
# firmware at run time (home-automation and maker images), so its compilers are its purpose.
FIRMWARE_TOOLS = frozenset({"avrdude", "gcc-avr", "avr-libc", "gcc-arm-none-eabi", "arduino", "arduino-cli",
                            "arduino-mk", "platformio", "esptool", "dfu-util", "openocd", "sdcc", "stm32flash"})
# Debian packaging front ends (not dpkg-dev or debhelper, which builds of the image's own software
# use too): an image that keeps them is where people build packages (mardiros/dotdeb, seed-13 review)
PACKAGE_BUILDERS = frozenset({"dh-make", "git-buildpackage", "svn-buildpackage", "pbuilder", "cowbuilder",
                              "sbuild"})


class RuntimeCommand(Value):
    """One of CMD, ENTRYPOINT, HEALTHCHECK CMD in force for a stage.

    ``words`` are the exec-form argv, or for shell form the shell text split into words
    (the shell's own syntax is parsed by ``programs``).  A failed JSON array (`CMD ['app']`,
    DKL401) counts as the exec form it was meant to be: it says what the image is for.  ``instruction`` is None when the
    command is inherited from the base image; ``origin`` says where it comes from
    ("this stage", "stage `build`", "image `postgres:16`").
    """

    kind: str
    instruction: object
    words: tuple[str, ...]
    shell_form: bool
    origin: str

    __slots__ = _fields = ("kind", "instruction", "words", "shell_form", "origin")

    def __init__(self, kind: str, instruction: object, words: tuple[str, ...], shell_form: bool,
                 origin: str) -> None:
        setfield(self, "kind", kind)
        setfield(self, "instruction", instruction)
        setfield(self, "words", words)
        setfield(self, "shell_form", shell_form)
        setfield(self, "origin", origin)

    @property
    def text(self) -> str:
        """The command as the shell form would read, for messages."""
        return " ".join(self.words)


class Purpose(Value):
    """What the image is for: kind is "application" or "build-environment"; why says how we know."""

    kind: str
    why: str

    __slots__ = _fields = ("kind", "why")

    def __init__(self, kind: str, why: str) -> None:
        setfield(self, "kind", kind)
        setfield(self, "why", why)


def runtime_commands(stage) -> list[RuntimeCommand]:
    """CMD, ENTRYPOINT and HEALTHCHECK in force for `stage`, own or inherited."""
    from .model import _split_shell_words

    out: list[RuntimeCommand] = []
    img = stage.root_image
    img_ref = img.ref if img is not None else None
    ep_in_file = stage.entrypoint is not None  # own or from a parent stage
    for kind, ins in (("CMD", stage.cmd), ("ENTRYPOINT", stage.entrypoint), ("HEALTHCHECK", stage.healthcheck)):
        if ins is not None:
            words = [w.text for w in ins.args]
            if kind == "HEALTHCHECK":
                words = words[1:]
            shell_form = not ins.json
            meant = _meant_exec_form(ins) if shell_form else None
            if meant is not None:
                # `CMD [“app”]` fails as shell text, but it says what the image is for (DKL401 reports it)
                words, shell_form = list(meant), False
            elif shell_form and words:
                words = _split_shell_words(words[0])
            origin = "this stage" if ins in stage.instructions else _origin(stage, ins)
            out.append(RuntimeCommand(kind, ins, tuple(words), shell_form, origin))
            continue
        if img is None or kind == "HEALTHCHECK":
            continue
        inherited = getattr(img, kind.lower(), None)
        if not inherited:
            continue
        if kind == "CMD" and ep_in_file:
            continue  # ENTRYPOINT in the Dockerfile clears the image's CMD
        out.append(RuntimeCommand(kind, None, tuple(inherited), False, f"image `{img_ref}`"))
    return out


def _meant_exec_form(ins) -> tuple[str, ...] | None:
    """The argv a failed JSON array was meant to be (execform.diagnose), or None."""
    from .execform import diagnose

    d = diagnose(ins)
    return d.words if d is not None and d.words else None


def _origin(stage, ins) -> str:
    for s in stage.ancestors:
        if ins in s.instructions:
            return f"stage `{s.label}`"
    return "an earlier stage"


def is_wrapper(prog: str) -> bool:
    """An ENTRYPOINT that only sets up and then runs CMD: an init, or an entrypoint script."""
    base = prog.rsplit("/", 1)[-1]
    return base in WRAPPERS or prog in WRAPPERS or "entrypoint" in base.lower()


def programs(cmd: RuntimeCommand) -> list[tuple[str, ...]]:
    """The argv of each program a runtime command starts, preparation steps and `exec` left out.

    Shell form (and `sh -c "…"` in exec form) is parsed with the shell grammar:
    `CMD cd /app && exec ./server --port $PORT` starts `./server …`.
    """
    words = list(cmd.words)
    text = None
    if cmd.shell_form and cmd.instruction is not None:
        args = cmd.instruction.args
        text = args[-1].text if args else ""
    elif len(words) >= 3 and _base(words[0]) in SHELLS and words[1] in ("-c", "-ec", "-xc", "-lc", "-exc"):
        text = words[2]
    if text is None:
        return [tuple(words)] if words else []
    from .packages import strip_wrappers
    from .shell import parse_shell

    out = []
    for c in parse_shell(text).commands:
        argv = strip_wrappers([w.text for w in c.argv])
        if not argv or c.in_substitution or _base(argv[0]) in _PREP:
            continue
        out.append(tuple(argv))
    return out


def _base(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _started(stage) -> tuple[list[tuple[str, ...]], str]:
    """The programs the container starts (ENTRYPOINT, or CMD when ENTRYPOINT only wraps it)."""
    cmds = {c.kind: c for c in runtime_commands(stage)}
    ep, cmd = cmds.get("ENTRYPOINT"), cmds.get("CMD")
    if ep is not None and ep.words and not is_wrapper(ep.words[0]):
        if cmd is not None and not cmd.shell_form and cmd.words and (
                cmd.words in (("true",), (":",)) or (_is_script(ep.words[0]) and len(ep.words) == 1
                                                     and _classify(cmd.words) in _CMD_ONLY_WAITS)):
            # `ENTRYPOINT ["usermap"]` + `CMD ["true"]`: the entrypoint runs whatever command the
            # container is started with, and without one does nothing (kalabox/cli, seed-6 review);
            # `ENTRYPOINT ["/usr/local/share/docker-init.sh"]` + `CMD ["sleep", "infinity"]`: a set-up
            # script, then a container kept alive or a shell (the dev containers' pattern)
            return [cmd.words], f"CMD from {cmd.origin}, under ENTRYPOINT `{ep.words[0]}`"
        progs = programs(ep)
        if cmd is not None and progs and not ep.shell_form:
            progs[-1] = progs[-1] + cmd.words  # CMD is ENTRYPOINT's arguments
        return progs, f"ENTRYPOINT from {ep.origin}"
    if cmd is not None:
        return programs(cmd), f"CMD from {cmd.origin}"
    if (ep is not None and ep.instruction is not None and ep.words and _base(ep.words[0]) not in WRAPPERS
            and ep.words[0] not in WRAPPERS and _serves_a_port(stage) and not _sets_a_password(stage)):
        # `ENTRYPOINT ["/entrypoint.sh"]` with no CMD in the file or the base: the script has no command
        # to hand over to, so it starts the service the EXPOSE names itself (seed-13 review,
        # gungfu2012/shift_v2: a v2ray server).  Without an EXPOSE it may as well be a CI or build
        # image that runs what `docker run` passes it (jenkins-slave, aws-codebuild).
        return programs(ep), f"ENTRYPOINT from {ep.origin}, with no CMD to run"
    return [], ""


def _sets_a_password(stage) -> bool:
    """Whether a RUN of the stage or its parents sets a login password (`chpasswd`, `passwd`): people
    log in to what the port serves (a web terminal, ksyun/wetty in the seed-13 review), with the
    image's tools."""
    return any(c.name in ("chpasswd", "passwd") for run in stage.all_runs() for c in run.commands)


def _exposed_ports(stage) -> set[str]:
    """The ports (numbers as written, without /tcp or /udp) the stage or its parents EXPOSE."""
    return {w.text.split("/")[0] for s in stage.lineage for ins in s.instructions if ins.keyword == "EXPOSE"
            for w in ins.args}


def _serves_a_port(stage) -> bool:
    """Whether the stage or its parents EXPOSE a port other than ssh's and the notebooks' (people log
    in or work there: build environments)."""
    return bool(_exposed_ports(stage) - _NOTEBOOK_PORTS - {"22"})


def _is_script(prog: str) -> bool:
    return _base(prog).endswith((".sh", ".bash"))


# What a CMD says when the ENTRYPOINT script in front of it only sets up: nothing of its own runs.
_CMD_ONLY_WAITS = frozenset({"kept alive for `docker exec`", "an interactive shell",
                             "a no-op (the container is started with a command of its own)"})


def purpose(stage) -> Purpose:
    """'application' when the container starts a program of its own; else 'build-environment'.

    Build environments: no CMD/ENTRYPOINT at all (an image for others to build on), only a
    shell or a REPL, a build tool or dev server (`gulp watch`, `ng serve`, `sbt ~run`), a
    build script, a CI agent, a container kept alive for `docker exec` (`sleep infinity`) or
    an sshd to log in to, and OpenShift S2I builder images.
    """
    if stage.name and _DEV_STAGE.match(stage.name):
        # `FROM development AS dev-envs` (Docker's dev environments, docker/awesome-compose),
        # `AS dev`, `AS devcontainer`: the author names the image a development one
        return Purpose("build-environment", f"its stage name `{stage.name}` says it is a development image")
    for s in stage.lineage:
        for key, value in s.labels:
            if key in _S2I_LABELS:
                return Purpose("build-environment", f"an S2I builder image (LABEL {key})")
            if key.rsplit(".", 1)[-1].lower() in ("name", "title", "description") and _SAYS_BUILD_ENV.search(value):
                return Purpose("build-environment", f"its LABEL {key} says so: {value!r}")
    for s in stage.lineage:
        said = _says_build_env(s.intro) and _INTRO_SAYS_BUILD_ENV.search(s.intro)
        if said:
            return Purpose("build-environment", f"the comments that introduce it say so: {said.group(0)!r}")
    from .packages import base_name

    for run in stage.all_runs():
        for _op, pkg in run.kept_packages:
            name = base_name(pkg)
            if name in FIRMWARE_TOOLS:
                return Purpose("build-environment", f"it keeps `{name}`: it builds firmware at run time")
            if name in PACKAGE_BUILDERS:
                return Purpose("build-environment", f"it keeps `{name}`: it builds Debian packages at run time")
            if name.lower() in NOTEBOOK_PACKAGES:
                return Purpose("build-environment", f"it installs `{name}`: a notebook workspace")
    for run in stage.all_runs():
        text = run.instruction.rest
        found = next((w for w in IDE_SOURCES if w in text), None)
        if found is not None:
            return Purpose("build-environment", f"the RUN at line {run.instruction.start_line} installs a web IDE "
                                                f"({found}): people work in it, with its toolchain")
    # a script we cannot read, behind Jupyter's or RStudio's port: a notebook workspace
    if runs_unseen_script(stage):
        if _exposed_ports(stage) & _NOTEBOOK_PORTS:
            return Purpose("build-environment", "it exposes a notebook port and starts a script")
    img = stage.root_image
    if img is not None and getattr(img, "kind", None) == "ci-agent":
        return Purpose("build-environment", f"built on the CI agent image `{img.ref}`")
    progs, where = _started(stage)
    if not progs:
        return Purpose("build-environment", "it starts no program of its own" if not where
                       else f"its {where} only runs a shell")
    progs = [a for a in (_unwrap(argv) for argv in progs) if a]
    if not progs:
        return Purpose("build-environment", f"its {where} only runs a wrapper with no program of its own")
    for argv in progs:
        kind = _classify(argv)
        if kind is None:
            return Purpose("application", f"its {where} starts `{' '.join(argv[:3])}`")
    return Purpose("build-environment", f"its {where} starts `{' '.join(progs[-1][:3])}`, "
                   f"{_classify(progs[-1])}")


def _unwrap(argv: tuple[str, ...]) -> tuple[str, ...]:
    """The program an argv starts once exec wrappers in front of it are dropped
    (packages.strip_wrappers: `env A=1 node app.js` -> `node app.js`), and from an init system named by absolute path after a wrapper
    (`escalator /lib/systemd/systemd …` -> `/lib/systemd/systemd …`); () when only wrappers run."""
    from .packages import strip_wrappers

    argv = tuple(strip_wrappers(list(argv)))
    for i, w in enumerate(argv[1:], 1):
        if w.startswith("/") and _base(w) in _INIT_SYSTEMS:
            return argv[i:]
    return argv


_VERSIONED_NAMES = ("perl", "python", "ruby", "php", "node", "lua", "tclsh", "pypy")
_VERSIONED = LazyRe(r"^(perl|python|ruby|php|node|lua|tclsh|pypy)[0-9][0-9.]*$")


def _classify(argv: tuple[str, ...]) -> str | None:
    """Why a started program means a build/dev environment, or None for an application."""
    prog = _base(argv[0])
    # the prefix test first: most programs are not interpreters, and the pattern then needs no compile
    m = _VERSIONED.match(prog) if prog.startswith(_VERSIONED_NAMES) else None
    if m:
        prog = m.group(1)  # perl5.24.0, python3.8 …
    args = argv[1:]
    if prog in SHELLS:
        rest = [a for a in args if a not in ("-l", "-i", "--login", "-il", "-li")]
        while len(rest) >= 2 and rest[0] in ("--rcfile", "--init-file"):
            rest = rest[2:]  # `bash --rcfile welcome.sh`: an interactive shell with a start file
        if not rest:
            return "an interactive shell"
        if rest in (["-c"], ["-lc"], ["-ec"]):
            return "a shell that runs whatever command it is given (a build or CI container)"
        if all(a.startswith("-") and a not in ("-c", "-ec", "-lc") for a in rest):
            return "an interactive shell"
        if rest[0] in ("-c", "-ec", "-lc") and len(rest) > 1:
            inner = programs(RuntimeCommand("CMD", None, (prog, "-c", rest[1]), False, ""))
            kinds = [_classify(a) for a in inner]
            return kinds[-1] if inner and all(kinds) else None
        # the script is the first operand: `bash -C run`, `bash -o pipefail build.sh`
        k = 0
        while k < len(rest) and rest[k].startswith(("-", "+")):
            k += 2 if rest[k] in ("-o", "+o", "-O", "+O") else 1
        script = rest[k] if k < len(rest) else ""
        return "a build script" if _BUILD_SCRIPT.search(_base(script)) else None
    if prog == "java":
        if any(_base(a) in ("agent.jar", "slave.jar", "remoting.jar") for a in args):
            return "a CI agent"
        # the Jenkins controller runs its jobs' builds on its own executors with the image's
        # tools (seed-9 review, kenwdelong/jenkins: Maven, git, ansible for the jobs)
        return "a CI server" if any(_base(a) == "jenkins.war" for a in args) else None
    if prog == "dotnet":
        # `dotnet App.dll` runs the application on the runtime; run/watch/build are the SDK
        if args and args[0].endswith(".dll"):
            return None
        return "the .NET SDK" if args and args[0] in ("run", "watch", "build", "test", "publish") else None
    if prog in DEV_SERVERS:
        return "a development server"
    if prog in RUNS_GO_TOOLCHAIN:
        return "a Go analysis tool that runs the go command"
    dev = DEV_SERVER_ARGS.get(prog)
    if dev and any(a in dev for a in args[:2]):
        return "a development server"
    if prog in ("npm", "yarn", "pnpm") and args[:1] == ("run",) and len(args) > 1 and args[1] in (
            "dev", "watch", "serve", "build", "test", "ci", "lint"):
        return "a development server" if args[1] in ("dev", "watch", "serve") else "a build or CI task"
    if prog in WORKBENCHES or prog.startswith("jupyter"):
        return "an editor or notebook where people work"
    if prog in ("dind", "dockerd-entrypoint.sh", "dockerd"):
        return "Docker-in-Docker, a build environment"
    if prog == "perl" and any(a.startswith("-d") for a in args):
        return "an interactive interpreter"
    if prog in BUILD_PROGRAMS:
        if args and args[0] in APP_VERBS.get(prog, ()):
            return None
        if prog in ("pip", "pip3") and args[:1] == ("install",):
            return "a build tool (`pip install` at start builds what it installs)"
        if prog in ("npm", "yarn", "pnpm", "bundle", "composer", "pip", "pip3", "poetry", "rake", "dotnet", "hugo"):
            return None if args else "a build tool"
        return "a build tool"
    if prog in INTERACTIVE and not [a for a in args if not a.startswith("-")]:
        return "an interactive interpreter"
    if (prog in _KEEP_ALIVE and any(a in _KEEP_ALIVE[prog] for a in args)) or prog == "tailf":
        return "kept alive for `docker exec`"  # tailf (util-linux < 2.30) always follows
    if prog in ("true", ":") and not args:
        return "a no-op (the container is started with a command of its own)"
    if prog == "login":
        return "an interactive login (a development or test environment)"
    if len(args) == 1 and args[0] in _VERSION_FLAGS:
        # `CMD perl -V && cpanm -V`: a base image that says what it has, for others to build on
        return "only prints versions (a base image for others to build on)"
    if prog in _INIT_SYSTEMS:
        return "an init system: a whole system booted to log in to, not one application"
    if prog in _LOGIN_SERVERS:
        return "an SSH server to log in to"
    if prog in CI_AGENTS and prog != "run.sh":
        return "a CI agent"
    if _BUILD_SCRIPT.search(prog) and prog.endswith((".sh", ".bash")):
        return "a build script"
    return None


def runs_unseen_script(stage) -> bool:
    """Whether CMD/ENTRYPOINT start a script whose contents dockerlint cannot see.

    The base image's own entrypoint (docker-php-entrypoint, the official images'
    docker-entrypoint.sh) is a known wrapper, not a script of this Dockerfile's.
    """
    for c in runtime_commands(stage):
        if c.kind == "HEALTHCHECK" or c.instruction is None:
            continue
        for w in c.words[:2]:
            base = _base(w)
            if base.endswith((".sh", ".bash", ".py", ".rb", ".pl")) or "entrypoint" in base.lower():
                return True
    return False


def runtime_program_names(stage) -> set[str]:
    """Every word of CMD, ENTRYPOINT and HEALTHCHECK, as program names (basename); and `git`
    when a RUN sets `git config … user.name/user.email`: only commits need an identity, and
    commits happen at run time (a backup job that pushes), not in the build."""
    out: set[str] = set()
    for c in runtime_commands(stage):
        for argv in programs(c) + [c.words]:
            for w in argv:
                out.add(_base(w))
    if any(c.name == "git" and "config" in c.argv[1:3] and any(a.startswith("user.") for a in c.argv)
           for r in stage.all_runs() for c in r.commands):
        out.add("git")
    return out


# Scripts an image ships so that images built FROM it compile extensions: the official php images'
# docker-php-ext-install/-configure/-enable and docker-php-source, which run the phpize compilers
# (gcc, make, autoconf … of PHPIZE_DEPS) those images keep on purpose. Source: docker-library__php
# Dockerfiles in ../shared/corpus ("# phpize deps", COPY docker-php-* /usr/local/bin/).
_EXTENSION_BUILD_SCRIPTS = ("docker-php-",)


def _onbuild_compiles(trigger, stage) -> bool:
    from .builds import may_compile
    from .model import Run

    run = Run(trigger, stage, stage.env, stage.shell_kind, "\\")
    return any(may_compile(c) for c in run.commands if not c.in_substitution)


def keeps_toolchain_for_derived_builds(stage) -> str | None:
    """Why the stage's compilers are its interface for images built on it, or None."""
    for s in stage.lineage:
        if "PHPIZE_DEPS" in s.env:
            return "it keeps PHPIZE_DEPS for extension builds"
        for ins in s.instructions:
            if ins.keyword in ("COPY", "ADD") and any(
                    a.text.rsplit("/", 1)[-1].startswith(_EXTENSION_BUILD_SCRIPTS) for a in ins.args[:-1]):
                return "it ships docker-php-ext-* scripts that compile extensions"
            trigger = ins.trigger if ins.keyword == "ONBUILD" else None
            if trigger is not None and trigger.keyword == "RUN" and _onbuild_compiles(trigger, s):
                # `ONBUILD RUN bundle install` builds native gems in every image built FROM this one
                # (kelcecil/octopress, seed-8 review): the compilers serve those builds
                return f"its ONBUILD RUN at line {ins.start_line} builds in every image built on it"
    return None
