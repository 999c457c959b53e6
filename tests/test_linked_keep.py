"""DKL102's purge where no runtime library can be named (tests/rewrites/DECISIONS.md D1b): the
packages of what the build links are kept by docker-library's ldd pipeline, scanned where the build
writes (builds.linked_roots), or the fix is refused with its reason."""

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dockerlint.builds import linked_roots
from dockerlint.cli import cli
from dockerlint.engine import lint_text
from dockerlint.fix import apply_edits

from .helpers import findings


def _roots(text):
    model = lint_text(text, "Dockerfile").model
    stage = model.final
    return linked_roots(stage, [r for r in stage.all_runs()])


@pytest.mark.parametrize("body, roots", [
    # pip on the official image and on Debian's own pip: /usr/local
    ("FROM python:3.6-stretch\nRUN pip install psycopg2\n", ("/usr/local",)),
    ("FROM ubuntu:14.04\nRUN pip install cffi\n", ("/usr/local",)),
    # the source tree of `make -C` and of a WORKDIR build; an install prefix of its own
    ("FROM ubuntu:14.04\nRUN make -C /src && cp /src/server /usr/local/bin/\n", ("/src", "/usr/local")),
    ("FROM debian:jessie\nWORKDIR /build\nRUN ./configure --prefix=/opt/app && make && make install\n",
     ("/build", "/opt/app", "/usr/local")),
    # GOPATH mode `go get` writes $GOPATH/bin
    ("FROM debian:jessie\nENV GOPATH /go\nRUN go get github.com/x/y\n", ("/go/bin", "/usr/local")),
    # Debian's own ruby and php keep their extensions outside /usr/local
    ("FROM debian:stretch\nRUN gem install nokogiri\n", ("/usr/local", "/var/lib/gems")),
    ("FROM debian:stretch\nRUN pecl install imagick\n", ("/usr/lib/php", "/usr/local")),
    ("FROM php:7.1-apache\nRUN pecl install imagick && docker-php-ext-enable imagick\n", ("/usr/local",)),
    # Debian's php5 keeps pecl's extensions in /usr/lib/php5; packrat builds in the project
    ("FROM debian:jessie\nRUN apt-get install -y php5-dev php5-cli && pecl install mongo\n", ("/usr/lib/php5", "/usr/local")),
    ("FROM r-base:3.6\nWORKDIR /srv/app\nRUN R -e 'packrat::restore()'\n", ("/srv/app", "/usr/local")),
    # a root inside another is scanned with it
    ("FROM debian:jessie\nWORKDIR /usr/local/src/app\nRUN make\n", ("/usr/local",)),
    # pipenv and poetry where they install into site-packages or the project
    ("FROM python:3.6-stretch\nWORKDIR /app\nRUN pipenv install --system --deploy\n", ("/app", "/usr/local")),
    ("FROM python:3.6-stretch\nWORKDIR /app\nRUN poetry config virtualenvs.create false && poetry install\n",
     ("/app", "/usr/local")),
    ("FROM python:3.6-stretch\nENV POETRY_VIRTUALENVS_IN_PROJECT=true\nWORKDIR /app\nRUN poetry install\n",
     ("/app", "/usr/local")),
])
def test_linked_roots_are_where_the_build_writes(body, roots):
    assert _roots(body) == (roots, None)


@pytest.mark.parametrize("body, why", [
    ("FROM debian:jessie\nRUN make\n", "`make` builds in /"),
    ("FROM debian:jessie\nWORKDIR /src\nRUN ./build.sh\n", "dockerlint cannot tell where `./build.sh` puts what it builds"),
    ("FROM debian:jessie\nRUN pip install --user cffi\n", "`pip install --user` installs with --user"),
    ("FROM debian:jessie\nWORKDIR /src\nRUN ./configure --prefix=/usr && make install\n",
     "the build installs into /usr, among the system's own libraries"),
    ("FROM debian:jessie\nWORKDIR /src\nRUN make -C $BUILD_DIR\n", None),
    # their own virtual environments live in the user's cache, which the scan does not see
    ("FROM python:3.6-stretch\nWORKDIR /app\nRUN pipenv install --deploy\n",
     "`pipenv install` installs into a virtual environment outside the project"),
    ("FROM python:3.6-stretch\nWORKDIR /app\nRUN poetry install --no-root\n",
     "`poetry install` installs into a virtual environment outside the project"),
])
def test_linked_roots_refuse_what_cannot_be_scanned(body, why):
    roots, got = _roots(body)
    assert roots is None
    if why is not None:
        assert got == why
    else:
        assert got.startswith("the build writes to")


PHP = """FROM php:7.1-apache
RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo-dev \\
    && docker-php-ext-install gd \\
    && rm -rf /var/lib/apt/lists/*
"""


def test_the_help_and_fix_title_say_what_is_kept():
    (f,) = findings(PHP, "DKL102")
    assert f.fix.title == ("Purge `libjpeg62-turbo-dev` at the end of this RUN, keeping the packages of the shared "
                           "libraries its build links against (ldd, at build time)")
    assert f.fix.safety == "unsafe"


def test_pipefail_refuses_the_keep():
    text = PHP.replace("FROM php:7.1-apache\n", 'FROM php:7.1-apache\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n')
    (f,) = findings(text, "DKL102")
    assert f.fix is None
    assert ("no automatic fix: dockerlint does not know which runtime library `libjpeg62-turbo-dev` stands for on "
            "buster, and the RUN at line 3 runs with pipefail;") in f.suggestion


def test_a_move_into_a_one_line_run_continues_the_pipeline_on_lines_of_its_own():
    text = ("FROM debian:stretch\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo-dev "
            "&& rm -rf /var/lib/apt/lists/*\n"
            "WORKDIR /src\n"
            "COPY . .\n"
            "RUN make\n"
            'CMD ["/src/app"]\n')
    (f,) = findings(text, "DKL102")
    assert f.fix.title.endswith("; the RUN at line 2, which only installed it, goes")
    new = apply_edits(text.split("\n"), f.fix.edits)
    assert new.split("\n") == [
        "FROM debian:stretch",
        "WORKDIR /src",
        "COPY . .",
        "RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo-dev && make && "
        "find /src /usr/local -type f -executable -exec ldd '{}' ';' \\",
        "      | awk '/=>/ { so = $(NF-1); if (index(so, \"/src/\") == 1 || index(so, \"/usr/local/\") == 1) { next }; "
        "gsub(\"^/(usr/)?\", \"\", so); printf \"*%s\\n\", so }' \\",
        "      | sort -u | xargs -r dpkg-query --search \\",
        "      | awk 'sub(\":$\", \"\", $1) { print $1 }' | sort -u | xargs -r apt-mark manual \\",
        "    && apt-get purge -y --auto-remove libjpeg62-turbo-dev && rm -rf /var/lib/apt/lists/*",
        'CMD ["/src/app"]',
        "",
    ]
    assert not findings(new, "DKL102")


def test_the_keep_pipeline_runs_under_a_posix_shell(tmp_path):
    """The pipeline, with its quoting, through a real sh: fake ldd/dpkg-query/apt-mark on PATH
    record what the purge would keep (no Debian needed)."""
    (f,) = findings(PHP, "DKL102")
    from dockerlint.purges import keep_linked

    root = tmp_path / "usr-local"
    (root / "bin").mkdir(parents=True)
    app = root / "bin" / "app"
    app.write_text("")
    app.chmod(0o755)
    bindir = tmp_path / "fake"
    bindir.mkdir()
    log = tmp_path / "log"
    scripts = {
        # ldd of the app: one library of a package, one under the root itself, the vdso
        "ldd": "printf '\\tlinux-vdso.so.1 (0x1)\\n\\tlibjpeg.so.62 => /lib/x86_64-linux-gnu/libjpeg.so.62 (0x2)\\n"
               f"\\tlibown.so => {root}/lib/libown.so (0x3)\\n'",
        "dpkg-query": f"echo \"dpkg-query $*\" >> {log}; echo 'libjpeg62-turbo:amd64: /usr/lib/x86_64-linux-gnu/libjpeg.so.62'",
        "apt-mark": f"echo \"apt-mark $*\" >> {log}",
    }
    for name, body in scripts.items():
        p = bindir / name
        p.write_text(f"#!/bin/sh\n{body}\n")
        p.chmod(0o755)
    cmd = keep_linked((str(root),)).replace("\n", " ")
    env = {"PATH": f"{bindir}:/usr/bin:/bin"}
    done = subprocess.run(["sh", "-c", cmd], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines() == [
        "dpkg-query --search *lib/x86_64-linux-gnu/libjpeg.so.62",
        "apt-mark manual libjpeg62-turbo:amd64",
    ]


def test_cli_diff_shows_the_keep(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text(PHP)
    got = CliRunner().invoke(cli, ["--select", "DKL102", "--unsafe-fixes", "--diff", str(p)])
    assert got.exit_code == 1
    assert "+    && find /usr/local -type f -executable -exec ldd '{}' ';' \\\n" in got.output
    assert "+    && apt-get purge -y --auto-remove libjpeg62-turbo-dev \\\n" in got.output
    # as a subprocess, --fix writes it
    subprocess.run([sys.executable, "-m", "dockerlint", "--select", "DKL102", "--fix", "--unsafe-fixes", str(p)],
                   capture_output=True)
    assert "xargs -r apt-mark manual" in p.read_text()


def test_libraries_loaded_by_name_at_run_time_are_not_left_to_ldd():
    # Rtree loads libspatialindex_c with ctypes (fix review, afeld/spatial_join)
    text = ("FROM debian:jessie\n"
            "RUN apt-get update && apt-get install -y python-pip libspatialindex-dev && pip install rtree "
            "&& rm -rf /var/lib/apt/lists/*\n"
            'CMD ["python", "-m", "app"]\n')
    (f,) = [g for g in findings(text, "DKL102") if g.line == 2]
    assert f.fix is None
    assert ("`libspatialindex-dev` stands for a library that bindings load at run time by name"
            in f.suggestion)


def test_a_purge_that_takes_a_module_of_the_language_the_image_runs_is_refused():
    # pyqt5-dev-tools depends on python3-pyqt5 (Debian data): pyqtgraph needs it (dammi87/pylime)
    text = ("FROM debian:bookworm\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends gcc python3-pip pyqt5-dev-tools "
            "&& pip3 install --break-system-packages pyqtgraph && rm -rf /var/lib/apt/lists/*\n"
            'CMD ["python3", "-m", "app"]\n')
    (f,) = findings(text, "DKL102")
    assert f.fix is None
    assert "they bring `python3-pyqt5`, a module of a language the image runs" in f.suggestion


def test_docker_php_ext_configure_builds_with_the_headers():
    # it runs phpize and ./configure: a move past it would fail with "png.h not found"
    text = ("FROM php:7.1-apache\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends libpng-dev "
            "&& rm -rf /var/lib/apt/lists/*\n"
            "RUN docker-php-ext-configure gd --with-png-dir=/usr\n"
            "RUN docker-php-ext-install gd\n")
    (f,) = findings(text, "DKL102")
    assert f.fix.title.startswith("Join the RUNs at lines 3 and 4, which use it, into one; install `libpng-dev`")


ALPINE = ("FROM python:3.7-alpine\n"
          "RUN apk add --no-cache gcc musl-dev libffi-dev openssl-dev && pip install cryptography\n"
          'CMD ["python3", "-m", "app"]\n')


def test_alpine_keeps_what_the_build_needs_with_scanelf():
    # docker-library's python alpine pattern: sonames become `so:` dependencies of a virtual package
    (f,) = findings(ALPINE, "DKL102")
    new = apply_edits(ALPINE.split("\n"), f.fix.edits)
    assert new.split("\n")[1:6] == [
        "RUN apk add --no-cache --virtual .build-deps gcc musl-dev libffi-dev openssl-dev pax-utils && "
        "pip install cryptography && find /usr/local -type f -executable -exec scanelf --needed --nobanner "
        "--format '%n#p' '{}' ';' \\",
        "      | tr ',' '\\n' | sort -u \\",
        "      | awk 'system(\"[ -e /usr/local/lib/\" $1 \" ]\") == 0 { next } { print \"so:\" $1 }' \\",
        "      | xargs -r apk add --no-cache --virtual .run-deps \\",
        "    && apk del .build-deps",
    ]
    assert f.fix.title.endswith("keeping the shared libraries its build needs (scanelf, at build time)")


def test_alpine_s_own_python_installs_outside_the_scan():
    text = ALPINE.replace("FROM python:3.7-alpine\n", "FROM alpine:3.9\n").replace(
        "RUN apk add --no-cache gcc", "RUN apk add --no-cache python3 && apk add --no-cache gcc").replace(
        "pip install", "pip3 install")
    (f,) = findings(text, "DKL102")
    assert f.fix is None
    assert "`pip3 install` of Alpine's own pip installs into /usr/lib" in f.suggestion


def test_the_interpreter_is_not_a_module_package():
    # cython3 brings python3-minimal: the interpreter, which the base image of a pip3 user has
    # anyway (gizmoguy/packet-fuzzer lost its fix to the module check)
    text = ("FROM debian:bookworm\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends python3-pip cython3 "
            "&& pip3 install --break-system-packages . && rm -rf /var/lib/apt/lists/*\n"
            'CMD ["python3", "-m", "app"]\n')
    (f,) = findings(text, "DKL102")
    assert f.fix is not None and f.fix.title.startswith("Purge `cython3` at the end of this RUN")


def test_a_program_of_another_name_is_a_use_of_its_package():
    # subversion ships svn: the RUN that installs it and runs `svn co` uses it (osmtw/osm-tiles)
    text = ("FROM debian:bookworm\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends subversion make \\\n"
            "    && svn co https://example.com/svn/tool /src && rm -rf /var/lib/apt/lists/*\n"
            "COPY . /app\n"
            "RUN make -C /src\n"
            'CMD ["/src/tool"]\n')
    fs = [f for f in findings(text, "DKL102") if "subversion" in f.message]
    # used here too: the RUNs are joined (the COPY between them, which neither reads, moves before)
    # and the packages purged at the end, not purged before `make` needs them
    assert [f.fix.title for f in fs] == [
        "Join this RUN and the RUN at line 5, which use them, into one and purge `subversion`, `make` at "
        "its end"]


def test_libc_headers_in_an_image_without_a_compiler_are_not_purged():
    # gunicorn >= 20 on Alpine: ctypes.util.find_library("c") needs libc-dev's libc.so (vscgallery)
    text = ("FROM python:3.7-alpine\n"
            "RUN apk --no-cache add libc-dev binutils\n"
            "COPY requirements.txt /\n"
            "RUN pip install --no-cache-dir -r /requirements.txt\n"
            'CMD ["gunicorn", "app:app"]\n')
    (f,) = findings(text, "DKL102")
    assert f.fix is None
    assert "no C compiler is ever in this image, so `libc-dev` serves something else" in f.suggestion


SIMIOC = Path(__file__).resolve().parents[2] / "shared" / "corpus-dinosaur" / "d__dchabot__simioc__Dockerfile"


@pytest.mark.skipif(not SIMIOC.is_file(), reason="the dinosaur corpus is absent")
def test_fixes_that_clash_in_one_run_are_applied_one_at_a_time():
    # two joins of the same RUNs, each right alone, left one `(` unclosed together (fix review)
    from dockerlint.fix import fixed_text
    from dockerlint.runner import Options

    res = lint_text(SIMIOC.read_text("utf-8"), str(SIMIOC), select={"DKL102"})
    assert sum(1 for f in res.findings if f.fix is not None) >= 2
    new, applied, refused = fixed_text(res, Options(unsafe_fixes=True))
    assert refused is None and new is not None and applied
    after = lint_text(new, str(SIMIOC))
    assert not any(r.shell_script is not None and r.shell_script.has_errors
                   for st in after.model.stages for r in st.runs)


def test_no_purge_of_what_the_base_image_ships():
    # buildpack-deps (python:3.11-bookworm) has curl: a purge above it frees nothing (scenedetect)
    text = ("FROM python:3.11-bookworm\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n"
            "    && curl -fsSL https://example.com/x.tar.gz | tar xz -C /opt && rm -rf /var/lib/apt/lists/*\n"
            'CMD ["python3", "-m", "app"]\n')
    fs = [f for f in findings(text, "DKL102") if "curl" in f.message]
    assert fs and fs[0].fix is None
    assert "the base image ships `curl`: removing it in a later layer saves nothing" in fs[0].suggestion
