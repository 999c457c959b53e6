"""DKL203-DKL208: the package-manager cache rules of issue 14, every false-alarm trap it names,
their fixes, the sizes they state, and the hadolint codes they answer to."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from dockerlint.caches import cache_uses, covers
from dockerlint.cli import cli
from dockerlint.engine import lint_text
from dockerlint.fix import fixed_text
from dockerlint.runner import Options

from .helpers import findings, only

PY = "FROM python:3.12-slim\n"
NODE = "FROM node:20-slim\n"
ALPINE = "FROM alpine:3.20\n"


def fixed(text: str, code: str, unsafe: bool = False) -> str | None:
    res = lint_text(text, "Dockerfile", select={code})
    new, _applied, refused = fixed_text(res, Options(unsafe_fixes=unsafe))
    assert refused is None
    return new


# --- DKL206: every way pip's cache is off --------------------------------------------------------

@pytest.mark.parametrize("value", ["1", "true", "0", "false", "off", "no", '""'])
def test_dkl206_pip_no_cache_dir_set_to_any_value(value):
    # pip reads off/false/0 as "no cache" too (backward compatibility), so any value counts
    assert only("DKL206", PY + f"ENV PIP_NO_CACHE_DIR={value}\nRUN pip install flask\n") == []
    assert only("DKL206", PY + f"RUN PIP_NO_CACHE_DIR={value} pip install flask\n") == []
    assert only("DKL206", PY + f"RUN export PIP_NO_CACHE_DIR={value} && pip install flask\n") == []


def test_dkl206_pip_no_cache_dir_inherited_through_stages_and_args():
    assert only("DKL206", PY + "ENV PIP_NO_CACHE_DIR=1\nFROM python:3.12-slim AS x\nRUN pip install a\n") == [4]
    assert only("DKL206", "FROM python:3.12-slim AS base\nENV PIP_NO_CACHE_DIR=1\n"
                          "FROM base\nRUN pip install a\n") == []
    assert only("DKL206", PY + "ARG PIP_NO_CACHE_DIR=1\nRUN pip install a\n") == []
    # set in a subshell, it does not reach the install
    assert only("DKL206", PY + "RUN (export PIP_NO_CACHE_DIR=1) && pip install a\n") == [2]


@pytest.mark.parametrize("run", [
    "pip install --no-cache-dir flask",
    "pip3 --no-cache-dir install flask",
    "python3 -m pip install --no-cache-dir flask",
    "pip install flask && pip cache purge",
    "pip install flask && rm -rf /root/.cache/pip",
    "pip install flask && rm -rf ~/.cache/pip/*",
    "pip install flask && rm -rf $HOME/.cache",
    "pip install --no-index --find-links /wheels app",
    "uv pip install --system --no-cache flask",
    "uv sync --frozen -n",
    "UV_NO_CACHE=1 uv sync",
    "uv sync && uv cache clean",
    "poetry install --no-cache",
    "poetry install && poetry cache clear --all pypi",
    "PIP_NO_CACHE_DIR=1 pipenv install --system",
])
def test_dkl206_not_a_finding(run):
    assert only("DKL206", PY + f"RUN {run}\n") == []


@pytest.mark.parametrize("mount", ["/root/.cache/pip", "/root/.cache", "/root/.cache/uv"])
def test_dkl206_cache_mounts(mount):
    tool = "uv pip install --system" if mount.endswith("uv") else "pip install"
    assert only("DKL206", PY + f"RUN --mount=type=cache,target={mount} {tool} flask\n") == []
    assert only("DKL206", PY + f"RUN --mount=type=tmpfs,target={mount} {tool} flask\n") == []
    # a cache mount elsewhere does not help
    assert only("DKL206", PY + f"RUN --mount=type=cache,target=/var/cache/apt {tool} flask\n") == [2]


def test_dkl206_cleanup_after_the_install_in_the_same_run_only():
    assert only("DKL206", PY + "RUN rm -rf /root/.cache/pip && pip install flask\n") == [2]
    assert only("DKL206", PY + "RUN pip cache purge && pip install flask\n") == [2]
    assert only("DKL206", PY + "RUN pip install flask\nRUN rm -rf /root/.cache/pip\n") == [2]
    # a second install after the purge writes the cache again
    assert only("DKL206", PY + "RUN pip install a && pip cache purge && pip install b\n") == [2]


def test_dkl206_stages_that_do_not_ship_and_target():
    text = ("FROM python:3.12 AS build\nRUN pip install --prefix /install flask\n"
            "FROM python:3.12-slim\nCOPY --from=build /install /usr/local\nCMD [\"flask\"]\n")
    assert only("DKL206", text) == []
    assert only("DKL206", text, target="build") == [2]


def test_dkl206_uv_no_cache_value_is_read_as_uv_reads_it():
    assert only("DKL206", PY + "ENV UV_NO_CACHE=true\nRUN uv sync\n") == []
    assert only("DKL206", PY + "ENV UV_NO_CACHE=0\nRUN uv sync\n") == [3]


def test_dkl206_cache_dir_follows_the_user_and_the_environment():
    (f,) = findings(PY + "USER app\nRUN pip install --user flask\n", "DKL206")
    assert "/home/app/.cache/pip" in f.message
    (f,) = findings(PY + "ENV PIP_CACHE_DIR=/var/pip\nRUN pip install flask && rm -rf /root/.cache\n", "DKL206")
    assert "/var/pip" in f.message
    assert only("DKL206", PY + "ENV PIP_CACHE_DIR=/var/pip\nRUN pip install flask && rm -rf /var/pip\n") == []


def test_dkl206_fix_adds_the_flag_and_poetry_is_safe_only_when_pinned():
    assert fixed(PY + "RUN pip install flask gunicorn\n", "DKL206") == PY + "RUN pip install --no-cache-dir flask gunicorn\n"
    assert fixed(PY + "RUN sudo -H python3 -m pip install -U pip\n", "DKL206") == \
        PY + "RUN sudo -H python3 -m pip install --no-cache-dir -U pip\n"
    assert fixed(PY + "RUN uv sync --frozen\n", "DKL206") == PY + "RUN uv sync --no-cache --frozen\n"
    unpinned = PY + "RUN pip install --no-cache-dir poetry\nRUN poetry install\n"
    assert fixed(unpinned, "DKL206") is None
    assert fixed(unpinned, "DKL206", unsafe=True).endswith("RUN poetry install --no-cache\n")
    pinned = PY + "ENV POETRY_VERSION=1.8.3\nRUN pip install --no-cache-dir poetry\nRUN poetry install\n"
    assert fixed(pinned, "DKL206").endswith("RUN poetry install --no-cache\n")
    # --cache-dir and --no-cache-dir fight (the later one wins): no flag fix, a help line
    (f,) = findings(PY + "RUN pip install --cache-dir /tmp/c flask\n", "DKL206")
    assert f.fix is None and "rm -rf /tmp/c" in f.suggestion


# --- DKL203 ---------------------------------------------------------------------------------------

def test_dkl203_apk_update_index_stays_even_with_no_cache_adds():
    (f,) = findings(ALPINE + "RUN apk update && apk add --no-cache curl\n", "DKL203")
    assert (f.line, f.column) == (2, 5) and "`apk update`" in f.message
    assert only("DKL203", ALPINE + "RUN apk add --no-cache --update curl\n") == []
    assert only("DKL203", ALPINE + "RUN apk add -U curl\n") == [2]


@pytest.mark.parametrize("run", [
    "apk add --no-cache curl",
    "apk --no-cache add curl",
    "apk update && apk add curl && rm -rf /var/cache/apk/*",
    "apk add curl && rm -rf /var/cache/apk",
    "--mount=type=cache,target=/var/cache/apk apk update && apk add curl",
    "--mount=type=cache,target=/etc/apk/cache apk add curl",
])
def test_dkl203_not_a_finding(run):
    assert only("DKL203", ALPINE + f"RUN {run}\n") == []


def test_dkl203_fix_is_no_cache_and_drops_the_redundant_update():
    assert fixed(ALPINE + "RUN apk update && apk add curl git\n", "DKL203") == ALPINE + "RUN apk add --no-cache curl git\n"
    assert fixed(ALPINE + "RUN apk update && apk add --no-cache curl\n", "DKL203") == \
        ALPINE + "RUN apk add --no-cache curl\n"
    assert fixed(ALPINE + "RUN apk add curl \\\n    && apk update\n", "DKL203") == \
        ALPINE + "RUN apk add curl \\\n    && apk update \\\n    && rm -rf /var/cache/apk/*\n"
    # an `apk update` alone in its RUN only adds weight: every later `apk add` fetches the index
    assert fixed(ALPINE + "RUN apk update\nRUN apk add --no-cache curl\n", "DKL203") == \
        ALPINE + "RUN apk add --no-cache curl\n"


def test_dkl203_fix_is_unsafe_when_a_later_run_reads_the_index():
    text = ALPINE + "RUN apk add curl\nRUN apk policy curl\n"
    (f,) = findings(text, "DKL203")
    assert f.fix.safety == "unsafe"


# --- DKL204 / DKL205 ------------------------------------------------------------------------------

def test_dkl204_a_clean_before_the_install_does_not_count():
    assert only("DKL204", "FROM centos:7\nRUN yum clean all && yum install -y httpd\n") == [2]
    assert only("DKL204", "FROM centos:7\nRUN yum install -y httpd && yum clean all\n") == []
    assert only("DKL204", "FROM fedora:40\nRUN dnf install -y x && dnf clean packages\n") == [2]
    assert only("DKL204", "FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y x\n") == []


def test_dkl204_dkl205_fix_appends_the_clean():
    assert fixed("FROM centos:7\nRUN yum install -y httpd\n", "DKL204") == \
        "FROM centos:7\nRUN yum install -y httpd && yum clean all\n"
    assert fixed("FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y nginx\n", "DKL204") == \
        "FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y nginx && microdnf clean all\n"
    assert fixed("FROM opensuse/leap\nRUN zypper -n in curl\n", "DKL205") == \
        "FROM opensuse/leap\nRUN zypper -n in curl && zypper clean --all\n"
    assert only("DKL205", "FROM opensuse/leap\nRUN zypper cc && zypper -n in curl\n") == [2]


# --- DKL207 ---------------------------------------------------------------------------------------

def test_dkl207_yarn_berry_is_never_reported():
    assert only("DKL207", NODE + "COPY .yarnrc.yml package.json yarn.lock ./\nRUN yarn install\n") == []
    assert only("DKL207", NODE + "RUN yarn set version stable && yarn install\n") == []
    assert only("DKL207", NODE + "RUN corepack enable && yarn install\n") == []
    assert only("DKL207", NODE + "ENV YARN_NODE_LINKER=pnp\nRUN yarn install\n") == []
    assert only("DKL207", NODE + "RUN yarn install --immutable\n") == []
    assert only("DKL207", NODE + "RUN yarn install --frozen-lockfile\n") == [2]


def test_dkl207_npm_gets_no_flag_only_its_clean():
    new = fixed(NODE + "RUN npm ci\n", "DKL207")
    assert new == NODE + "RUN npm ci && npm cache clean --force\n"
    assert "--no-cache" not in new
    assert only("DKL207", NODE + "RUN npm ci && npm cache clean --force\n") == []
    assert only("DKL207", NODE + "RUN npm cache clean --force && npm ci\n") == [2]
    assert only("DKL207", NODE + "RUN --mount=type=cache,target=/root/.npm npm ci\n") == []
    assert only("DKL207", NODE + "USER node\nRUN npm ci && rm -rf /home/node/.npm\n") == []


# --- DKL208 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("clean", ["conda clean -afy", "conda clean -a -y", "conda clean --all", "conda clean -tipsy",
                                   "rm -rf /opt/conda/pkgs/*", "mamba clean --all --yes"])
def test_dkl208_cleans(clean):
    assert only("DKL208", f"FROM continuumio/miniconda3\nRUN conda install -y numpy && {clean}\n") == []
    assert only("DKL208", f"FROM continuumio/miniconda3\nRUN {clean} && conda install -y numpy\n") == [2]


def test_dkl208_index_cache_clean_alone_is_not_enough():
    assert only("DKL208", "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean -i\n") == [2]


# --- sizes ----------------------------------------------------------------------------------------

def test_sizes_come_from_the_measurements_or_are_omitted():
    from dockerlint.caches import _sizes

    table = _sizes()
    flask = table["pip"]["flask"]["mb"]
    (f,) = findings(PY + "RUN pip install flask\n", "DKL206")
    assert f.size_mb == pytest.approx(flask) and f"about {flask:.1f}".rstrip("0").rstrip(".") in f.message
    # unknown packages, requirement files and pins to other versions: no figure
    for run in ("pip install -r requirements.txt", "pip install flask==0.12", "pip install no-such-package-x",
                "pip install ."):
        (f,) = findings(PY + f"RUN {run}\n", "DKL206")
        assert f.size_mb is None and " MB" not in f.message
    # apk, dnf, zypper and conda caches were not measured: never a figure
    for code, text in (("DKL203", ALPINE + "RUN apk add curl\n"), ("DKL204", "FROM centos:7\nRUN yum install -y x\n"),
                       ("DKL208", "FROM continuumio/miniconda3\nRUN conda install -y numpy\n")):
        (f,) = findings(text, code)
        assert f.size_mb is None


def test_json_output_carries_size_mb(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(PY + "RUN pip install flask\nRUN pip install -r requirements.txt\n")
    r = CliRunner().invoke(cli, ["--format", "json", "--select", "DKL206", str(p)])
    sizes = [f["size_mb"] for f in json.loads(r.stdout)["findings"]]
    assert r.exit_code == 1 and sizes[0] > 0 and sizes[1] is None


# --- hadolint codes -------------------------------------------------------------------------------

@pytest.mark.parametrize("dl, code", [("DL3019", "DKL203"), ("DL3032", "DKL204"), ("DL3040", "DKL204"),
                                      ("DL3036", "DKL205"), ("DL3042", "DKL206"), ("DL3060", "DKL207")])
def test_hadolint_codes_explain_and_suppress(dl, code):
    r = CliRunner().invoke(cli, ["--explain", dl])
    assert r.exit_code == 0 and r.stdout.startswith(f"# {code} ")
    text = {"DKL203": ALPINE + "# hadolint ignore={dl}\nRUN apk add curl\n",
            "DKL204": "FROM centos:7\n# hadolint ignore={dl}\nRUN yum install -y x\n",
            "DKL205": "FROM opensuse/leap\n# hadolint ignore={dl}\nRUN zypper -n in x\n",
            "DKL206": PY + "# hadolint ignore={dl}\nRUN pip install x\n",
            "DKL207": NODE + "# hadolint ignore={dl}\nRUN yarn install\n"}[code].format(dl=dl)
    res = lint_text(text, "Dockerfile", select={code})
    assert [f.suppressed for f in res.findings if f.code == code] == [True]


@pytest.mark.parametrize("dl", ["DL3038", "DL3037"])
def test_hadolint_codes_that_are_not_about_caches_map_to_nothing(dl):
    # DL3038 is dnf's missing -y and DL3037 zypper's unpinned versions (hadolint's source)
    r = CliRunner().invoke(cli, ["--explain", dl])
    assert r.exit_code == 2


# --- the model ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, target, yes", [
    ("/root/.cache/pip", "/root/.cache/pip", True),
    ("/root/.cache/pip/*", "/root/.cache/pip", True),
    ("/root/.cache", "/root/.cache/pip", True),
    ("/root/.cache/*", "/root/.cache/pip", True),
    ("/root/.cache/pip/http", "/root/.cache/pip", False),
    ("/var/cache/apk/*.tar.gz", "/var/cache/apk", False),
    ("/var/cache/*", "/var/cache/apk", True),
    ("/*", "/var/cache/apk", False),
])
def test_covers(path, target, yes):
    assert covers(path, target) is yes


def test_cache_uses_reports_each_manager_once_per_run():
    res = lint_text(PY + "RUN pip install a && npm ci && pip install b && npm cache clean --force\n", "D")
    run = res.model.final.runs[0]
    uses = {u.manager: u for u in cache_uses(run)}
    assert set(uses) == {"pip", "npm"}
    assert len(uses["pip"].writers) == 2 and uses["pip"].left and not uses["npm"].left


def test_rules_cost_little_beyond_parsing_the_runs():
    kinds = ["RUN apk add curl", "RUN pip install flask", "RUN npm ci", "RUN yum install -y x",
             "RUN conda install -y x", "RUN zypper in -y x", "USER app", "RUN poetry install", "RUN yarn install",
             "ENV A=1"]
    # an image whose family is unknown: every manager may be there
    text = "FROM example.com/base\n" + "\n".join(kinds[i % len(kinds)] for i in range(20000)) + "\n"
    base = lint_text(text, "x", select=set())
    t0 = time.process_time()
    for s in base.model.stages:
        for r in s.runs:
            r.commands
    parse = time.process_time() - t0
    t0 = time.process_time()
    res = lint_text(text, "x", select={"DKL203", "DKL204", "DKL205", "DKL206", "DKL207", "DKL208"})
    total = time.process_time() - t0
    assert len(res.findings) == 16000
    # the rules themselves are linear and cheap: well under the cost of parsing what they read
    assert total - parse < parse + 2.0, (total, parse)


# --- traps found by the review of the corpora ------------------------------------------------------

def test_apk_no_network_fetches_nothing():
    # docker-library's `apk add --no-network --virtual .rundeps $runDeps` after `--no-cache` adds
    text = ALPINE + "RUN apk add --no-cache --virtual .b gcc && make && apk add --no-network --virtual .r so:libc.musl\n"
    assert only("DKL203", text) == []


def test_a_manager_the_base_image_cannot_have_is_an_os_detection_branch():
    text = "FROM debian:12\nRUN if [ -f /etc/alpine-release ]; then apk add bash; fi\n"
    assert only("DKL203", text) == []
    assert only("DKL204", "FROM debian:12\nRUN if command -v yum; then yum install -y bash; fi\n") == []
    # an unknown base keeps the finding
    assert only("DKL203", "FROM example.com/custom\nRUN apk add bash\n") == [2]


def test_a_cleanup_script_after_the_install_is_trusted():
    assert only("DKL203", ALPINE + "RUN apk --update add erlang && clean\n") == []
    assert only("DKL206", PY + "RUN pip install flask && /usr/local/bin/clean-layer.sh\n") == []
    assert only("DKL206", PY + "RUN cleanup.sh && pip install flask\n") == [2]


def test_yarn_version_is_not_an_install():
    assert only("DKL207", NODE + "RUN yarn --version && yarn -v\n") == []
    assert only("DKL207", NODE + "RUN yarn\n") == [2]


def test_local_wheels_built_earlier_download_nothing():
    text = ("FROM python:3.12 AS build\nRUN pip wheel -w /wheels -r requirements.txt\n"
            "FROM python:3.12-slim\nCOPY --from=build /wheels /wheels\n")
    assert only("DKL206", text + "RUN pip install /wheels/*.whl\n") == []
    assert only("DKL206", text + "RUN pip install --no-deps /wheels/app-1.0-py3-none-any.whl\n") == []
    assert only("DKL206", text + "RUN uv pip install --system /wheels/*.whl\n") == []
    # one named wheel may pull its dependencies from the index
    assert only("DKL206", text + "RUN pip install /wheels/app-1.0-py3-none-any.whl\n") == [5]


def test_uv_reads_no_cache_dir_as_no_cache():
    assert only("DKL206", PY + "RUN uv pip install --system --no-cache-dir flask\n") == []


def test_sudo_user_owns_the_cache():
    (f,) = findings(NODE + "RUN sudo -u node npm install -g nodemon\n", "DKL207")
    assert "/home/node/.npm" in f.message


def test_dkl202_is_quiet_when_the_only_recommend_is_installed_back_by_the_fix():
    # seed-9 review (docker-oracle-jre): wget recommends only ca-certificates, which the fix adds
    # by name, so the image would not change
    from dockerlint.engine import lint_text

    # xenial's wget recommends only ca-certificates (Ubuntu archive, in the package data)
    text = "FROM ubuntu:16.04\nRUN apt-get update && apt-get install -y wget && rm -rf /var/lib/apt/lists/*\n"
    assert [f.code for f in lint_text(text, "Dockerfile", select={"DKL202"}).findings] == []
    text = text.replace("wget", "curl")  # curl recommends krb5-locales and libsasl2-modules too
    assert [f.code for f in lint_text(text, "Dockerfile", select={"DKL202"}).findings] == ["DKL202"]


def test_pip_as_root_in_another_users_home_has_no_cache():
    # seed-13 review (alanchalk/aml_2019): jupyter's HOME is /home/jovyan, owned by jovyan; pip run
    # as root turns its cache off there (check_path_owner), so nothing is left
    as_root = "FROM jupyter/tensorflow-notebook\nUSER root\nRUN pip install h2o\n"
    assert lint_text(as_root, "Dockerfile", select={"DKL206"}).findings == []
    as_jovyan = "FROM jupyter/base-notebook\nRUN pip install h2o\n"
    f = lint_text(as_jovyan, "Dockerfile", select={"DKL206"}).findings
    assert [x.line for x in f] == [2] and "/home/jovyan/.cache/pip" in f[0].message
    # a HOME the Dockerfile sets: whose folder it is, is not known, so the cache counts
    own = "FROM python:3.12\nENV HOME=/home/app\nRUN pip install flask\n"
    assert [x.line for x in lint_text(own, "Dockerfile", select={"DKL206"}).findings] == [3]


@pytest.mark.parametrize("image, folder", [
    ("centos:7", "/var/cache/yum"), ("centos:centos6.6", "/var/cache/yum"), ("amazonlinux:2", "/var/cache/yum"),
    # seed-13 review (DKL204): there `yum` is dnf, and its cache is dnf's
    ("centos", "/var/cache/dnf"), ("centos:8", "/var/cache/dnf"), ("rockylinux:9", "/var/cache/dnf"),
    ("fedora:39", "/var/cache/dnf"), ("amazonlinux:2023", "/var/cache/dnf"),
])
def test_yum_names_the_cache_of_the_yum_it_is(image, folder):
    f = lint_text(f"FROM {image}\nRUN yum install -y httpd\n", "Dockerfile", select={"DKL204"}).findings
    assert [x.line for x in f] == [2] and f" in {folder}, " in f[0].message
    assert f[0].fix.title == "Append `yum clean all` to this RUN"
