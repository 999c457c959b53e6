"""Debian package facts: the shipped table (rules/knowledge/debian.json), its loader
(dockerlint.debian) and the script that makes it (tools/debian_facts.py), the
latter on a small Packages-format archive written here, without network."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dockerlint import debian
from dockerlint.knowledge import knowledge_dir

ROOT = Path(__file__).resolve().parent.parent


def _load_tool():
    spec = importlib.util.spec_from_file_location("debian_facts", ROOT / "tools" / "debian_facts.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["debian_facts"] = mod
    spec.loader.exec_module(mod)
    return mod


facts = _load_tool()


# ---------------------------------------------------------------------------
# The shipped table, through the loader
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dev, release, libs", [
    ("libpq-dev", "bookworm", ("libpq5",)),
    ("libssl-dev", "bookworm", ("libssl3",)),
    ("libssl-dev", "bullseye", ("libssl1.1",)),
    ("libssl-dev", "trixie", ("libssl3t64",)),
    ("libxml2-dev", "bookworm", ("libxml2",)),
    ("libjpeg-dev", "bookworm", ("libjpeg62-turbo",)),
    ("default-libmysqlclient-dev", "bookworm", ("libmariadb3",)),
    ("zlib1g-dev", "bookworm", ("zlib1g",)),
    ("libffi-dev", "bookworm", ("libffi8",)),
    ("libffi-dev", "bullseye", ("libffi7",)),
    # Ubuntu, each from `apt-cache show` in the release's private apt root (2026-11-30): jammy's
    # libpq-dev (postgresql-14) Depends libpq5; xenial's libssl-dev (1.0.2g) Depends libssl1.0.0;
    # focal's (1.1.1f) libssl1.1; noble's (3.0.13) libssl3t64
    ("libpq-dev", "jammy", ("libpq5",)),
    ("libssl-dev", "xenial", ("libssl1.0.0",)),
    ("libssl-dev", "focal", ("libssl1.1",)),
    ("libssl-dev", "noble", ("libssl3t64",)),
])
def test_runtime_library_of_a_development_package(dev, release, libs):
    assert debian.runtime_libraries(dev, release) == libs
    assert debian.package(dev, release).runtime_libraries == libs


def test_runtime_libraries_come_from_the_release_asked_for():
    # by version number and image tag, not only by codename
    assert debian.runtime_libraries("libssl-dev", "11") == ("libssl1.1",)
    assert debian.runtime_libraries("libssl-dev", "python:3.11-slim-bullseye") == ("libssl1.1",)
    # an unknown release falls back to bookworm
    assert debian.runtime_libraries("libssl-dev", "sid") == ("libssl3",)
    assert debian.runtime_libraries("curl") == ()


def test_build_essential_closure_over_the_slim_base():
    # Measured when the table was made: 56 packages, 315,400 KiB = 323.0 MB, the
    # figure `apt-get install --no-install-recommends build-essential` prints over a
    # dpkg status holding exactly debian:bookworm-slim's 88 packages.
    p = debian.package("build-essential")
    assert 310 <= p.closure_mb <= 340
    assert debian.install_size_mb(["build-essential"]) == p.closure_mb
    assert p.closure_with_recommends_mb > p.closure_mb
    assert debian.install_size_mb(["build-essential"], recommends=True) == p.closure_with_recommends_mb
    assert p.size_mb < 1  # a metapackage: the weight is in its dependencies


@pytest.mark.parametrize("name, category", [
    ("postgresql-server-dev-16", "headers"),
    ("postgresql-server-dev-15", "headers"),
    ("linux-headers-amd64", "headers"),
    ("python3-dev", "headers"),
    ("python3.11-dev", "headers"),
    ("libpq-dev", "headers"),
    ("golang-go", "toolchain"),
    ("gcc", "compiler"),
    ("g++", "compiler"),
    ("build-essential", "compiler"),
    ("clang", "compiler"),
    ("make", "build-tool"),
    ("cmake", "build-tool"),
    ("pkg-config", "build-tool"),
    ("pkgconf", "build-tool"),
    ("autoconf", "build-tool"),
    ("bison", "build-tool"),
])
def test_build_only(name, category):
    assert debian.package(name).build_only == category


@pytest.mark.parametrize("name", [
    "udev", "libudev1", "ca-certificates", "tzdata", "curl", "git", "libpq5", "libssl3",
    "gdb", "strace", "valgrind", "binutils", "cpp", "python3-pip", "gettext-base",
])
def test_not_build_only(name):
    p = debian.package(name)
    assert p is not None, name
    assert p.build_only is None
    assert p.why


@pytest.mark.parametrize("release, name, in_base", [
    # the ubuntu:REL images' own package lists (tools/debian_facts.py BASE_ADJUST, with sources)
    ("xenial", "tzdata", False), ("focal", "bzip2", True), ("focal", "libgcc1", False),
    ("bionic", "bzip2", True), ("jammy", "bzip2", False), ("xenial", "procps", True),
    ("jammy", "apt", True), ("jammy", "gcc", False),
])
def test_ubuntu_base_is_the_images_package_set(release, name, in_base):
    p = debian.package(name, release)
    assert p is not None and p.release == release
    assert p.in_base is in_base


def test_release_names_in_messages():
    assert debian.release_name("jammy") == "Ubuntu 22.04 (jammy)"
    assert debian.release_name("bookworm") == "Debian bookworm"
    assert debian.base_image("jammy") == "ubuntu:jammy"
    assert debian.base_image("bookworm") == "debian:bookworm-slim"


def test_a_small_file_without_apt_loads_no_package_data():
    code = ("import dockerlint.debian as d; from dockerlint.engine import lint_text; "
            "lint_text('FROM ubuntu:22.04\\nRUN echo hi > /greeting\\nCMD [\"cat\", \"/greeting\"]\\n', 'Dockerfile'); "
            "print(d._index.cache_info().currsize, d._body.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["0", "0"]


def test_every_reason_is_explained():
    table = facts.load_table(knowledge_dir() / "debian.json")
    why = table["meta"]["why"]
    for rel, body in table["releases"].items():
        for name, row in body["packages"].items():
            assert row[2] in why, (rel, name, row[2])
            assert row[1] in (None, "compiler", "headers", "build-tool", "toolchain"), (rel, name)


@pytest.mark.parametrize("name", ["curl", "wget", "git"])
def test_recommends_pull_ca_certificates_on_bookworm(name):
    p = debian.package(name, "bookworm")
    assert "ca-certificates" in p.recommends
    assert p.closure_with_recommends_mb > p.closure_mb


def test_apt_facts():
    # apt 2.7.8 added dist-clean: trixie's 3.0, noble's 2.8 and resolute's 3.x have it
    assert [r for r in debian.known_releases() if debian.apt_facts(r).has_distclean] == ["trixie", "noble", "resolute"]
    assert debian.known_releases() == ("bullseye", "bookworm", "trixie",
                                       "xenial", "bionic", "focal", "jammy", "noble", "resolute")
    bookworm = debian.apt_facts("bookworm")
    assert bookworm.apt_version.startswith("2.6.")
    assert 15 <= bookworm.lists_mb <= 25  # measured 19.9 MB
    assert "du -sb" in bookworm.lists_source
    assert debian.apt_facts("trixie").apt_version.split(".")[0] == "3"
    # no guess for a release the table lacks: a newer one may have distclean
    assert debian.apt_facts("sid") is None
    assert debian.apt_facts("trusty") is None
    assert debian.apt_facts("jammy").apt_version.startswith("2.4.")
    assert debian.apt_facts("xenial").apt_version.startswith("1.2.")


@pytest.mark.parametrize("text, key", [
    ("bookworm", "bookworm"), ("Bookworm", "bookworm"), ("12", "bookworm"), ("12.5", "bookworm"),
    ("debian12", "bookworm"), ("debian-12", "bookworm"), ("bookworm-slim", "bookworm"),
    ("debian:bookworm-slim", "bookworm"), ("3.12-slim-bookworm", "bookworm"),
    ("11", "bullseye"), ("trixie", "trixie"), ("13", "trixie"),
    ("noble", "noble"), ("ubuntu:22.04", "jammy"), ("22.04", "jammy"), ("ubuntu:16.04", "xenial"),
    ("ubuntu:xenial", "xenial"), ("ubuntu22.04", "jammy"), ("ubuntu-20.04", "focal"),
    ("11.8.0-devel-ubuntu22.04", "jammy"), ("ubuntu:jammy-20240911", "jammy"), ("17-jdk-jammy", "jammy"),
    ("24.04", "noble"), ("ubuntu:14.04", None), ("trusty", None), ("ubuntu", None), ("12.10", "bookworm"),
    ("sid", None), ("3.12", None), ("", None),
])
def test_release_of(text, key):
    assert debian.release_of(text) == key


def test_names_as_written_in_apt_commands():
    gcc = debian.package("gcc")
    for word in ("gcc=4:12.2.0-3", "gcc:amd64", "gcc/bookworm-backports", "GCC"):
        assert debian.package(word) == gcc
    # a virtual name that Dockerfiles use resolves to what apt installs
    assert debian.package("libz-dev").name == "zlib1g-dev"
    assert debian.package("no-such-package-here") is None


def test_install_size_counts_shared_dependencies_once():
    gcc, gpp = debian.package("gcc"), debian.package("g++")
    both = debian.install_size_mb(["gcc", "g++"])
    assert max(gcc.closure_mb, gpp.closure_mb) <= both < gcc.closure_mb + gpp.closure_mb
    assert debian.install_size_mb(["gcc", "gcc=4:12.2.0-3"]) == gcc.closure_mb
    assert debian.install_size_mb([]) == 0.0
    assert debian.install_size_mb(["tzdata"]) == 0.0  # already in the base
    assert debian.install_size_mb(["curl", "no-such-package-here"]) is None
    assert debian.package("tzdata").in_base and not debian.package("curl").in_base


def test_a_release_without_the_package_borrows_only_the_classification():
    # bookworm lists every build-only candidate; bullseye only what Dockerfiles name
    name = next(n for n, row in _release_rows("bookworm").items()
                if row[1] == "headers" and n not in _release_rows("bullseye") and row[0] == "libdevel")
    p = debian.package(name, "bullseye")
    assert p.build_only == "headers" and p.release == "bookworm"
    assert p.runtime_libraries == () and p.closure_mb is None


def _release_rows(rel):
    return json.loads((knowledge_dir() / "debian" / f"{rel}.json").read_text())["packages"]


def test_importing_loads_nothing_and_a_query_loads_only_its_release():
    code = ("import dockerlint.debian as d; before = d._index.cache_info().currsize + d._body.cache_info().currsize; "
            "d.package('gcc', 'ubuntu:22.04'); print(before, d._index.cache_info().currsize, "
            "d._body.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["0", "1", "1"]  # the index and jammy's file, not bookworm's


def test_loader_finds_the_table_in_the_wheel_layout(tmp_path):
    # pyproject force-includes rules/ as dockerlint/_rules; knowledge_dir() prefers it
    pkg = tmp_path / "dockerlint"
    shutil.copytree(ROOT / "dockerlint", pkg, ignore=shutil.ignore_patterns("__pycache__", "_rules"))
    (pkg / "_rules" / "knowledge").mkdir(parents=True)
    shutil.copy(ROOT / "rules" / "knowledge" / "debian.json", pkg / "_rules" / "knowledge")
    shutil.copytree(ROOT / "rules" / "knowledge" / "debian", pkg / "_rules" / "knowledge" / "debian")
    code = ("import dockerlint.debian as d, dockerlint.knowledge as k; "
            "print(k.knowledge_dir().parent.name, d.runtime_libraries('libpq-dev'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(tmp_path), "PATH": ""})
    assert out.stdout.strip() == "_rules ('libpq5',)"


def test_table_is_sorted_one_entry_per_line_and_small():
    index = knowledge_dir() / "debian.json"
    assert index.stat().st_size < 50_000  # read by every run that asks for a release
    table = facts.load_table(index)
    files = facts.dump_table(table)
    # the writer's own layout: regenerating gives no noise, and no stray release file
    assert sorted(files) == sorted(["debian.json"] + [f"debian/{p.name}" for p in (index.parent / "debian").iterdir()])
    for rel_path, text in files.items():
        assert (index.parent / rel_path).read_text() == text, rel_path
    for rel in table["releases"]:
        path = index.parent / "debian" / f"{rel}.json"
        assert path.stat().st_size < 1_500_000, rel  # one release is all a run loads
        assert any(line.startswith('"libpq-dev":[') for line in path.read_text().splitlines()), rel
        names = list(table["releases"][rel]["packages"])
        assert names == sorted(names)


# ---------------------------------------------------------------------------
# The script's logic on a small archive written here
# ---------------------------------------------------------------------------

PACKAGES = textwrap.dedent("""\
    Package: libc6
    Version: 2.36-9
    Installed-Size: 12000
    Priority: required
    Section: libs
    Source: glibc
    Multi-Arch: same
    Description: GNU C Library: Shared libraries

    Package: base-files
    Version: 12.4
    Installed-Size: 300
    Priority: required
    Essential: yes
    Section: admin
    Description: Debian base system miscellaneous files

    Package: init-system-helpers
    Version: 1.65
    Installed-Size: 100
    Priority: required
    Section: admin
    Depends: usrmerge | usr-is-merged
    Description: helper tools for all init systems

    Package: usrmerge
    Version: 37
    Installed-Size: 50
    Priority: optional
    Section: admin
    Depends: perl
    Provides: usr-is-merged
    Description: Convert the system to merged /usr directories

    Package: usr-is-merged
    Version: 37
    Installed-Size: 10
    Priority: optional
    Section: oldlibs
    Source: usrmerge
    Description: Transitional package to assert a merged-/usr system

    Package: perl
    Version: 5.36.0-7
    Installed-Size: 700
    Priority: standard
    Section: perl
    Depends: libc6
    Provides: libtest-simple-perl (= 1.3)
    Description: Larry Wall's Practical Extraction and Report Language

    Package: apt
    Version: 2.6.1
    Installed-Size: 4000
    Priority: important
    Section: admin
    Depends: libapt-pkg6.0 (>= 2.6.1), libc6 (>= 2.34)
    Recommends: ca-certificates
    Description: commandline package manager

    Package: libapt-pkg6.0
    Version: 2.6.1
    Installed-Size: 3000
    Priority: optional
    Section: libs
    Source: apt
    Multi-Arch: same
    Description: package management runtime library

    Package: ca-certificates
    Version: 20230311
    Installed-Size: 400
    Priority: optional
    Section: misc
    Depends: openssl
    Description: Common CA certificates

    Package: openssl
    Version: 3.0.11-1
    Installed-Size: 2000
    Priority: optional
    Section: utils
    Depends: libssl3, libc6
    Description: Secure Sockets Layer toolkit - cryptographic utility

    Package: libssl3
    Version: 3.0.11-1
    Installed-Size: 6000
    Priority: optional
    Section: libs
    Source: openssl
    Multi-Arch: same
    Description: Secure Sockets Layer toolkit - shared libraries

    Package: libssl-dev
    Version: 3.0.11-1
    Installed-Size: 12000
    Priority: optional
    Section: libdevel
    Source: openssl (3.0.11-1)
    Depends: libssl3 (= 3.0.11-1)
    Description: Secure Sockets Layer toolkit - development files

    Package: libcurl4
    Version: 7.88.1-10
    Installed-Size: 800
    Priority: optional
    Section: libs
    Source: curl
    Multi-Arch: same
    Depends: libc6, libssl3
    Recommends: ca-certificates
    Description: easy-to-use client-side URL transfer library

    Package: curl
    Version: 7.88.1-10
    Installed-Size: 500
    Priority: optional
    Section: web
    Depends: libcurl4 (= 7.88.1-10),
     libc6
    Description: command line tool for transferring data with URL syntax

    Package: libjpeg62-turbo
    Version: 1:2.1.5-2
    Installed-Size: 600
    Section: libs
    Source: libjpeg-turbo
    Multi-Arch: same
    Description: libjpeg-turbo JPEG runtime library

    Package: libjpeg62-turbo-dev
    Version: 1:2.1.5-2
    Installed-Size: 900
    Section: libdevel
    Source: libjpeg-turbo
    Depends: libjpeg62-turbo (= 1:2.1.5-2), libc-dev
    Provides: libjpeg-dev
    Description: Development files for the libjpeg-turbo JPEG library

    Package: libjpeg-dev
    Version: 1:2.1.5-2
    Installed-Size: 20
    Section: libdevel
    Source: libjpeg-turbo
    Depends: libjpeg62-turbo-dev
    Description: Development files for the JPEG library [dummy package]

    Package: libmariadb3
    Version: 1:10.11.4-1
    Installed-Size: 500
    Section: libs
    Source: mariadb
    Multi-Arch: same
    Description: MariaDB database client library

    Package: libmariadb-dev
    Version: 1:10.11.4-1
    Installed-Size: 700
    Section: libdevel
    Source: mariadb
    Depends: libmariadb3 (= 1:10.11.4-1), libssl-dev
    Description: MariaDB database development files

    Package: default-libmysqlclient-dev
    Version: 1.1.0
    Installed-Size: 9
    Section: database
    Source: mysql-defaults
    Depends: libmariadb-dev
    Description: MySQL database development files (metapackage)

    Package: libc6-dev
    Version: 2.36-9
    Installed-Size: 14000
    Section: libdevel
    Source: glibc
    Depends: libc6 (= 2.36-9)
    Provides: libc-dev
    Description: GNU C Library: Development Libraries and Header Files

    Package: gcc
    Version: 4:12.2.0-3
    Installed-Size: 50
    Section: devel
    Source: gcc-defaults (1.203)
    Depends: cpp, libc6-dev | libc-dev
    Recommends: libc6-dev | libc-dev
    Description: GNU C compiler

    Package: cpp
    Version: 4:12.2.0-3
    Installed-Size: 40
    Section: interpreters
    Source: gcc-defaults (1.203)
    Description: GNU C preprocessor (cpp)

    Package: libtool-helper
    Version: 1.0
    Installed-Size: 100
    Section: perl
    Depends: perl, libtest-simple-perl (>= 1.3)
    Description: a Perl module whose dependency perl provides

    Package: libtest-simple-perl
    Version: 1.302
    Installed-Size: 3000
    Section: perl
    Description: basic utilities for writing tests

    Package: udev
    Version: 252.30
    Installed-Size: 11000
    Priority: important
    Section: admin
    Source: systemd
    Depends: libc6
    Description: /dev/ and hotplug management daemon

    Package: gambas3-runtime
    Version: 3.18
    Installed-Size: 1000
    Section: libdevel
    Depends: libc6
    Description: Gambas runtime interpreter
    """)


@pytest.fixture(scope="module")
def archive():
    return facts.Archive(facts.parse_packages(PACKAGES))


def test_parse_packages_reads_fields_continuations_and_sources(archive):
    curl = archive.packages["curl"]
    assert curl.depends == [["libcurl4"], ["libc6"]]  # continuation line, version dropped
    assert archive.packages["libssl-dev"].source == "openssl"  # "openssl (3.0.11-1)"
    assert archive.packages["gcc"].depends == [["cpp"], ["libc6-dev", "libc-dev"]]
    assert archive.packages["libjpeg62-turbo-dev"].provides == ["libjpeg-dev"]
    assert archive.packages["base-files"].essential
    assert archive.packages["libc6"].installed_kib == 12000
    assert archive.packages["cpp"].source == "gcc-defaults"
    assert facts.parse_relations("a (>= 1) | b:any, c [amd64] <!nocheck>") == [["a", "b"], ["c"]]


def test_base_is_required_plus_apt_with_usr_is_merged(archive):
    base = archive.base()
    assert base == {"libc6", "base-files", "init-system-helpers", "usr-is-merged", "apt", "libapt-pkg6.0"}
    assert "perl" not in base  # usrmerge's perl is not pulled


def test_closures_and_recommends(archive):
    base = archive.base()
    assert archive.closure(["curl"], base) == {"curl", "libcurl4", "libssl3"}
    assert archive.closure(["curl"], base, recommends=True) == {"curl", "libcurl4", "libssl3", "ca-certificates",
                                                                 "openssl"}
    # libc-dev is satisfied by the first alternative; the Recommends repeats a dependency
    assert archive.closure(["gcc"], base) == {"gcc", "cpp", "libc6-dev"}
    assert archive.closure(["gcc"], base, recommends=True) == {"gcc", "cpp", "libc6-dev"}
    # a dependency that a sibling dependency provides adds nothing
    assert archive.closure(["libtool-helper"], base) == {"libtool-helper", "perl"}
    assert facts.recommended(archive, "curl", base) == ["ca-certificates"]
    assert archive.closure(["libc6"], base) == set()


def test_runtime_libraries_follow_same_source_pointer_and_virtual_packages(archive):
    assert facts.runtime_libraries(archive, "libssl-dev") == ["libssl3"]
    assert facts.runtime_libraries(archive, "libjpeg-dev") == ["libjpeg62-turbo"]
    assert facts.runtime_libraries(archive, "default-libmysqlclient-dev") == ["libmariadb3"]
    # libssl-dev is a dependency of libmariadb-dev, but from another source
    assert facts.runtime_libraries(archive, "libmariadb-dev") == ["libmariadb3"]


def test_classify(archive):
    cls = {n: facts.classify(p)[0] for n, p in archive.packages.items()}
    assert cls["libssl-dev"] == cls["libjpeg-dev"] == cls["libc6-dev"] == "headers"
    assert cls["gcc"] == "compiler"
    for runtime in ("udev", "libssl3", "curl", "cpp", "gambas3-runtime", "ca-certificates"):
        assert cls[runtime] is None, runtime
    assert facts.classify(archive.packages["gambas3-runtime"])[1] == "libdevel-runtime"


def test_version_compare():
    assert facts.version_compare("2.6.1", "2.7.8") < 0
    assert facts.version_compare("2.7.14", "2.7.8") > 0
    assert facts.version_compare("3.0.4", "2.7.8") > 0
    assert facts.version_compare("2.7.8", "2.7.8") == 0
    assert facts.version_compare("2.7.8~rc1", "2.7.8") < 0
    assert facts.version_compare("1:1.0", "2.0") > 0
    assert facts.version_compare("1.0-1", "1.0-1+deb12u1") < 0


def test_reduced_graph_keeps_every_closure():
    # a -> b -> c, a -> c (redundant), a cycle c -> d -> c, e -> d
    succ = {"a": ["b", "c"], "b": ["c"], "c": ["d"], "d": ["c"], "e": ["d", "c"]}
    nodes = sorted(succ)
    red = facts.reduce_edges(nodes, succ)
    assert red["a"] == ["b"]
    assert red["c"] == ["d"] and red["d"] == ["c"]
    assert len(red["e"]) == 1

    def reach(edges, n):
        seen, stack = set(), [n]
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack += edges[x]
        return seen

    for n in nodes:
        assert reach(red, n) == reach(succ, n)


def test_build_release_table_and_its_graph(archive):
    wanted = {"curl", "libjpeg-dev", "gcc", "udev", "libc6", "no-such-package"}
    body = facts.build_release(archive, wanted, all_candidates=True)
    assert body["base"] == sorted(archive.base())
    pk, graph = body["packages"], body["graph"]
    assert pk["libjpeg-dev"][:4] == ["libdevel", "headers", "dev-name", ["libjpeg62-turbo"]]
    assert "libjpeg62-turbo" in pk  # the runtime library of a listed development package
    assert "no-such-package" not in pk
    # curl is in the graph: the loader computes sizes and recommends from it
    assert pk["curl"] == ["web", None, "not-a-candidate", [], None]
    assert facts.graph_closure(graph, ["curl"]) == {"curl", "libcurl4", "libssl3"}
    assert facts.graph_recommended(graph, "curl") == ["ca-certificates"]
    # a build-only candidate no Dockerfile names: numbers only, no graph
    assert "libssl-dev" not in graph
    assert pk["libssl-dev"][5:] == [12000, 18000, 18000]
    # a base package adds nothing
    assert pk["libc6"] == ["libs", None, "runtime", [], [], 12000, 0, 0]
    files = facts.dump_table({"meta": {"why": facts.WHY}, "releases": {"test": dict(body, distro="debian")}})
    assert sorted(files) == ["debian.json", "debian/test.json"]
    text = files["debian/test.json"]
    assert json.loads(text)["packages"] == pk
    assert '"curl":["web",null,"not-a-candidate",[],null],' in text.splitlines()
    # the index holds the header only: loading it reads no package
    assert json.loads(files["debian.json"])["releases"]["test"] == {"distro": "debian", "left_out": body["left_out"]}


def test_strip_qualifiers():
    assert facts.strip_qualifiers("gcc=4:12.2.0-3") == "gcc"
    assert facts.strip_qualifiers("gcc:amd64") == "gcc"
    assert facts.strip_qualifiers("gcc/bookworm-backports") == "gcc"
    assert facts.strip_qualifiers("GCC") == "gcc"


@pytest.mark.parametrize("dev, release, libs", [
    # bracketed by Ubuntu 18.04, 20.04 and Debian bullseye, which agree
    ("libpq-dev", "buster", ("libpq5",)),
    ("libssl-dev", "buster", ("libssl1.1",)),
    ("libcurl4-openssl-dev", "buster", ("libcurl4",)),
    # they disagree: xenial's libssl1.0.0, bionic's libssl1.1; stretch's libcurl3 (xenial) vs libcurl4
    ("libssl-dev", "stretch", None),
    ("libcurl4-openssl-dev", "stretch", None),
    # Debian and Ubuntu name it differently (libjpeg62-turbo, libjpeg8): no answer for Debian,
    # Ubuntu's own for an interim Ubuntu release between two LTSes that agree
    ("libjpeg-dev", "buster", None),
    ("libjpeg-dev", "disco", ("libjpeg8",)),
    # bionic has libffi6, focal and bullseye libffi7: buster is left unknown (it had libffi6)
    ("libffi-dev", "buster", None),
    # nothing in the table before them, or after
    ("libpq-dev", "jessie", None),
    ("libpq-dev", "trusty", None),
    ("libpq-dev", "sid", None),
])
def test_runtime_libraries_of_a_release_between_two_the_table_holds(dev, release, libs):
    from dockerlint import needs

    assert needs.runtime_libraries("apt", dev, release) == libs


@pytest.mark.parametrize("dev, release, libs", [
    # the interpreter the extensions run in stays with its library: a purge with --auto-remove
    # would take python3.11 (and /usr/bin/python3) when nothing installed them by name
    ("python3-dev", "bookworm", ("libpython3.11-stdlib", "libpython3.11", "python3", "python3.11")),
    ("libperl-dev", "jammy", ("libperl5.34", "perl")),
    # autoconf's perl is a build tool's dependency, not php's
    ("php-dev", "bookworm", ("php8.2-cli",)),
    ("libssl-dev", "bookworm", ("libssl3",)),
])
def test_runtime_libraries_keep_the_interpreter_a_dev_package_builds_for(dev, release, libs):
    from dockerlint import needs

    assert needs.runtime_libraries("apt", dev, release) == libs
