"""The model: stages and their graph, ARG/ENV scope, package operations, cache mounts."""

import pytest

from dockerlint.engine import lint_text
from dockerlint.model import build
from dockerlint.packages import package_ops
from dockerlint.syntax import parse


def model(text, target=None):
    return build(parse(text), "Dockerfile", target)


def test_stages_graph_and_shipped_set():
    m = model("FROM golang:1.22 AS build\nRUN go build -o /app .\n"
              "FROM alpine AS base\nRUN --mount=from=build,target=/b true\n"
              "FROM base AS final\nCOPY --from=build /app /app\nCOPY --from=0 /x /x\nCOPY --from=nginx:1 /y /y\n")
    build_, base, final = m.stages
    assert (final.parent, base.parent) == (base, None)
    assert [(src.name if src else None, ref) for _i, src, ref in final.copies] == [
        ("build", "build"), ("build", "0"), (None, "nginx:1")]
    assert [s.name for _i, s, _r in base.mount_sources] == ["build"]
    assert m.final is final and [s.name for s in m.shipped] == ["base", "final"]
    assert not m.ships(build_) and m.ships(base)
    assert m.consumers(build_) == [base, final]


def test_target_and_missing_target():
    m = model("FROM a AS one\nFROM b AS two\n", target="one")
    assert m.final.name == "one" and not m.target_missing
    m = model("FROM a AS one\nFROM b AS two\n", target="nope")
    assert m.target_missing and m.final.name == "two"


def test_base_resolved_through_global_args():
    m = model("ARG REG=docker.io\nARG IMG=${REG}/library/golang:1.22\nFROM $IMG AS b\nFROM ${UNSET:-alpine}\nFROM $NOPE_NO_DEFAULT\n")
    assert m.stages[0].base == "docker.io/library/golang:1.22" and m.stages[0].base_known
    assert m.stages[0].image.toolchains >= {"go"}
    assert m.stages[1].base == "alpine"
    m2 = model("ARG V\nFROM golang:$V\n")
    assert not m2.stages[0].base_known


def test_global_arg_visible_only_when_redeclared():
    m = model("ARG A=1\nARG B=2\nFROM x\nARG A\nRUN echo\n")
    run = m.stages[0].runs[0]
    assert run.env["A"] == "1" and "B" not in run.env


def test_env_and_arg_inherit_through_from_stage_and_expand():
    m = model("FROM x AS a\nENV P=/opt\nENV X=${P}/bin\nARG V=3\nFROM a\nENV Y=$X:$V\nRUN true\n")
    env = m.stages[1].runs[0].env
    assert env["X"] == "/opt/bin" and env["Y"] == "/opt/bin:3"


def test_env_words_see_the_environment_before_the_instruction():
    env = model("FROM x\nENV abc=hi\nENV abc=bye def=$abc\nRUN true\n").stages[0].runs[0].env
    assert env["def"] == "hi"


def test_arg_without_default_is_unknown():
    env = model("FROM x\nARG CGO_ENABLED\nRUN true\n").stages[0].runs[0].env
    assert "CGO_ENABLED" in env and env["CGO_ENABLED"] is None


def test_shell_powershell_turns_shell_analysis_off():
    m = model('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\n'
              "RUN apt-get update\n")
    assert m.stages[0].runs[0].commands == ()


def test_cache_mounts():
    run = model("FROM x\nRUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update\n").stages[0].runs[0]
    assert run.is_cached("/var/lib/apt/lists") and not run.is_cached("/var/cache/apt")
    assert [(m.type, m.target) for m in run.mounts] == [("cache", "/var/lib/apt")]


def test_exec_form_run_is_one_command():
    run = model('FROM x\nRUN ["apt-get", "install", "-y", "curl"]\n').stages[0].runs[0]
    assert [c.argv for c in run.commands] == [("apt-get", "install", "-y", "curl")]
    assert [(o.manager, o.action, o.packages) for o in run.package_ops] == [("apt", "install", ("curl",))]


def test_heredoc_run_commands():
    run = model("FROM x\nRUN <<EOF\nset -e\napk add --no-cache gcc\nEOF\n").stages[0].runs[0]
    assert [c.name for c in run.commands] == ["set", "apk"]
    assert run.commands[1].span.line == 4 and run.commands[1].errexit


def ops(cmd):
    return [(o.manager, o.action, o.packages) for o in package_ops(cmd.split(), 0)]


def test_package_operations():
    assert ops("apt-get -o Dpkg::Options::=--force-confnew install -y --no-install-recommends gcc libc6-dev=2.36") == [
        ("apt", "install", ("gcc", "libc6-dev=2.36"))]
    assert ops("apt-get purge -y --auto-remove gcc") == [("apt", "remove", ("gcc",))]
    assert ops("apk add --no-cache --virtual .build-deps gcc musl-dev") == [("apk", "install", ("gcc", "musl-dev"))]
    assert ops("apk add -U curl") == [("apk", "update", ()), ("apk", "install", ("curl",))]
    assert ops("apk del .build-deps") == [("apk", "remove", (".build-deps",))]
    assert ops("yum install -y gcc && yum clean all".split("&&")[0]) == [("dnf", "install", ("gcc",))]
    assert ops("microdnf install -y --nodocs gcc") == [("dnf", "install", ("gcc",))]
    assert ops("dnf groupinstall -y Development") == [("dnf", "install", ("Development",))]
    assert ops("zypper --non-interactive install -y gcc") == [("zypper", "install", ("gcc",))]
    assert ops("pip3 install --no-cache-dir -r requirements.txt flask") == [("pip", "install", ("flask",))]
    assert ops("python3 -m pip install cython") == [("pip", "install", ("cython",))]
    assert ops("uv pip install ruff") == [("pip", "install", ("ruff",))]
    assert ops("npm ci") == [("npm", "install", ())]
    assert ops("yarn global add typescript") == [("yarn", "install", ("typescript",))]
    assert ops("gem install --no-document bundler") == [("gem", "install", ("bundler",))]
    assert ops("sudo apt-get update") == [("apt", "update", ())]
    assert ops("echo apt-get install gcc") == []


def test_virtual_package_removed_in_same_run_is_not_kept():
    run = model("FROM alpine\nRUN apk add --virtual .b gcc && make && apk del .b && apk add curl\n").stages[0].runs[0]
    assert [p for _o, p in run.kept_packages] == ["curl"]


@pytest.mark.parametrize("command, compiles", [
    ("pip install -r requirements.txt", True),
    ("pipenv install --system --deploy", True),
    ("pipenv sync", True),
    ("poetry install --no-root", True),
    ("uv pip install -r requirements.txt", True),
    ("uv sync --frozen", True),
    ("pip-sync requirements.txt", True),
    ("pipenv --version", False),
    ("uv venv /opt/venv", False),
    ("poetry config virtualenvs.create false", False),
])
def test_python_project_installs_may_compile(command, compiles):
    # they install through pip, which builds an sdist where no wheel fits: a join or purge of the
    # -dev packages must not end before them (fix review 2026-11-30, statistics-py)
    from dockerlint.builds import may_compile

    res = lint_text(f"FROM python:3.12\nRUN {command}\n", "Dockerfile")
    (cmd,) = [c for c in res.model.stages[0].runs[0].commands if c.argv]
    assert may_compile(cmd) is compiles


def test_one_workdir_map_for_the_stage_and_its_parents():
    # a stage built on another keeps its WORKDIR; an unknown base WORKDIR counts as "/"
    from dockerlint.builds import _workdirs
    from dockerlint.needs import _workdirs_by_line

    res = lint_text("FROM example.com/unknown:1 AS base\nWORKDIR app\nFROM base\nWORKDIR sub\nCMD [\"x\"]\n",
                    "Dockerfile")
    final = res.model.final
    assert _workdirs_by_line(final) == {4: "/app/sub", 5: "/app/sub"}  # was /sub: the parent's WORKDIR lost
    assert [_workdirs(final)[id(i)] for i in final.instructions] == ["/app/sub", "/app/sub"]
