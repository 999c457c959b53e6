"""DKL404, DKL405, DKL501, DKL502, DKL503: the traps of issue 15 and the default rule set, through the
engine and the CLI.  The fixtures (tests/fixtures/DKL4xx, DKL5xx) hold the full reports and fixes."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner

from dockerlint.cli import cli
from dockerlint.engine import lint_text

from .helpers import only


def run(*args, input=None):
    r = CliRunner().invoke(cli, list(args), input=input)
    return r.exit_code, r.output


def msgs(code, text, **kw):
    return [f.message for f in lint_text(text, "Dockerfile", select={code}, **kw).findings if f.code == code]


# --- DKL501 is not in the default rule set ----------------------------------------------------------

ROOT_IMAGE = 'FROM python:3.12-slim\nCOPY app.py /app.py\nCMD ["python", "/app.py"]\n'


@pytest.fixture
def rootfile(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the configuration search stops here
    p = tmp_path / "Dockerfile"
    p.write_text(ROOT_IMAGE)
    return p


def test_default_run_leaves_runs_as_root_out(rootfile):
    code, out = run("--format", "json", str(rootfile))
    assert code == 0
    assert json.loads(out)["findings"] == []


@pytest.mark.parametrize("selection", ["DKL501", "runs-as-root", "DKL5", "DKL", "ALL", "DL3002", "dkl501",
                                       "DKL201,DKL501"])
def test_selection_that_names_it_runs_it(rootfile, selection):
    code, out = run("--format", "json", "--select", selection, str(rootfile))
    assert code == 1
    assert [(f["code"], f["line"]) for f in json.loads(out)["findings"]] == [("DKL501", 1)]


def test_ignore_takes_it_out_of_all(rootfile):
    code, out = run("--format", "json", "--select", "ALL", "--ignore", "DKL501", str(rootfile))
    assert code == 0 and json.loads(out)["findings"] == []


def test_configured_select_runs_it_and_extends_nothing_else(rootfile):
    (rootfile.parent / ".dockerlint.toml").write_text('select = ["DKL501"]\n')
    code, out = run("--format", "json", str(rootfile))
    assert code == 1 and [f["code"] for f in json.loads(out)["findings"]] == ["DKL501"]
    (rootfile.parent / ".dockerlint.toml").write_text('select = ["DKL2"]\n')
    code, out = run("--format", "json", str(rootfile))
    assert code == 0


def test_suppressing_a_rule_that_is_off_is_not_unused(rootfile):
    rootfile.write_text("# dockerlint ignore=DKL501\n" + ROOT_IMAGE)
    code, out = run("--format", "json", str(rootfile))
    assert code == 0 and json.loads(out)["findings"] == []
    code, out = run("--format", "json", "--select", "DKL501,DKL002", str(rootfile))
    found = json.loads(out)["findings"]
    assert [(f["code"], f["suppressed"]) for f in found] == [("DKL501", True)]


def test_list_rules_and_explain_say_whether_on_by_default():
    code, out = run("--list-rules")
    rows = {line.split()[0]: line for line in out.splitlines()}
    assert code == 0
    assert "default:no" in rows["DKL501"].split()
    assert all("default:yes" in rows[c].split() for c in ("DKL201", "DKL404", "DKL405", "DKL502", "DKL503"))
    code, out = run("--explain", "runs-as-root")
    assert code == 0 and "Not in the default rule set" in out.splitlines()[3]
    code, out = run("--explain", "DKL405")
    assert code == 0 and "Not in the default rule set" not in out


def test_sarif_marks_the_rule_disabled_by_default(rootfile):
    code, out = run("--format", "sarif", "--select", "DKL501", str(rootfile))
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["DKL501"]["defaultConfiguration"] == {"level": "warning", "enabled": False}
    assert "enabled" not in rules["DKL405"]["defaultConfiguration"]


def test_readme_table_has_the_default_column():
    from dockerlint import readme

    rows = {line.split("|")[1].strip(): line for line in readme.rules_table().splitlines()[2:]}
    assert "| runs-as-root | warning | none | no |" in rows["[DKL501](rules/DKL501.md)"]
    assert "| pipe-hides-failure | warning | unsafe | yes |" in rows["[DKL405](rules/DKL405.md)"]


# --- DKL405 pipe-hides-failure ----------------------------------------------------------------------

@pytest.mark.parametrize("run_line", [
    "RUN curl -fsSL https://x/a.tgz | tar -xz -C /opt",
    "RUN curl -fsSL https://x/k.asc | gpg --dearmor -o /usr/share/keyrings/k.gpg",
    "RUN echo \"$SHA  f\" | sha256sum -c -",
    "RUN wget -qO- https://x/k | apt-key add -",
    "RUN echo deb http://x stable main | tee /etc/apt/sources.list.d/x.list",
    "RUN set -eo pipefail && make | tee log",
    "RUN set -o pipefail; make | tee log",
    "RUN make | tee log || true",
    "RUN curl -fsSL https://x/install.sh | sh",
    "RUN V=$(curl -fsSL https://x/v | head -1) && echo $V",
])
def test_pipes_that_hide_nothing(run_line):
    assert only("DKL405", f"FROM debian:bookworm-slim\n{run_line}\n") == []


def test_pipefail_inherited_through_from_stage():
    text = ('FROM debian:bookworm-slim AS base\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
            "FROM base\nRUN make test | tee log\n")
    assert only("DKL405", text) == []


def test_tree_sitter_list_quirk_pipes_only_the_last_command():
    # tree-sitter-bash reads this as `(apt-get … && make test) 2>&1 | tee`; bash pipes only `make test`
    text = "FROM debian:bookworm-slim\nRUN apt-get update && make test 2>&1 | tee /tmp/log\n"
    (m,) = msgs("DKL405", text)
    assert m.startswith("`make test` can fail unnoticed")


def test_fix_is_refused_where_pipefail_would_break_a_later_pipe():
    text = "FROM debian:bookworm-slim\nRUN make | tee log\nRUN if curl -s https://x | grep -q ok; then :; fi\n"
    (f,) = lint_text(text, "Dockerfile", select={"DKL405"}).findings
    assert f.fix is None and "`grep` stops reading early" in f.suggestion


# --- DKL503 unverified-download ---------------------------------------------------------------------

def test_one_fact_one_finding_for_curl_into_sh():
    text = "FROM debian:bookworm-slim\nRUN curl -fsSL https://example.com/install.sh | sh\n"
    assert [f.code for f in lint_text(text, "Dockerfile").findings] == ["DKL503"]


@pytest.mark.parametrize("run_line", [
    "RUN curl -fsSLo /tmp/i.sh https://x/i.sh && echo \"$SHA  /tmp/i.sh\" | sha256sum -c - && sh /tmp/i.sh",
    "RUN curl -fsSL https://x/data.json | python3 -c 'import json,sys; print(json.load(sys.stdin))'",
    "RUN bash -c 'curl -fsSL https://x/a'",
    "RUN wget https://x/install.sh | sh",
])
def test_downloads_not_run_unchecked(run_line):
    assert only("DKL503", f"FROM debian:bookworm-slim\n{run_line}\n") == []


def test_add_url_messages_say_which_builder_is_needed():
    text = "FROM alpine\nADD https://x/a.tgz /a\nADD https://github.com/a/b.git#main /b\n"
    hits = lint_text(text, "Dockerfile", select={"DKL503"}).findings
    assert [(f.line, f.column) for f in hits] == [(2, 5), (3, 5)]
    assert "syntax 1.6" in hits[0].suggestion and "syntax 1.17" in hits[1].suggestion


# --- DKL404 undefined-variable ----------------------------------------------------------------------

def test_global_arg_without_redeclaration_even_on_unknown_base():
    text = "ARG VERSION=1\nFROM myorg/base:1\nCOPY app-$VERSION.jar /app.jar\n"
    (m,) = msgs("DKL404", text)
    assert "global ARG (line 1)" in m and "unless the base image sets VERSION" in m


def test_declared_arg_without_value_is_defined():
    assert only("DKL404", "FROM alpine:3.20\nARG DIR\nWORKDIR $DIR\n") == []


def test_unknown_or_incomplete_base_env_may_define_the_name():
    assert only("DKL404", "FROM myorg/base:1\nWORKDIR $APP_HOME\n") == []
    assert only("DKL404", "FROM node:20\nWORKDIR $APP_HOME\n") == []  # node's ENV facts are incomplete
    assert only("DKL404", "FROM alpine:3.20\nWORKDIR $APP_HOME\n") == [2]


def test_base_image_env_is_in_scope():
    assert only("DKL404", "FROM golang:1.22\nCOPY x $GOPATH/x\n") == []
    assert only("DKL404", "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nUSER $APP_UID\n") == []
    assert only("DKL404", "FROM mcr.microsoft.com/dotnet/aspnet:6.0\nUSER $APP_UID\n") == [2]


def test_onbuild_and_run_are_not_expanded_by_buildkit():
    assert only("DKL404", "FROM alpine:3.20\nONBUILD COPY $SRC /src\nRUN echo $X\nCMD echo $Y\n") == []


def test_windows_stages_are_not_judged():
    assert only("DKL404", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR $APPDIR\n") == []


# --- DKL501 runs-as-root ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, lines", [
    ("FROM gcr.io/distroless/static-debian12:nonroot\nCOPY a /a\n", []),
    ("FROM gcr.io/distroless/static-debian12\nCOPY a /a\n", [1]),
    ("FROM cgr.dev/chainguard/static\nCOPY a /a\n", []),
    ("FROM cgr.dev/chainguard/go\nCOPY a /a\n", [1]),
    ("FROM debian:bookworm-slim AS build\nRUN make\nFROM gcr.io/distroless/static-debian12:nonroot\n", []),
    ("FROM node:20\nUSER node\n", []),
    ("FROM node:20\nUSER 0\n", [2]),
    ("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY a C:/a\n", []),
])
def test_runs_as_root_per_image_and_tag(text, lines):
    assert only("DKL501", text) == lines


def test_only_the_target_stage_counts():
    text = "FROM debian:bookworm-slim AS dev\nRUN true\nFROM debian:bookworm-slim AS prod\nUSER 1000\n"
    assert only("DKL501", text) == []
    assert only("DKL501", text, target="dev") == [1]


# --- DKL502 secret-in-image -------------------------------------------------------------------------

@pytest.mark.parametrize("name, secret", [
    ("NPM_TOKEN", True), ("GITHUB_TOKEN", True), ("DB_PASSWORD", True), ("SECRET_KEY_BASE", True),
    ("AWS_SECRET_ACCESS_KEY", True), ("API_KEY", True), ("adminPassword", True), ("ROOTPASS", True),
    ("GPG_PASSPHRASE", True), ("SSH_PRIVATE_KEY", True),
    ("GPG_KEY", False), ("GPG_KEYS", False), ("AWS_ACCESS_KEY_ID", False), ("RABBITMQ_PGP_KEY_ID", False),
    ("SSH_PUBLIC_KEY", False), ("DB_PASSWORD_FILE", False), ("OAUTH_TOKEN_URL", False), ("DB_USER", False),
    ("PWD", False), ("TOKENIZERS_PARALLELISM", False), ("ALLOW_EMPTY_PASSWORD", False), ("KEY", False),
    ("FTPUSER_PASSWORD_SECRET", False), ("STACK_RELEASE_KEY", False), ("REDIS_VERSION", False),
])
def test_secret_names(name, secret):
    from dockerlint.secrets import is_secret_name

    assert is_secret_name(name) is secret


def test_secret_arg_of_a_builder_stage_that_does_not_ship():
    text = ("FROM node:20 AS build\nARG NPM_TOKEN\nRUN npm ci\n"
            "FROM node:20-slim\nCOPY --from=build /app /app\n")
    assert only("DKL502", text) == []


def test_empty_default_alone_is_not_a_secret_but_a_later_run_records_it():
    assert only("DKL502", 'FROM alpine:3.20\nARG NPM_TOKEN=""\n') == []
    assert only("DKL502", 'FROM alpine:3.20\nARG NPM_TOKEN=""\nRUN true\n') == [2]


# --- speed: linear in the file ----------------------------------------------------------------------

@pytest.mark.parametrize("unit", [
    "ENV P{i}=$P{j}:/x A{i}=$HOME/{i}\n",
    "RUN make t{i} 2>&1 | tee /l{i} && curl -fsSL https://x/{i} | sh\n",
    "ARG TOKEN_{i}=v{i}\nADD https://x/{i} /d{i}\n",
])
def test_large_files_stay_linear(unit):
    def cpu(n):
        text = "FROM alpine:3.20\n" + "".join(unit.format(i=i, j=i - 1) for i in range(n))
        t0 = time.process_time()
        lint_text(text, "Dockerfile", select={"DKL404", "DKL405", "DKL501", "DKL502", "DKL503"})
        return time.process_time() - t0

    small, big = cpu(500), cpu(2000)
    assert big < 4 * small * 2.5 + 0.5  # 4x the input: well under 10x the time (no quadratic walk)


@pytest.mark.parametrize("base, sized", [
    ("golang:1.22", True), ("golang:1.8", False),  # the image figure was measured on bookworm tags
])
def test_dkl101_gives_the_toolchain_image_size_only_for_the_release_it_was_measured_on(base, sized):
    text = f"FROM {base}\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n"
    got = [f for f in lint_text(text, "Dockerfile", select={"DKL101"}).findings]
    assert len(got) == 1 and ("about 470 MB" in got[0].message) == sized, got[0].message


@pytest.mark.parametrize("base, sized", [("debian:bookworm", True), ("ubuntu:16.04", False), ("debian:jessie", False)])
def test_dkl101_gives_a_package_size_only_from_the_base_release_data(base, sized):
    # seed-8 review: bookworm's figure was printed for xenial, trusty and wheezy bases
    text = (f"FROM {base}\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential "
            "&& rm -rf /var/lib/apt/lists/*\nCOPY . /src\nRUN make -C /src && make -C /src install\n"
            "CMD [\"/usr/local/bin/app\"]\n")
    got = [f for f in lint_text(text, "Dockerfile", select={"DKL101"}).findings]
    assert len(got) == 1 and ("MB installed with its dependencies, Debian bookworm" in got[0].message) == sized, \
        got[0].message
