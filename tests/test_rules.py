"""The four core rules: seed expectations, every "not a finding" case, and their fixes."""

import pytest

from dockerlint import catalog
from dockerlint.checks import REGISTRY
from dockerlint.engine import lint_text
from dockerlint.fix import fixed_text
from dockerlint.runner import Options

from .conftest import SEED, needs_seed
from .helpers import codes, findings, only

# --- the seed files (issue 3's table) -----------------------------------------------------------

SEED_EXPECT = {
    "Dockerfile-single-golang": ({"DKL101", "DKL201"}, {"DKL102", "DKL103"}),
    "Dockerfile-multi-golang": (set(), {"DKL101", "DKL102", "DKL103", "DKL201"}),
    "Dockerfile-single-php": ({"DKL102"}, {"DKL101", "DKL103", "DKL201"}),
    "Dockerfile-multi-php": (set(), {"DKL101", "DKL102", "DKL103", "DKL201"}),
}


@needs_seed
@pytest.mark.parametrize("name", sorted(SEED_EXPECT))
def test_seed_expectations(name):
    must, must_not = SEED_EXPECT[name]
    found = {c for c, _ in codes((SEED / name).read_text())}
    assert must <= found
    assert not (must_not & found)


@needs_seed
def test_seed_single_golang_positions():
    got = codes((SEED / "Dockerfile-single-golang").read_text())
    assert ("DKL201", 5) in got
    assert any(c == "DKL101" and line in (1, 6, 10) for c, line in got)


@needs_seed
def test_seed_single_php_reports_wget_in_its_install():
    (f,) = findings((SEED / "Dockerfile-single-php").read_text(), "DKL102")
    assert 6 <= f.line <= 12 and "`wget`" in f.message


@needs_seed
def test_seed_rewrite_is_the_articles_multistage_dockerfile():
    res = lint_text((SEED / "Dockerfile-single-golang").read_text(), "Dockerfile-single-golang")
    new, applied, refused = fixed_text(res, Options(unsafe_fixes=True))
    assert refused is None
    assert "FROM ubuntu:latest AS build" in new
    assert "CGO_ENABLED=0 go build -o hello-world-go" in new
    tail = new.split("FROM scratch", 1)[1]
    assert "COPY --from=build /app/hello-world-go ." in tail
    assert "EXPOSE 80" in tail and 'CMD ["./hello-world-go"]' in tail
    again = lint_text(new, "x")
    assert {f.code for f in again.findings} == set()


# --- documentation: every rule's Example fires it and Use instead does not ----------------------

def test_registry_matches_documents():
    docs = catalog.catalog()
    assert set(REGISTRY) <= set(docs)
    names = [d.name for d in docs.values()]
    assert len(set(names)) == len(names)
    for d in docs.values():
        for section in catalog.SECTIONS:
            assert section in d.sections, (d.code, section)


@pytest.mark.parametrize("code", [c for c in catalog.catalog() if c not in ("DKL002",)])
def test_examples_in_rule_documents(code):
    doc = catalog.catalog()[code]
    bad, good = doc.code_block("Example"), doc.code_block("Use instead")
    assert bad and good
    assert only(code, bad), f"{code}: Example does not fire"
    assert not only(code, good), f"{code}: Use instead fires"


# --- DKL201 -------------------------------------------------------------------------------------

def test_dkl201_fires_and_points_at_the_update():
    assert only("DKL201", "FROM debian\nRUN apt-get update && apt-get install -y curl\n") == [2]
    assert only("DKL201", "FROM debian\nRUN apt-get update\n") == [2]  # lists stay in that layer
    assert only("DKL201", "FROM debian\nRUN aptitude update && aptitude install -y curl\n") == [2]
    assert only("DKL201", "FROM ubuntu\nRUN add-apt-repository ppa:x/y && apt-get install -y z\n") == [2]


def test_dkl201_install_only_runs_write_no_lists():
    # issue 10: an install writes no lists; the update's RUN is the one reported, once
    text = "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\nRUN apt-get install -y git\n"
    assert only("DKL201", text) == [2]
    assert only("DKL201", "FROM debian\nRUN aptitude install -y curl\n") == []


def test_dkl201_removal_before_the_update_does_not_count():
    assert only("DKL201", "FROM debian\nRUN rm -rf /var/lib/apt/lists/* && apt-get update "
                          "&& apt-get install -y curl\n") == [2]


@pytest.mark.parametrize("run", [
    "apt-get update && apt-get install -y curl && apt-get clean",  # clean alone is not enough
    "apt-get update && apt-get install -y curl && rm -rf /tmp/*",  # other paths
])
def test_dkl201_not_enough_cleanup(run):
    assert only("DKL201", f"FROM debian\nRUN {run}\n") == [2]


def test_dkl201_cleanup_in_a_later_run_does_not_count():
    assert only("DKL201", "FROM debian\nRUN apt-get update && apt-get install -y curl\n"
                          "RUN rm -rf /var/lib/apt/lists/*\n") == [2]


@pytest.mark.parametrize("text", [
    "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
    "FROM debian\nRUN set -eux; apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists/*\n",
    "FROM debian\nRUN apt-get update && apt-get install -y curl && apt-get dist-clean\n",
    "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \\\n"
    "    apt-get update && apt-get install -y curl\n",
    "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n",
    # a build stage that does not ship
    "FROM debian AS build\nRUN apt-get update && apt-get install -y gcc\nRUN gcc -o /app main.c\n"
    "FROM scratch\nCOPY --from=build /app /app\n",
    # a local .deb: no update, no lists written
    "FROM debian\nCOPY x.deb /tmp/\nRUN apt-get install -y /tmp/x.deb\n",
    "FROM debian\nRUN apt-get install -y ./pkg.deb\n",
    # distclean and dist-clean are the same command (apt >= 2.7.8)
    "FROM debian:trixie\nRUN apt-get update && apt-get install -y curl && apt-get distclean\n",
    "FROM ubuntu\nRUN add-apt-repository -n ppa:x/y\n",
    "FROM ubuntu\nRUN add-apt-repository --no-update ppa:x/y\n",
])
def test_dkl201_not_a_finding(text):
    assert only("DKL201", text) == []


def test_dkl201_target_selects_the_shipped_stage():
    text = "FROM debian AS a\nRUN apt-get update\nFROM debian AS b\nRUN echo hi\n"
    assert only("DKL201", text) == []
    assert only("DKL201", text, target="a") == [2]


def test_dkl201_shipped_through_from_stage():
    text = "FROM debian AS base\nRUN apt-get update\nFROM base\nCMD [\"bash\"]\n"
    assert only("DKL201", text) == [2]


# --- DKL103 -------------------------------------------------------------------------------------

GO_SCRATCH = """FROM golang:1.22 AS build
WORKDIR /src
{pre}RUN {cmd}go build -o /out/app .
FROM {final}
COPY --from={ref} /out/app /app
ENTRYPOINT ["/app"]
"""


def go(pre="", cmd="", final="scratch", ref="build"):
    return GO_SCRATCH.format(pre=pre, cmd=cmd, final=final, ref=ref)


def test_dkl103_fires_on_scratch_and_names_the_failure():
    (f,) = findings(go(), "DKL103")
    assert f.line == 5 and "no such file or directory" in f.message


@pytest.mark.parametrize("final", ["scratch", "gcr.io/distroless/static-debian12", "alpine:3.20"])
def test_dkl103_libc_less_or_other_libc(final):
    assert only("DKL103", go(final=final)) == [5]


def test_dkl103_follows_index_reference():
    assert only("DKL103", go(ref="0")) == [5]


@pytest.mark.parametrize("kw", [
    {"pre": "ENV CGO_ENABLED=0\n"},
    {"pre": "ARG CGO_ENABLED=0\n"},
    {"cmd": "CGO_ENABLED=0 "},
    {"cmd": "export CGO_ENABLED=0 && "},
    {"cmd": "go env -w CGO_ENABLED=0 && "},
    {"final": "debian:bookworm-slim"},  # same libc
    {"final": "gcr.io/distroless/base-debian12"},
])
def test_dkl103_not_a_finding(kw):
    assert only("DKL103", go(**kw)) == []


def test_dkl103_static_link_flags():
    text = go().replace("go build -o", "go build -ldflags '-extldflags \"-static\"' -tags netgo,osusergo -o")
    assert only("DKL103", text) == []


def test_dkl103_alpine_builder_has_no_compiler_unless_installed():
    text = go().replace("golang:1.22", "golang:1.22-alpine")
    assert only("DKL103", text) == []
    with_gcc = text.replace("WORKDIR /src\n", "WORKDIR /src\nRUN apk add --no-cache gcc musl-dev\n")
    assert only("DKL103", with_gcc) == [6]


def test_dkl103_global_arg_is_not_in_scope_unless_redeclared():
    text = "ARG CGO_ENABLED=0\n" + go()
    assert only("DKL103", text) == [6]
    redeclared = "ARG CGO_ENABLED=0\n" + go(pre="ARG CGO_ENABLED\n")
    assert only("DKL103", redeclared) == []


def test_dkl103_env_inherited_through_from_stage():
    text = ("FROM golang:1.22 AS base\nENV CGO_ENABLED=0\nFROM base AS build\nRUN go build -o /out/app .\n"
            "FROM scratch\nCOPY --from=build /out/app /app\n")
    assert only("DKL103", text) == []


def test_dkl103_arg_resolved_from():
    text = ("ARG GO=golang:1.22\nFROM ${GO} AS build\nRUN go build -o /out/app .\n"
            "FROM scratch\nCOPY --from=build /out/app /app\n")
    assert only("DKL103", text) == [5]


def test_dkl103_copying_something_else_is_fine():
    text = go().replace("COPY --from=build /out/app /app",
                        "COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/")
    assert only("DKL103", text) == []


def test_dkl103_fix_sets_cgo_off():
    res = lint_text(go(), "Dockerfile")
    new, _applied, refused = fixed_text(res, Options(unsafe_fixes=True, select={"DKL103"}))
    assert refused is None and "RUN CGO_ENABLED=0 go build -o /out/app ." in new


# --- DKL101 -------------------------------------------------------------------------------------

def test_dkl101_toolchain_from_base_image():
    text = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /src/app .\nCMD [\"/src/app\"]\n"
    (f,) = findings(text, "DKL101")
    assert f.line == 4 and "Go toolchain" in f.message


def test_dkl101_toolchain_from_packages_and_later_purge_does_not_help():
    text = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y golang-go && rm -rf /var/lib/apt/lists/*\n"
            "COPY . /src\nRUN cd /src && go build -o /usr/local/bin/app .\n"
            "RUN apt-get purge -y golang-go\nCMD [\"app\"]\n")
    assert only("DKL101", text) == [4]


@pytest.mark.parametrize("text", [
    # toolchain used at run time
    "FROM golang:1.22\nCOPY . .\nRUN go build ./...\nCMD [\"go\", \"run\", \".\"]\n",
    # a toolchain / CI image: nothing of its own runs
    "FROM golang:1.22\nRUN go install golang.org/x/tools/cmd/goimports@latest\n",
    "FROM golang:1.22\nRUN go install golang.org/x/tools/cmd/goimports@latest\nCMD [\"bash\"]\n",
    # multi-stage already
    "FROM golang:1.22 AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\nCMD [\"/app\"]\n",
    # compiler installed and purged in the same RUN
    "FROM debian\nRUN apt-get update && apt-get install -y gcc make && make && make install "
    "&& apt-get purge -y --auto-remove gcc make && rm -rf /var/lib/apt/lists/*\nCMD [\"/usr/local/bin/app\"]\n",
])
def test_dkl101_not_a_finding(text):
    assert only("DKL101", text) == []


# --- DKL102 -------------------------------------------------------------------------------------

APP = "CMD [\"/usr/local/bin/app\"]\n"


def test_dkl102_headers_and_compilers_left_behind():
    text = "FROM alpine:3.20\nRUN apk add --no-cache build-base openssl-dev\nRUN ./build.sh\n" + APP
    (f,) = findings(text, "DKL102")
    assert f.line == 2 and "`build-base`" in f.message and "`openssl-dev`" in f.message


@pytest.mark.parametrize("text", [
    # virtual package deleted in the same RUN
    "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n" + APP,
    # purged in the same RUN
    "FROM debian\nRUN apt-get update && apt-get install -y gcc && make && apt-get purge -y --auto-remove gcc "
    "&& rm -rf /var/lib/apt/lists/*\n" + APP,
    # Debian's apt-mark idiom
    "FROM debian\nRUN set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; apt-get install -y gcc libssl-dev; "
    "make; apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; "
    "apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false; rm -rf /var/lib/apt/lists/*\n" + APP,
    # used at run time
    "FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN curl -fsSLo /x https://example.com/x\n"
    "HEALTHCHECK CMD curl -f http://localhost/ || exit 1\n" + APP,
    # a downloader the build never runs
    "FROM alpine:3.20\nRUN apk add --no-cache curl\n" + APP,
    # a stage that does not ship
    "FROM alpine:3.20 AS b\nRUN apk add --no-cache gcc musl-dev && gcc -o /app main.c\n"
    "FROM alpine:3.20\nCOPY --from=b /app /usr/local/bin/app\n" + APP,
    # a build environment: no CMD of its own, or only a shell
    "FROM alpine:3.20\nRUN apk add --no-cache build-base git\n",
    "FROM alpine:3.20\nRUN apk add --no-cache build-base git\nCMD [\"bash\"]\n",
])
def test_dkl102_not_a_finding(text):
    assert only("DKL102", text) == []


def test_dkl102_does_not_repeat_dkl101():
    text = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y golang-go && rm -rf /var/lib/apt/lists/*\n"
            "RUN go build -o /app .\nCMD [\"/app\"]\n")
    assert only("DKL101", text) == [3]
    assert only("DKL102", text) == []


def test_dkl102_removal_in_later_run_is_still_reported():
    text = "FROM alpine:3.20\nRUN apk add --no-cache openssl-dev\nRUN ./build.sh\nRUN apk del openssl-dev\n" + APP
    (f,) = findings(text, "DKL102")
    assert "is removed at line 4, a layer later, which does not shrink the image" in f.message


# --- fixes: parse, settle, clear their finding, idempotent --------------------------------------

FIXABLE = [
    "FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\"]\n",
    "FROM debian\nRUN apt-get update \\\n    && apt-get install -y curl\nCMD [\"curl\"]\n",
    "FROM debian\nRUN apt-get update && \\\n    apt-get install -y curl\nCMD [\"curl\"]\n",
    "FROM debian\nRUN set -eux; \\\n    apt-get update; \\\n    apt-get install -y curl\nCMD [\"curl\"]\n",
    "FROM debian\nRUN <<EOF\nset -e\napt-get update\nEOF\nCMD [\"curl\"]\n",
    "FROM debian\r\nRUN apt-get update && apt-get install -y curl\r\nCMD [\"curl\"]\r\n",
    "\ufeffFROM debian\nRUN apt-get update\n",
    "# escape=`\nFROM debian\nRUN apt-get update `\n    && apt-get install -y curl\n",
    go(),
    "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /src/app .\nEXPOSE 80\nUSER 1000\nCMD [\"/src/app\"]\n",
]


@pytest.mark.parametrize("text", FIXABLE)
def test_fixes_parse_clear_and_are_idempotent(text):
    res = lint_text(text, "Dockerfile")
    before = {f.code for f in res.findings if f.fix}
    assert before
    new, applied, refused = fixed_text(res, Options(unsafe_fixes=True))
    assert refused is None and new is not None and applied
    after = lint_text(new, "Dockerfile")
    assert after.parsed.issues == []
    assert not ({f.code for f in after.findings} & before)
    assert fixed_text(after, Options(unsafe_fixes=True))[0] is None  # a second round changes nothing
    # line endings, BOM and escape are kept
    assert ("\r\n" in new) == ("\r\n" in text)
    assert new.startswith("\ufeff") == text.startswith("\ufeff")
    if "escape=`" in text:
        assert "`\n" in new and "\\\n" not in new


def test_safe_only_by_default():
    res = lint_text(go(), "Dockerfile")
    assert fixed_text(res, Options())[0] is None


# --- issue 10 §5, §6: facts from the Debian archive, messages that are true -------------------

@pytest.mark.parametrize("pkg", ["build-essential", "gcc", "g++"])
def test_dkl101_names_the_compiler_with_its_size_from_the_debian_archive(pkg):
    from dockerlint import debian

    text = (f"FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends {pkg} "
            "&& rm -rf /var/lib/apt/lists/*\nCOPY . /src\nRUN make -C /src\nCMD [\"/src/app\"]\n")
    (f,) = findings(text, "DKL101")
    mb = round(debian.package(pkg, "bookworm").closure_mb)
    assert f"the gcc/g++ C/C++ compiler from package `{pkg}`" in f.message
    assert f"about {mb} MB installed with its dependencies, Debian bookworm" in f.message
    assert "make (~1 MB)" not in f.message and "`make` compiles" in f.message


def test_dkl101_on_alpine_names_the_compiler_without_a_made_up_size():
    text = "FROM alpine:3.20\nRUN apk add --no-cache build-base\nCOPY . /src\nRUN make -C /src\nCMD [\"/src/app\"]\n"
    (f,) = findings(text, "DKL101")
    assert "the gcc/g++ C/C++ compiler from package `build-base` installed at line 2 ships" in f.message


@pytest.mark.parametrize("pkg", ["postgresql-server-dev-16", "linux-headers-6.1.0-18-amd64", "python3-dev"])
def test_dkl102_headers_whose_name_does_not_end_in_dev(pkg):
    text = (f"FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends {pkg} "
            "&& rm -rf /var/lib/apt/lists/*\nCMD [\"/app\"]\n")
    (f,) = findings(text, "DKL102")
    assert f.message.startswith(f"`{pkg}` (development headers) is only needed to build")


def test_dkl101_names_the_maven_goal():
    text = "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /app\nCOPY . .\nRUN mvn -B -q -DskipTests clean package\nCMD [\"java\", \"-jar\", \"target/app.jar\"]\n"
    (f,) = findings(text, "DKL101")
    assert f.message.startswith("`mvn package` compiles the application")


def test_make_clean_is_not_a_build():
    text = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends build-essential "
            "&& rm -rf /var/lib/apt/lists/*\nCOPY . /src\nRUN make -C /src\nRUN make -C /src clean\nCMD [\"/src/app\"]\n")
    (f,) = findings(text, "DKL101")
    assert f.line == 4


def test_dkl101_not_when_the_base_ships_the_compiler_anyway():
    # php images keep their phpize compilers: a multi-stage build on php ships them as well
    text = ("FROM php:8.2-fpm\nRUN apt-get update && apt-get install -y --no-install-recommends g++ libicu-dev "
            "&& rm -rf /var/lib/apt/lists/*\nRUN docker-php-ext-configure intl && make -C /tmp/x\n")
    assert only("DKL101", text) == []
    assert all("`g++`" not in f.message for f in findings(text, "DKL102"))


def test_dkl201_add_apt_repository_only_updates_where_the_release_does():
    old = "FROM ubuntu:precise\nRUN add-apt-repository ppa:x/y\n"
    assert only("DKL201", old) == []
    assert only("DKL201", "FROM someorg/base:1\nRUN add-apt-repository ppa:x/y\n") == []  # release unknown
    assert only("DKL201", "FROM someorg/base:1\nRUN add-apt-repository -u ppa:x/y\n") == [2]


def test_dkl201_installing_software_properties_changes_no_sources():
    # seed-13 review (filemon/fuse): the help blamed the install of software-properties-common for a
    # sources change that add-apt-repository makes later
    text = ("FROM ubuntu:22.04\nRUN apt-get update\nRUN apt-get install -y software-properties-common\n"
            "RUN apt-get install -y curl\n")
    f = findings(text, "DKL201")
    assert [x.line for x in f] == [2] and "changes apt's sources" not in (f[0].suggestion or "")
    text += "RUN add-apt-repository -n ppa:x/y\nRUN apt-get install -y z\n"
    f = findings(text, "DKL201")
    assert f[0].fix is None and "line 5 changes apt's sources or keys" in f[0].suggestion


def test_dkl102_full_image_not_reported_when_the_app_runs_its_tools():
    text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD git pull && node server.js\n"
    assert [f for f in findings(text, "DKL102") if f.line == 1] == []


def test_dkl102_full_image_size_only_for_the_measured_release():
    new = findings("FROM node:20-bookworm\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"s.js\"]\n", "DKL102")
    old = findings("FROM node:6\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"node\", \"s.js\"]\n", "DKL102")
    assert "(about 800 MB)" in new[0].message and "MB" not in old[0].message
