"""The knowledge tables (rules/knowledge/*.toml) and their loader."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dockerlint import knowledge
from dockerlint.knowledge import (
    build_only_package,
    cache_dirs,
    image_info,
    load_table,
    toolchain,
    toolchain_for_command,
)

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parent.parent
TABLE_DIR = ROOT / "rules" / "knowledge"

FAMILIES = {"debian", "alpine", "rhel", "suse", "distroless", "scratch", "busybox", "windows", "unknown"}
LIBCS = {"glibc", "musl", "none", "unknown"}
KINDS = {"os", "toolchain", "language", "runtime", "service", "devenv"}
CATEGORIES = {"compiler", "headers", "build-tool", "downloader", "vcs", "toolchain"}
MODES = {"subcommand", "goal", "invocation"}


def _toolchain_names() -> set[str]:
    return set(load_table("toolchains")["toolchain"])


# ---------------------------------------------------------------------------
# The tables themselves
# ---------------------------------------------------------------------------

def test_knowledge_dir_is_the_source_tables():
    assert knowledge.knowledge_dir().resolve() == TABLE_DIR.resolve()


@pytest.mark.parametrize("name", knowledge.TABLES)
def test_every_table_loads(name):
    path = TABLE_DIR / f"{name}.toml"
    with open(path, "rb") as f:
        data = tomllib.load(f)
    assert data
    assert load_table(name) == data


def test_no_stray_tables():
    assert {p.stem for p in TABLE_DIR.glob("*.toml")} == set(knowledge.TABLES)


def test_importing_the_module_parses_nothing():
    code = (
        "import dockerlint.knowledge as k, dockerlint.compiled as c, sys\n"
        "assert not c._CACHE and 'tomllib' not in sys.modules\n"
        "k.image_info('golang:1.22')\n"
        "assert 'images' in c._CACHE and 'packages' not in c._CACHE and 'tomllib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_linting_a_small_file_loads_only_the_tables_it_uses():
    """A run reads the compiled tables its file needs, not all of them: a small alpine file
    does not pay for the Debian package table, the image history, cache sizes or base packages."""
    code = (
        "import sys, dockerlint.compiled as c, dockerlint.debian as d\n"
        "from dockerlint.engine import lint_bytes\n"
        "res = lint_bytes(b'FROM alpine:3.20\\nRUN apk add --no-cache curl\\nCMD [\"curl\",\"-s\",\"http://x\"]\\n',"
        " 'Dockerfile')\n"
        "assert res.error is None and res.findings == [], res\n"
        "loaded = {n for n in c._CACHE if not n.startswith('rule:')}\n"
        "h = c._CACHE.get('image_history', {})\n"
        "assert not [k for k in h if type(dict.__getitem__(h, k)) is not bytes]  # none decoded\n"
        "loaded.discard('image_history')\n"
        "print(' '.join(sorted(loaded)))\n"
        "assert d._index.cache_info().currsize == 0 and d._body.cache_info().currsize == 0\n"
        "assert 'tomllib' not in sys.modules\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True).stdout
    loaded = set(out.split())
    assert "images" in loaded
    assert not loaded & {"image_history", "cache_sizes", "base_packages", "pipes", "caches", "security"}, loaded


FACT_KEYS = {"workdir", "env", "env_unset", "env_complete", "user", "cmd", "entrypoint", "shell", "release",
             "build_only_mb"}
IMAGE_ONLY_KEYS = {"latest_version", "version_aliases", "version_pattern", "release_format", "release_from_name",
                   "runtime", "tag_prefixes"}
RUNTIME_RULES = {"os", "slim", "jre", "dotnet", "fixed", "token"}


def _check_image_values(entry: dict, where: str, partial: bool):
    if not partial or "family" in entry:
        assert entry["family"] in FAMILIES, where
    if not partial or "libc" in entry:
        assert entry["libc"] in LIBCS, where
    if not partial or "kind" in entry:
        assert entry["kind"] in KINDS, where
    if not partial or "toolchains" in entry:
        assert isinstance(entry["toolchains"], list), where
        assert set(entry["toolchains"]) <= _toolchain_names(), where
    for key in ("has_c_compiler", "is_runtime"):
        if not partial or key in entry:
            assert isinstance(entry[key], bool), where
    if "approx_size_mb" in entry:
        assert isinstance(entry["approx_size_mb"], int) and entry["approx_size_mb"] >= 0, where
    assert isinstance(entry["why"], str) and len(entry["why"]) > 10, where
    _check_facts(entry, where)


def _check_facts(entry: dict, where: str):
    """The WORKDIR/ENV/USER/CMD/... facts: right types, "unknown" where TOML has no null."""
    for key in ("workdir", "user", "shell", "release"):
        if key in entry:
            assert isinstance(entry[key], str), f"{where}: {key}"
    if entry.get("workdir", "unknown") != "unknown":
        assert entry["workdir"].startswith("/"), where
    if entry.get("shell", "unknown") not in ("unknown", ""):
        assert entry["shell"].startswith("/"), where
    if entry.get("release", "unknown") not in ("unknown", "{token}"):
        releases = load_table("images")["releases"]
        assert entry["release"] in releases["debian"] + releases["ubuntu"], where
    for key in ("cmd", "entrypoint"):
        if key in entry:
            v = entry[key]
            assert v == "unknown" or (isinstance(v, list) and all(isinstance(x, str) and x for x in v)), where
    if "env" in entry:
        env = entry["env"]
        assert env == "unknown" or (isinstance(env, dict) and all(
            re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k) and isinstance(v, str) for k, v in env.items())), where
    if "env_unset" in entry:
        assert isinstance(entry["env_unset"], list) and entry["env_unset"], where
    if "env_complete" in entry:
        assert isinstance(entry["env_complete"], bool), where
    if "build_only_mb" in entry:
        assert entry["build_only_mb"] == "unknown" or (
            isinstance(entry["build_only_mb"], int) and entry["build_only_mb"] >= 0), where


def test_image_entries_have_required_keys():
    data = load_table("images")
    assert set(data) == {"registry", "releases", "variant", "image"}
    seen: dict[str, int] = {}
    for i, entry in enumerate(data["image"]):
        where = f"image #{i} {entry.get('names') or entry.get('name_patterns')}"
        assert entry.get("names") or entry.get("name_patterns"), where
        for key in ("kind", "family", "libc", "toolchains", "has_c_compiler", "is_runtime", "why"):
            assert key in entry, f"{where}: missing {key}"
        _check_image_values(entry, where, partial=False)
        for n in entry.get("names", []):
            assert n == n.lower() and n not in seen, f"{where}: {n} (also #{seen.get(n)})"
            seen[n] = i
        for p in entry.get("name_patterns", []):
            re.compile(p)
        for v in entry.get("variant", []):
            _check_variant(v, where)
        unknown_keys = set(entry) - {"names", "name_patterns", "kind", "family", "libc", "toolchains",
                                     "has_c_compiler", "is_runtime", "approx_size_mb", "why", "source", "variant",
                                     } - FACT_KEYS - IMAGE_ONLY_KEYS
        assert not unknown_keys, f"{where}: {unknown_keys}"
        if "runtime" in entry:
            assert entry["runtime"]["rule"] in RUNTIME_RULES, where
            assert entry["runtime"].get("source") or entry["runtime"].get("why"), where
    for v in data["variant"]:
        _check_variant(v, "global variant")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.match(r"\d+(?:\.\d+)*", text).group(0).split("."))


def _check_variant(v: dict, where: str):
    where = f"{where} variant {v.get('token') or (v.get('since'), v.get('before'))}"
    assert {"example", "why"} <= set(v), where
    assert "token" in v or "since" in v or "before" in v, where
    if "token" in v:
        assert re.fullmatch(v["token"], v["example"], re.IGNORECASE), where
    else:
        version = _version(v["example"])
        assert "since" not in v or version >= _version(v["since"]), where
        assert "before" not in v or version < _version(v["before"]), where
    unknown_keys = set(v) - {"token", "since", "before", "example", "why", "source", "kind", "family", "libc",
                             "toolchains", "has_c_compiler", "is_runtime", "approx_size_mb"} - FACT_KEYS
    assert not unknown_keys, f"{where}: {unknown_keys}"
    assert set(v) - {"token", "since", "before", "example", "why", "source"}, f"{where}: changes nothing"
    _check_image_values(v, where, partial=True)


def test_package_entries_have_required_keys():
    data = load_table("packages")
    managers = set(data["managers"])
    assert managers == {"apt", "apk", "dnf", "zypper", "pip", "npm", "gem"}
    for section in ("package", "not_build_only"):
        for i, entry in enumerate(data[section]):
            where = f"{section} #{i} {entry.get('names') or entry.get('patterns')}"
            assert entry.get("names") or entry.get("patterns"), where
            assert set(entry["managers"]) <= managers, where
            assert isinstance(entry["why"], str) and len(entry["why"]) > 10, where
            for p in entry.get("patterns", []):
                re.compile(p)
            if section == "package":
                assert entry["category"] in CATEGORIES, where
                if "toolchain" in entry:
                    assert entry["toolchain"] in _toolchain_names(), where
                if "approx_size_mb" in entry:
                    assert isinstance(entry["approx_size_mb"], int), where
                allowed = {"managers", "names", "patterns", "category", "toolchain", "approx_size_mb", "why"}
            else:
                allowed = {"managers", "names", "patterns", "why"}
            assert not set(entry) - allowed, f"{where}: {set(entry) - allowed}"


def test_listed_build_only_names_are_not_shadowed():
    """Every exact name in a [[package]] entry is reported as build-only (no exclusion hides it)."""
    for entry in load_table("packages")["package"]:
        for m in entry["managers"]:
            for n in entry.get("names", []):
                info = build_only_package(m, n)
                assert info is not None, (m, n)
                assert info.category == entry["category"], (m, n, info)


def test_excluded_names_are_not_build_only():
    for entry in load_table("packages")["not_build_only"]:
        for m in entry["managers"]:
            for n in entry.get("names", []):
                assert build_only_package(m, n) is None, (m, n)


def test_toolchain_entries_have_required_keys():
    data = load_table("toolchains")
    names = set(data["toolchain"])
    assert names == {"go", "rust", "gcc", "make", "cmake", "maven", "gradle", "jdk", "dotnet"}
    for name, t in data["toolchain"].items():
        for key in ("label", "approx_size_mb", "runtime_base", "runtime_base_musl", "why"):
            assert key in t, (name, key)
    for i, c in enumerate(data["command"]):
        where = f"command #{i} {c.get('programs')}"
        for key in ("toolchain", "mode", "why"):
            assert key in c, (where, key)
        assert c["toolchain"] in names, where
        assert c["mode"] in MODES, where
        assert c.get("programs") or c.get("program_patterns"), where
        if c["mode"] != "invocation":
            assert c.get("verbs"), where
        for p in c.get("program_patterns", []):
            re.compile(p)
    for w in data["wrapper"]:
        assert w["programs"] and w["why"]


def test_cache_entries_have_required_keys():
    data = load_table("caches")
    seen = set()
    for entry in data["cache"]:
        assert entry["managers"] and entry["dirs"] and entry["why"], entry
        for d in entry["dirs"]:
            assert d.startswith(("/", "~/")) and not d.endswith("/"), d
        for m in entry["managers"]:
            assert m not in seen, m
            seen.add(m)
    # every package manager the package table knows has a cache entry
    assert set(load_table("packages")["managers"]) <= seen


def test_every_toolchain_an_image_or_package_names_exists():
    names = _toolchain_names()
    for entry in load_table("packages")["package"]:
        assert entry.get("toolchain", "go") in names
    assert {c["toolchain"] for c in load_table("toolchains")["command"]} == names


# ---------------------------------------------------------------------------
# image_info
# ---------------------------------------------------------------------------

# ref -> (name, tag, family, libc, toolchains, has_c_compiler, is_runtime)
IMAGES = {
    "golang:1.22": ("golang", "1.22", "debian", "glibc", {"go", "gcc", "make"}, True, False),
    "golang": ("golang", None, "debian", "glibc", {"go", "gcc", "make"}, True, False),
    "golang:1.22-bookworm": ("golang", "1.22-bookworm", "debian", "glibc", {"go", "gcc", "make"}, True, False),
    "golang:1.22-alpine": ("golang", "1.22-alpine", "alpine", "musl", {"go"}, False, False),
    "golang:1.22-alpine3.19": ("golang", "1.22-alpine3.19", "alpine", "musl", {"go"}, False, False),
    "golang:alpine": ("golang", "alpine", "alpine", "musl", {"go"}, False, False),
    "golang:1.22-windowsservercore-ltsc2022": ("golang", "1.22-windowsservercore-ltsc2022", "windows", None,
                                               {"go"}, False, False),
    "docker.io/library/golang:1.26.6@sha256:640a234f4bea3e399c056b7b8f9c667c4939befae8db2f14e9785e16eccd4205":
        ("golang", "1.26.6", "debian", "glibc", {"go", "gcc", "make"}, True, False),
    "library/golang:1.22": ("golang", "1.22", "debian", "glibc", {"go", "gcc", "make"}, True, False),
    "docker.io/golang:1.22-alpine": ("golang", "1.22-alpine", "alpine", "musl", {"go"}, False, False),
    "golang:1.26.5-alpine@sha256:0178a641fbb4858c5f1b48e34bdaabe0350a330a1b1149aabd498d0699ff5fb2":
        ("golang", "1.26.5-alpine", "alpine", "musl", {"go"}, False, False),
    "rust:1": ("rust", "1", "debian", "glibc", {"rust", "gcc", "make"}, True, False),
    "rust:1-slim-bookworm": ("rust", "1-slim-bookworm", "debian", "glibc", {"rust", "gcc"}, True, False),
    "rust:1.78-alpine": ("rust", "1.78-alpine", "alpine", "musl", {"rust", "gcc"}, True, False),
    "lukemathwalker/cargo-chef:latest-rust-1.85.1": ("lukemathwalker/cargo-chef", "latest-rust-1.85.1", "debian",
                                                     "glibc", {"rust", "gcc", "make"}, True, False),
    "clux/muslrust:stable": ("clux/muslrust", "stable", "debian", "musl", {"rust", "gcc", "make", "cmake"}, True,
                             False),
    "gcc:13": ("gcc", "13", "debian", "glibc", {"gcc", "make"}, True, False),
    "buildpack-deps:bookworm": ("buildpack-deps", "bookworm", "debian", "glibc", {"gcc", "make"}, True, False),
    "buildpack-deps:noble": ("buildpack-deps", "noble", "debian", "glibc", {"gcc", "make"}, True, False),
    "buildpack-deps:bookworm-curl": ("buildpack-deps", "bookworm-curl", "debian", "glibc", set(), False, False),
    "buildpack-deps:trixie-scm": ("buildpack-deps", "trixie-scm", "debian", "glibc", set(), False, False),
    "amd64/buildpack-deps:noble-curl": ("amd64/buildpack-deps", "noble-curl", "debian", "glibc", set(), False,
                                        False),
    "arm64v8/buildpack-deps:jammy": ("arm64v8/buildpack-deps", "jammy", "debian", "glibc", {"gcc", "make"}, True,
                                     False),
    "maven:3.9.16-eclipse-temurin-17": ("maven", "3.9.16-eclipse-temurin-17", "debian", "glibc",
                                        {"maven", "jdk"}, False, False),
    "maven:3-eclipse-temurin-21-alpine": ("maven", "3-eclipse-temurin-21-alpine", "alpine", "musl",
                                          {"maven", "jdk"}, False, False),
    "maven:3.9-amazoncorretto-17": ("maven", "3.9-amazoncorretto-17", "rhel", "glibc", {"maven", "jdk"}, False,
                                    False),
    "maven:3.9-amazoncorretto-17-debian": ("maven", "3.9-amazoncorretto-17-debian", "debian", "glibc",
                                           {"maven", "jdk"}, False, False),
    "gradle:8.7-jdk17": ("gradle", "8.7-jdk17", "debian", "glibc", {"gradle", "jdk"}, False, False),
    "gradle:jdk21-alpine": ("gradle", "jdk21-alpine", "alpine", "musl", {"gradle", "jdk"}, False, False),
    "eclipse-temurin:21": ("eclipse-temurin", "21", "debian", "glibc", {"jdk"}, False, False),
    "eclipse-temurin:21-jdk-noble": ("eclipse-temurin", "21-jdk-noble", "debian", "glibc", {"jdk"}, False, False),
    "eclipse-temurin:21-jre": ("eclipse-temurin", "21-jre", "debian", "glibc", set(), False, True),
    "eclipse-temurin:17-jre-jammy": ("eclipse-temurin", "17-jre-jammy", "debian", "glibc", set(), False, True),
    "eclipse-temurin:21-jre-alpine": ("eclipse-temurin", "21-jre-alpine", "alpine", "musl", set(), False, True),
    "eclipse-temurin:21-jdk-ubi9-minimal": ("eclipse-temurin", "21-jdk-ubi9-minimal", "rhel", "glibc", {"jdk"},
                                            False, False),
    "openjdk:17": ("openjdk", "17", None, "glibc", {"jdk"}, False, False),
    "openjdk:17-jdk-slim": ("openjdk", "17-jdk-slim", "debian", "glibc", {"jdk"}, False, False),
    "openjdk:8-alpine": ("openjdk", "8-alpine", "alpine", "musl", {"jdk"}, False, False),
    "openjdk:11-jre-slim": ("openjdk", "11-jre-slim", "debian", "glibc", set(), False, True),
    "openjdk:27-oraclelinux9": ("openjdk", "27-oraclelinux9", "rhel", "glibc", {"jdk"}, False, False),
    "amazoncorretto:17": ("amazoncorretto", "17", "rhel", "glibc", {"jdk"}, False, False),
    "amazoncorretto:17-al2023-headless": ("amazoncorretto", "17-al2023-headless", "rhel", "glibc", set(), False,
                                          True),
    "amazoncorretto:21-alpine": ("amazoncorretto", "21-alpine", "alpine", "musl", {"jdk"}, False, False),
    "sapmachine:21": ("sapmachine", "21", "debian", "glibc", {"jdk"}, False, False),
    "azul/zulu-openjdk-alpine:17": ("azul/zulu-openjdk-alpine", "17", "alpine", "musl", {"jdk"}, False, False),
    "mcr.microsoft.com/dotnet/sdk:8.0": ("mcr.microsoft.com/dotnet/sdk", "8.0", "debian", "glibc", {"dotnet"},
                                         False, False),
    "mcr.microsoft.com/dotnet/sdk:10.0-alpine": ("mcr.microsoft.com/dotnet/sdk", "10.0-alpine", "alpine", "musl",
                                                 {"dotnet"}, False, False),
    "mcr.microsoft.com/dotnet/aspnet:8.0": ("mcr.microsoft.com/dotnet/aspnet", "8.0", "debian", "glibc", set(),
                                            False, True),
    "mcr.microsoft.com/dotnet/aspnet:8.0-alpine": ("mcr.microsoft.com/dotnet/aspnet", "8.0-alpine", "alpine",
                                                   "musl", set(), False, True),
    "mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled": ("mcr.microsoft.com/dotnet/aspnet", "8.0-jammy-chiseled",
                                                           "distroless", "glibc", set(), False, True),
    "mcr.microsoft.com/dotnet/runtime-deps:8.0-azurelinux3.0-distroless": (
        "mcr.microsoft.com/dotnet/runtime-deps", "8.0-azurelinux3.0-distroless", "distroless", "glibc", set(), False,
        True),
    "mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022": ("mcr.microsoft.com/dotnet/sdk",
                                                             "8.0-nanoserver-ltsc2022", "windows", None, {"dotnet"},
                                                             False, False),
    "scratch": ("scratch", None, "scratch", "none", set(), False, True),
    "gcr.io/distroless/static-debian12:nonroot": ("gcr.io/distroless/static-debian12", "nonroot", "distroless",
                                                  "none", set(), False, True),
    "gcr.io/distroless/static": ("gcr.io/distroless/static", None, "distroless", "none", set(), False, True),
    "gcr.io/distroless/base": ("gcr.io/distroless/base", None, "distroless", "glibc", set(), False, True),
    "gcr.io/distroless/base-debian12:debug": ("gcr.io/distroless/base-debian12", "debug", "distroless", "glibc",
                                              set(), False, True),
    "gcr.io/distroless/cc-debian12": ("gcr.io/distroless/cc-debian12", None, "distroless", "glibc", set(), False,
                                      True),
    "gcr.io/distroless/java21-debian12": ("gcr.io/distroless/java21-debian12", None, "distroless", "glibc", set(),
                                          False, True),
    "gcr.io/distroless/nodejs22-debian13": ("gcr.io/distroless/nodejs22-debian13", None, "distroless", "glibc",
                                            set(), False, True),
    "cgr.dev/chainguard/static": ("cgr.dev/chainguard/static", None, "distroless", "none", set(), False, True),
    "cgr.dev/chainguard/static:latest": ("cgr.dev/chainguard/static", "latest", "distroless", "none", set(), False,
                                         True),
    "cgr.dev/chainguard/glibc-dynamic": ("cgr.dev/chainguard/glibc-dynamic", None, "distroless", "glibc", set(),
                                         False, True),
    "mcr.microsoft.com/azurelinux/distroless/minimal:3.0": ("mcr.microsoft.com/azurelinux/distroless/minimal", "3.0",
                                                            "distroless", "glibc", set(), False, True),
    "debian:bookworm-slim": ("debian", "bookworm-slim", "debian", "glibc", set(), False, True),
    "debian:trixie-slim": ("debian", "trixie-slim", "debian", "glibc", set(), False, True),
    "debian:12": ("debian", "12", "debian", "glibc", set(), False, True),
    "debian:buster-slim@sha256:bb3dc79fddbca7e8903248ab916bb775c96ec61014b3d02b4f06043b604726dc":
        ("debian", "buster-slim", "debian", "glibc", set(), False, True),
    "ubuntu": ("ubuntu", None, "debian", "glibc", set(), False, True),
    "ubuntu:latest": ("ubuntu", "latest", "debian", "glibc", set(), False, True),
    "ubuntu:24.04": ("ubuntu", "24.04", "debian", "glibc", set(), False, True),
    "mirror.gcr.io/library/ubuntu:noble": ("mirror.gcr.io/library/ubuntu", "noble", "debian", "glibc", set(),
                                           False, True),
    "alpine": ("alpine", None, "alpine", "musl", set(), False, True),
    "alpine:3.20": ("alpine", "3.20", "alpine", "musl", set(), False, True),
    "alpine:latest": ("alpine", "latest", "alpine", "musl", set(), False, True),
    "alpine@sha256:5ce5f501c457015c4b91f91a15ac69157d9b06f1a75cf9107bf2b62e0843983a":
        ("alpine", None, "alpine", "musl", set(), False, True),
    "arm32v7/alpine:3.23": ("arm32v7/alpine", "3.23", "alpine", "musl", set(), False, True),
    "centos:7": ("centos", "7", "rhel", "glibc", set(), False, True),
    "fedora:40": ("fedora", "40", "rhel", "glibc", set(), False, True),
    "rockylinux:9-minimal": ("rockylinux", "9-minimal", "rhel", "glibc", set(), False, True),
    "almalinux:9": ("almalinux", "9", "rhel", "glibc", set(), False, True),
    "amazonlinux:2023": ("amazonlinux", "2023", "rhel", "glibc", set(), False, True),
    "oraclelinux:9-slim": ("oraclelinux", "9-slim", "rhel", "glibc", set(), False, True),
    "redhat/ubi9-minimal": ("redhat/ubi9-minimal", None, "rhel", "glibc", set(), False, True),
    "redhat/ubi10-minimal": ("redhat/ubi10-minimal", None, "rhel", "glibc", set(), False, True),
    "registry.access.redhat.com/ubi9/ubi-micro": ("registry.access.redhat.com/ubi9/ubi-micro", None, "rhel",
                                                  "glibc", set(), False, True),
    "registry.access.redhat.com/ubi8/ubi:8.9": ("registry.access.redhat.com/ubi8/ubi", "8.9", "rhel", "glibc", set(),
                                                False, True),
    "mcr.microsoft.com/azurelinux/base/core:3.0": ("mcr.microsoft.com/azurelinux/base/core", "3.0", "rhel", "glibc",
                                                   set(), False, True),
    "opensuse/leap:15.6": ("opensuse/leap", "15.6", "suse", "glibc", set(), False, True),
    "registry.suse.com/bci/bci-base:15.6": ("registry.suse.com/bci/bci-base", "15.6", "suse", "glibc", set(), False,
                                            True),
    "busybox": ("busybox", None, "busybox", None, set(), False, True),
    "busybox:1.36-musl": ("busybox", "1.36-musl", "busybox", "musl", set(), False, True),
    "busybox:glibc": ("busybox", "glibc", "busybox", "glibc", set(), False, True),
    "mcr.microsoft.com/windows/servercore:ltsc2022": ("mcr.microsoft.com/windows/servercore", "ltsc2022", "windows",
                                                      None, set(), False, True),
    "mcr.microsoft.com/windows/nanoserver:ltsc2025": ("mcr.microsoft.com/windows/nanoserver", "ltsc2025", "windows",
                                                      None, set(), False, True),
    "node:20": ("node", "20", "debian", "glibc", {"gcc", "make"}, True, False),
    "node:lts": ("node", "lts", "debian", "glibc", {"gcc", "make"}, True, False),
    "node:20-bookworm": ("node", "20-bookworm", "debian", "glibc", {"gcc", "make"}, True, False),
    "node:20-slim": ("node", "20-slim", "debian", "glibc", set(), False, True),
    "node:20-bookworm-slim": ("node", "20-bookworm-slim", "debian", "glibc", set(), False, True),
    "node:20-alpine": ("node", "20-alpine", "alpine", "musl", set(), False, True),
    "node:lts-alpine3.20": ("node", "lts-alpine3.20", "alpine", "musl", set(), False, True),
    "python:3.12": ("python", "3.12", "debian", "glibc", {"gcc", "make"}, True, False),
    "python:3.12-slim": ("python", "3.12-slim", "debian", "glibc", set(), False, True),
    "python:3.13.6-slim-bullseye@sha256:e98b521460ee75bca92175c16247bdf7275637a8faaeb2bcfa19d879ae5c4b9a":
        ("python", "3.13.6-slim-bullseye", "debian", "glibc", set(), False, True),
    "python:3-alpine": ("python", "3-alpine", "alpine", "musl", set(), False, True),
    "python:3.13-windowsservercore-ltsc2022": ("python", "3.13-windowsservercore-ltsc2022", "windows", None, set(),
                                               False, True),
    "ruby:3.3": ("ruby", "3.3", "debian", "glibc", {"gcc", "make"}, True, False),
    "ruby:3.3-slim": ("ruby", "3.3-slim", "debian", "glibc", set(), False, True),
    "ruby:alpine": ("ruby", "alpine", "alpine", "musl", set(), False, True),
    "erlang:25": ("erlang", "25", "debian", "glibc", {"gcc", "make"}, True, False),
    "erlang:25-slim": ("erlang", "25-slim", "debian", "glibc", set(), False, True),
    "elixir:1.16-alpine": ("elixir", "1.16-alpine", "alpine", "musl", set(), False, True),
    "php:8.4-fpm-trixie": ("php", "8.4-fpm-trixie", "debian", "glibc", {"gcc", "make"}, True, True),
    "php:8.4-apache": ("php", "8.4-apache", "debian", "glibc", {"gcc", "make"}, True, True),
    "php:8-fpm-alpine": ("php", "8-fpm-alpine", "alpine", "musl", set(), False, True),
    "php:8.4.3-fpm-alpine3.20": ("php", "8.4.3-fpm-alpine3.20", "alpine", "musl", set(), False, True),
    "wordpress:php8.4-fpm-alpine": ("wordpress", "php8.4-fpm-alpine", "alpine", "musl", set(), False, True),
    "nginx": ("nginx", None, "debian", "glibc", set(), False, True),
    "nginx:alpine": ("nginx", "alpine", "alpine", "musl", set(), False, True),
    "nginx:1.27.4-alpine": ("nginx", "1.27.4-alpine", "alpine", "musl", set(), False, True),
    "postgres:16": ("postgres", "16", "debian", "glibc", set(), False, True),
    "redis:7-alpine": ("redis", "7-alpine", "alpine", "musl", set(), False, True),
    "mysql:8.4": ("mysql", "8.4", "rhel", "glibc", set(), False, True),
    "mongo:7.0": ("mongo", "7.0", "debian", "glibc", set(), False, True),
    "mariadb:11-ubi": ("mariadb", "11-ubi", "rhel", "glibc", set(), False, True),
    "httpd:2.4-alpine": ("httpd", "2.4-alpine", "alpine", "musl", set(), False, True),
    "tomcat:10.1-jdk17-temurin-noble": ("tomcat", "10.1-jdk17-temurin-noble", "debian", "glibc", {"jdk"}, False,
                                        True),
    "tomcat:9-jre17": ("tomcat", "9-jre17", "debian", "glibc", set(), False, True),
    "docker:29-dind": ("docker", "29-dind", "alpine", "musl", set(), False, True),
    "traefik:v3.0": ("traefik", "v3.0", "alpine", "musl", set(), False, True),
    "mcr.microsoft.com/devcontainers/base:bullseye": ("mcr.microsoft.com/devcontainers/base", "bullseye", "debian",
                                                      "glibc", set(), False, False),
    "mcr.microsoft.com/vscode/devcontainers/go:0-1.22": ("mcr.microsoft.com/vscode/devcontainers/go", "0-1.22",
                                                         "debian", "glibc", {"go", "gcc", "make"}, True, False),
    "mcr.microsoft.com/devcontainers/cpp:debian12": ("mcr.microsoft.com/devcontainers/cpp", "debian12", "debian",
                                                     "glibc", {"gcc", "make", "cmake"}, True, False),
    "nvidia/cuda:12.2.0-devel-ubuntu22.04": ("nvidia/cuda", "12.2.0-devel-ubuntu22.04", "debian", "glibc", set(),
                                             False, False),
    "nvidia/cuda:12.2.0-runtime-ubi8": ("nvidia/cuda", "12.2.0-runtime-ubi8", "rhel", "glibc", set(), False, True),
}


@pytest.mark.parametrize("ref", list(IMAGES))
def test_image_info(ref):
    name, tag, family, libc, toolchains, cc, runtime = IMAGES[ref]
    info = image_info(ref)
    assert info.ref == ref
    assert (info.name, info.tag) == (name, tag)
    assert (info.family, info.libc) == (family, libc)
    assert info.toolchains == frozenset(toolchains)
    assert info.has_c_compiler is cc
    assert info.is_runtime is runtime


@pytest.mark.parametrize("ref", [
    "$BASE", "${GO_IMAGE}", "${BASE_IMAGE}", "$BASE_IMAGE", "${REGISTRY}/golang:1.22", "$REPO:9.0.19-alpine3.24",
    "${GO_IMAGE:-golang:1.22}", "myorg/app:1.0", "myorg/app:1.0-alpine", "base", "builder",
    "localhost:5000/golang:1.22", "registry.example.com:5000/team/img@sha256:abc", "", "   ",
])
def test_unknown_images(ref):
    info = image_info(ref)
    assert info.ref == ref
    assert info.family is None and info.libc is None
    assert info.toolchains == frozenset()
    assert info.has_c_compiler is False and info.is_runtime is False
    assert info.approx_size_mb is None and info.kind is None


def test_variable_image_name_keeps_the_text():
    assert image_info("${GO_IMAGE}").name == "${GO_IMAGE}"
    assert image_info("${GO_IMAGE}").tag is None


@pytest.mark.parametrize("ref", ["GOLANG:1.22", "Golang:1.22-Alpine", "UBUNTU", "docker.io/Library/Alpine:3.20"])
def test_uppercase_is_invalid_but_does_not_crash(ref):
    info = image_info(ref)
    assert info.ref == ref
    assert info.family in (None, "debian", "alpine")


def test_uppercase_lookup_is_case_insensitive():
    assert image_info("GOLANG:1.22").toolchains == {"go", "gcc", "make"}
    assert image_info("Golang:1.22-Alpine").libc == "musl"


@pytest.mark.parametrize("ref, expected", [
    # a variable that stands for a version: the literal variant decides
    ("golang:${GO_VERSION}-alpine${ALPINE_VERSION}", ("alpine", "musl", {"go"}, False)),
    ("golang:${GO_VERSION}-alpine", ("alpine", "musl", {"go"}, False)),
    ("golang:${GOLANG_VERSION}-alpine3.23", ("alpine", "musl", {"go"}, False)),
    ("golang:${GO_VERSION}-bookworm", ("debian", "glibc", {"go", "gcc", "make"}, True)),
    ("python:${PY}-slim", ("debian", "glibc", set(), False)),
    ("buildpack-deps:${VARIANT}-curl", ("debian", "glibc", set(), False)),
    # a variable that could be any variant: only what every variant agrees on
    ("golang:${GO_VERSION}", (None, None, {"go"}, False)),
    ("golang:$GOVERSION", (None, None, {"go"}, False)),
    ("rust:1-${VARIANT}", (None, None, {"rust", "gcc"}, True)),
    ("node:${VARIANT}", (None, None, set(), False)),
])
def test_unresolved_variables_in_tags(ref, expected):
    info = image_info(ref)
    assert (info.family, info.libc, set(info.toolchains), info.has_c_compiler) == expected


def test_image_kind_and_size():
    assert image_info("golang:1.22").kind == "toolchain"
    assert image_info("golang:1.22").approx_size_mb == 800
    assert image_info("rust:1").approx_size_mb == 1400
    assert image_info("gcc:13").approx_size_mb == 1300
    assert image_info("maven:3.9-eclipse-temurin-21").approx_size_mb == 500
    assert image_info("scratch").approx_size_mb == 0
    assert image_info("debian:bookworm").kind == "os"
    assert image_info("python:3.12").kind == "language"
    assert image_info("eclipse-temurin:21-jre").kind == "runtime"
    assert image_info("nginx").kind == "service"


def test_image_info_is_frozen_and_hashable():
    info = image_info("golang:1.22")
    with pytest.raises(AttributeError):
        info.family = "alpine"  # type: ignore[misc]
    assert hash(info) == hash(image_info("golang:1.22"))


# Base images that real Dockerfiles use most (from the shared corpus): all classified.
COMMON = [
    "alpine:3.23", "debian:trixie-slim", "debian:bullseye-slim", "ubuntu:22.04", "ubuntu:14.04", "debian:jessie",
    "debian:sid-slim", "debian:10.13", "golang:1.25-bookworm", "golang:1.25", "golang", "python:3.14-slim",
    "python:3.14", "redhat/ubi9-minimal", "mcr.microsoft.com/windows/servercore:ltsc2025", "busybox:latest",
    "mcr.microsoft.com/azurelinux/base/core:3.0", "mcr.microsoft.com/dotnet/sdk:10.0", "node:lts-alpine",
    "eclipse-temurin:25-jre-noble", "eclipse-temurin:21-jdk-noble", "openjdk:8-alpine", "php:5.6-apache",
    "erlang:24", "maven:4.0.0-rc-5-eclipse-temurin-17", "amd64/buildpack-deps:jammy-curl",
    "arm32v7/buildpack-deps:jammy-curl", "buildpack-deps:trixie", "goharbor/photon:5.0", "oraclelinux:9-slim",
    "mcr.microsoft.com/dotnet/runtime:8.0", "java:8", "nginx:1.13-alpine", "rust:1.85", "gcc:14",
    "docker.io/library/node:20", "ubuntu.azurecr.io/ubuntu:noble", "mcr.microsoft.com/windows/nanoserver:ltsc2022",
]


@pytest.mark.parametrize("ref", COMMON)
def test_common_images_are_classified(ref):
    info = image_info(ref)
    assert info.kind is not None
    assert info.family is not None or info.name in ("openjdk", "java", "goharbor/photon")
    assert info.libc is not None or info.family in ("windows", "busybox")


# ---------------------------------------------------------------------------
# build_only_package
# ---------------------------------------------------------------------------

# (manager, word) -> (name, category, toolchain)
BUILD_ONLY = {
    ("apt", "gcc"): ("gcc", "compiler", "gcc"),
    ("apt", "gcc=4:12.2.0-3"): ("gcc", "compiler", "gcc"),
    ("apt", "gcc:amd64"): ("gcc", "compiler", "gcc"),
    ("apt", "gcc/bookworm-backports"): ("gcc", "compiler", "gcc"),
    ("apt", "gcc-12"): ("gcc-12", "compiler", "gcc"),
    ("apt", "g++-12"): ("g++-12", "compiler", "gcc"),
    ("apt", "g++"): ("g++", "compiler", "gcc"),
    ("apt", "clang"): ("clang", "compiler", "gcc"),
    ("apt", "clang-17"): ("clang-17", "compiler", "gcc"),
    ("apt", "llvm"): ("llvm", "compiler", "gcc"),
    ("apt", "gfortran"): ("gfortran", "compiler", "gcc"),
    ("apt", "build-essential"): ("build-essential", "compiler", "gcc"),
    ("apt", "gcc-aarch64-linux-gnu"): ("gcc-aarch64-linux-gnu", "compiler", "gcc"),
    ("apt", "crossbuild-essential-arm64"): ("crossbuild-essential-arm64", "compiler", "gcc"),
    ("apt-get", "musl-tools"): ("musl-tools", "compiler", "gcc"),
    ("apt", "golang"): ("golang", "compiler", "go"),
    ("apt", "golang-go"): ("golang-go", "compiler", "go"),
    ("apt", "golang-1.22-go"): ("golang-1.22-go", "compiler", "go"),
    ("apt", "rustc"): ("rustc", "compiler", "rust"),
    ("apt", "cargo"): ("cargo", "compiler", "rust"),
    ("apt", "openjdk-17-jdk"): ("openjdk-17-jdk", "toolchain", "jdk"),
    ("apt", "openjdk-17-jdk-headless"): ("openjdk-17-jdk-headless", "toolchain", "jdk"),
    ("apt", "default-jdk"): ("default-jdk", "toolchain", "jdk"),
    ("apt", "dotnet-sdk-8.0"): ("dotnet-sdk-8.0", "toolchain", "dotnet"),
    ("apt", "maven"): ("maven", "build-tool", "maven"),
    ("apt", "gradle"): ("gradle", "build-tool", "gradle"),
    ("apt", "make"): ("make", "build-tool", "make"),
    ("apt", "cmake"): ("cmake", "build-tool", "cmake"),
    ("apt", "autoconf"): ("autoconf", "build-tool", None),
    ("apt", "automake"): ("automake", "build-tool", None),
    ("apt", "libtool"): ("libtool", "build-tool", None),
    ("apt", "pkg-config"): ("pkg-config", "build-tool", None),
    ("apt", "pkgconf"): ("pkgconf", "build-tool", None),
    ("apt", "ninja-build"): ("ninja-build", "build-tool", None),
    ("apt", "meson"): ("meson", "build-tool", None),
    ("apt", "bison"): ("bison", "build-tool", None),
    ("apt", "flex"): ("flex", "build-tool", None),
    ("apt", "patch"): ("patch", "build-tool", None),
    ("apt", "dpkg-dev"): ("dpkg-dev", "build-tool", None),
    ("apt", "scons"): ("scons", "build-tool", None),
    ("apt", "bazel"): ("bazel", "build-tool", None),
    ("apt", "libssl-dev"): ("libssl-dev", "headers", None),
    ("apt", "libssl-dev=3.0*"): ("libssl-dev", "headers", None),
    ("apt", "libpq-dev"): ("libpq-dev", "headers", None),
    ("apt", "python3-dev"): ("python3-dev", "headers", None),
    ("apt", "python3.11-dev"): ("python3.11-dev", "headers", None),
    ("apt", "libc6-dev"): ("libc6-dev", "headers", None),
    ("apt", "libudev-dev"): ("libudev-dev", "headers", None),
    ("apt", "linux-headers-amd64"): ("linux-headers-amd64", "headers", None),
    ("apt", "zlib1g-dev:arm64"): ("zlib1g-dev", "headers", None),
    ("apt", "libgcc-12-dev=12.2.0-14"): ("libgcc-12-dev", "headers", None),
    ("apt", "curl"): ("curl", "downloader", None),
    ("apt", "wget"): ("wget", "downloader", None),
    ("apt", "git"): ("git", "vcs", None),
    ("apt", "mercurial"): ("mercurial", "vcs", None),
    ("apt", "subversion"): ("subversion", "vcs", None),
    ("aptitude", "GCC"): ("GCC", "compiler", "gcc"),
    ("apk", "gcc"): ("gcc", "compiler", "gcc"),
    ("apk", "g++"): ("g++", "compiler", "gcc"),
    ("apk", "build-base"): ("build-base", "compiler", "gcc"),
    ("apk", "build-base~=0.5"): ("build-base", "compiler", "gcc"),
    ("apk", "gcc>12"): ("gcc", "compiler", "gcc"),
    ("apk", "gcc=13.2.1_git20231014-r0"): ("gcc", "compiler", "gcc"),
    ("apk", "gcc@edge"): ("gcc", "compiler", "gcc"),
    ("apk", "alpine-sdk"): ("alpine-sdk", "compiler", "gcc"),
    ("apk", "clang17"): ("clang17", "compiler", "gcc"),
    ("apk", "musl-dev"): ("musl-dev", "headers", None),
    ("apk", "linux-headers"): ("linux-headers", "headers", None),
    ("apk", "openssl-dev"): ("openssl-dev", "headers", None),
    ("apk", "postgresql-dev"): ("postgresql-dev", "headers", None),
    ("apk", "go"): ("go", "compiler", "go"),
    ("apk", "rust"): ("rust", "compiler", "rust"),
    ("apk", "cargo"): ("cargo", "compiler", "rust"),
    ("apk", "openjdk17-jdk"): ("openjdk17-jdk", "toolchain", "jdk"),
    ("apk", "openjdk17"): ("openjdk17", "toolchain", "jdk"),
    ("apk", "dotnet8-sdk"): ("dotnet8-sdk", "toolchain", "dotnet"),
    ("apk", "make"): ("make", "build-tool", "make"),
    ("apk", "pkgconf"): ("pkgconf", "build-tool", None),
    ("apk", "samurai"): ("samurai", "build-tool", None),
    ("apk", "wget"): ("wget", "downloader", None),
    ("apk", "git"): ("git", "vcs", None),
    ("dnf", "gcc"): ("gcc", "compiler", "gcc"),
    ("dnf", "gcc-c++"): ("gcc-c++", "compiler", "gcc"),
    ("dnf", "gcc.x86_64"): ("gcc", "compiler", "gcc"),
    ("dnf", "gcc-toolset-12"): ("gcc-toolset-12", "compiler", "gcc"),
    ("dnf", "Development Tools"): ("Development Tools", "compiler", "gcc"),
    ("dnf", "@development-tools"): ("@development-tools", "compiler", "gcc"),
    ("yum", "devtoolset-11-gcc"): ("devtoolset-11-gcc", "compiler", "gcc"),
    ("yum", "libpq-devel"): ("libpq-devel", "headers", None),
    ("yum", "glibc-devel.i686"): ("glibc-devel", "headers", None),
    ("dnf", "openssl-devel-1.1.1k-7.el8"): ("openssl-devel", "headers", None),
    ("dnf", "python3.11-devel"): ("python3.11-devel", "headers", None),
    ("dnf", "kernel-headers"): ("kernel-headers", "headers", None),
    ("microdnf", "java-17-openjdk-devel"): ("java-17-openjdk-devel", "toolchain", "jdk"),
    ("yum", "java-1.8.0-openjdk-devel"): ("java-1.8.0-openjdk-devel", "toolchain", "jdk"),
    ("dnf", "golang"): ("golang", "compiler", "go"),
    ("dnf", "go-toolset"): ("go-toolset", "compiler", "go"),
    ("dnf", "rust-toolset"): ("rust-toolset", "compiler", "rust"),
    ("dnf", "dotnet-sdk-8.0"): ("dotnet-sdk-8.0", "toolchain", "dotnet"),
    ("dnf", "make"): ("make", "build-tool", "make"),
    ("dnf", "cmake3"): ("cmake3", "build-tool", "cmake"),
    ("dnf", "pkgconf-pkg-config"): ("pkgconf-pkg-config", "build-tool", None),
    ("dnf", "rpm-build"): ("rpm-build", "build-tool", None),
    ("dnf", "git-core"): ("git-core", "vcs", None),
    ("tdnf", "gcc"): ("gcc", "compiler", "gcc"),
    ("zypper", "gcc"): ("gcc", "compiler", "gcc"),
    ("zypper", "gcc13-c++"): ("gcc13-c++", "compiler", "gcc"),
    ("zypper", "go1.22"): ("go1.22", "compiler", "go"),
    ("zypper", "libopenssl-devel"): ("libopenssl-devel", "headers", None),
    ("zypper", "java-1_8_0-openjdk-devel"): ("java-1_8_0-openjdk-devel", "toolchain", "jdk"),
    ("zypper", "devel_basis"): ("devel_basis", "compiler", "gcc"),
    ("pip", "cython"): ("cython", "compiler", None),
    ("pip", "Cython==3.0.10"): ("Cython", "compiler", None),
    ("pip3", "pybind11[global]>=2.10"): ("pybind11", "headers", None),
    ("pip", "scikit_build"): ("scikit_build", "build-tool", None),
    ("pip", "scikit-build-core"): ("scikit-build-core", "build-tool", None),
    ("uv", "maturin"): ("maturin", "build-tool", None),
    ("pip", "pyinstaller"): ("pyinstaller", "build-tool", None),
    ("npm", "typescript"): ("typescript", "compiler", None),
    ("npm", "typescript@5.3.3"): ("typescript", "compiler", None),
    ("npm", "webpack"): ("webpack", "build-tool", None),
    ("yarn", "webpack-cli"): ("webpack-cli", "build-tool", None),
    ("npm", "node-gyp"): ("node-gyp", "build-tool", None),
    ("npm", "@types/node"): ("@types/node", "headers", None),
    ("pnpm", "@types/node@20.11.0"): ("@types/node", "headers", None),
    ("npm", "@babel/cli@7"): ("@babel/cli", "build-tool", None),
    ("gem", "rake-compiler"): ("rake-compiler", "build-tool", None),
    ("gem", "rake-compiler:1.2.5"): ("rake-compiler", "build-tool", None),
}


@pytest.mark.parametrize("manager, word", list(BUILD_ONLY))
def test_build_only_packages(manager, word):
    info = build_only_package(manager, word)
    assert info is not None
    assert (info.name, info.category, info.toolchain) == BUILD_ONLY[(manager, word)]


NOT_BUILD_ONLY = [
    ("apt", "ca-certificates"), ("apt", "gnupg"), ("apt", "dirmngr"), ("apt", "gosu"), ("apt", "tini"),
    ("apt", "tzdata"), ("apt", "udev"), ("apt", "libudev1"), ("apt", "dev86"), ("apt", "libc6"),
    ("apt", "libc-bin"), ("apt", "libc-dev-bin"), ("apt", "libstdc++6"), ("apt", "libgcc-s1"), ("apt", "libpq5"),
    ("apt", "libssl3"), ("apt", "openssl"), ("apt", "binutils"), ("apt", "cpp"), ("apt", "gettext-base"),
    ("apt", "python3"), ("apt", "python3-pip"), ("apt", "nodejs"), ("apt", "npm"), ("apt", "unzip"),
    ("apt", "xz-utils"), ("apt", "procps"), ("apt", "nginx"), ("apt", "openssh-client"),
    ("apt", "openjdk-17-jre"), ("apt", "openjdk-17-jre-headless"), ("apt", "default-jre-headless"),
    ("apt", "dotnet-runtime-8.0"), ("apt", "aspnetcore-runtime-8.0"), ("apt", "gcc-12-base"),
    ("apt", "$BUILD_DEPS"), ("apt", ""), ("apt", "devscripts-el"),
    ("apk", "ca-certificates"), ("apk", "su-exec"), ("apk", "tini"), ("apk", "tzdata"), ("apk", "libgcc"),
    ("apk", "libstdc++"), ("apk", "musl"), ("apk", "bash"), ("apk", "openjdk17-jre"),
    ("apk", "openjdk17-jre-headless"), ("apk", "dotnet8-runtime"), ("apk", "aspnetcore8-runtime"),
    ("apk", "libc6-compat"), ("apk", ".build-deps"), ("apk", "lighttpd"), ("apk", "php82-cgi"),
    ("dnf", "java-17-openjdk"), ("dnf", "java-17-openjdk-headless"), ("microdnf", "java-21-openjdk-headless"),
    ("dnf", "glibc"), ("dnf", "libstdc++"), ("dnf", "shadow-utils"), ("dnf", "python3-3.11.5"),
    ("dnf", "java-17-amazon-corretto-headless"), ("zypper", "java-17-openjdk-headless"), ("zypper", "timezone"),
    ("pip", "pip"), ("pip", "setuptools"), ("pip", "wheel"), ("pip", "cffi"), ("pip", "numpy"),
    ("pip", "requests==2.31"), ("pip", "gunicorn"), ("npm", "ts-node"), ("npm", "tsx"), ("npm", "pm2"),
    ("npm", "express"), ("npm", "@nestjs/cli"), ("gem", "bundler"), ("gem", "rake"), ("gem", "rails"),
    ("gem", "mini_portile2"),
    # managers that have no tables, and garbage
    ("cargo", "serde"), ("go", "github.com/x/y"), ("brew", "gcc"), ("", "gcc"),
]


@pytest.mark.parametrize("manager, word", NOT_BUILD_ONLY)
def test_not_build_only(manager, word):
    assert build_only_package(manager, word) is None


def test_build_only_size_is_reported():
    assert build_only_package("apt", "build-essential").approx_size_mb == 200
    assert build_only_package("apt", "libssl-dev").approx_size_mb is None


# ---------------------------------------------------------------------------
# toolchain_for_command
# ---------------------------------------------------------------------------

COMMANDS = {
    "go build": "go",
    "go build -o /out/app ./cmd/app": "go",
    "go install ./...": "go",
    "go install github.com/go-delve/delve/cmd/dlv@latest": "go",
    "go -C src build": "go",
    "/usr/local/go/bin/go build .": "go",
    "xx-go build -o /app": "go",
    "go mod download": None,
    "go mod tidy": None,
    "go version": None,
    "go test ./...": None,
    "go run main.go": None,
    "go vet ./...": None,
    "go generate ./...": None,
    "go env -w CGO_ENABLED=0": None,
    "go": None,
    "go build -h": None,
    "cargo build": "rust",
    "cargo build --release --locked": "rust",
    "cargo +nightly build": "rust",
    "cargo -Z unstable-options build": "rust",
    "cargo b -r": "rust",
    "cargo install cargo-chef --locked": "rust",
    "cargo install --path .": "rust",
    "cargo chef cook --release --recipe-path recipe.json": "rust",
    "cargo chef prepare --recipe-path recipe.json": None,
    "cargo test": None,
    "cargo fetch": None,
    "cargo check": None,
    "cargo --version": None,
    "rustc main.rs": "rust",
    "rustc -O main.rs -o main": "rust",
    "rustc --version": None,
    "rustc -vV": None,
    "rustc --print sysroot": None,
    "rustc": None,
    "gcc -o hello hello.c": "gcc",
    "gcc -static -O2 -o x x.c": "gcc",
    "cc main.c": "gcc",
    "g++ -std=c++17 a.cpp": "gcc",
    "c++ a.cpp": "gcc",
    "clang -O2 a.c": "gcc",
    "clang++ a.cpp": "gcc",
    "gcc-12 -O2 x.c": "gcc",
    "clang-17 a.c": "gcc",
    "x86_64-linux-gnu-gcc -c a.c": "gcc",
    "aarch64-linux-gnu-g++ a.cpp": "gcc",
    "musl-gcc -static a.c": "gcc",
    "xx-clang --static a.c": "gcc",
    "gcc": None,
    "gcc --version": None,
    "gcc -v": None,
    "gcc -dumpmachine": None,
    "gcc -print-multiarch": None,
    "cc -print-file-name=libc.so": None,
    "gcc-ar rcs libx.a x.o": None,
    "gcc-nm x.o": None,
    "make": "make",
    "make install": "make",
    "make -j$(nproc)": "make",
    "make -j 4 all": "make",
    "make -C src": "make",
    "gmake": "make",
    "make --version": None,
    "make -n": None,
    "cmake ..": "cmake",
    "cmake -S . -B build -DCMAKE_BUILD_TYPE=Release": "cmake",
    "cmake --build build --parallel": "cmake",
    "cmake -E make_directory build": None,
    "cmake -P script.cmake": None,
    "cmake --install build": None,
    "cmake --version": None,
    "cmake": None,
    "mvn package": "maven",
    "mvn -B package": "maven",
    "mvn -B -DskipTests package": "maven",
    "mvn -f pom.xml clean install": "maven",
    "mvn -P prod -pl app -am verify": "maven",
    "mvn clean package spring-boot:repackage": "maven",
    "mvn spring-boot:repackage": "maven",
    "./mvnw -B package": "maven",
    "./mvnw package -DskipTests": "maven",
    "mvnw.cmd package": "maven",
    "mvn dependency:go-offline": None,
    "mvn dependency:resolve": None,
    "./mvnw dependency:go-offline -B": None,
    "mvn test": None,
    "mvn clean": None,
    "mvn -v": None,
    "gradle build": "gradle",
    "gradle clean build": "gradle",
    "gradle build -x test": "gradle",
    "gradle bootJar": "gradle",
    "./gradlew --no-daemon build": "gradle",
    "./gradlew bootJar --no-daemon": "gradle",
    "./gradlew :app:bootJar": "gradle",
    "./gradlew installDist": "gradle",
    "./gradlew shadowJar": "gradle",
    "./gradlew assemble": "gradle",
    "gradle -p service build": "gradle",
    "gradlew.bat build": "gradle",
    "gradle dependencies": None,
    "./gradlew dependencies --no-daemon": None,
    "gradle test": None,
    "gradle --version": None,
    "gradle -x build test": None,
    "dotnet publish -c Release -o /app": "dotnet",
    "dotnet publish": "dotnet",
    "dotnet build": "dotnet",
    "dotnet pack": "dotnet",
    "dotnet restore": None,
    "dotnet test": None,
    "dotnet run": None,
    "dotnet app.dll": None,
    "dotnet --info": None,
    "dotnet tool install -g dotnet-ef": None,
    "javac Main.java": "jdk",
    "javac -d out $(find src -name '*.java')": "jdk",
    "javac -version": None,
    "javac": None,
    "npm run build": None,
    "npm ci": None,
    "yarn build": None,
    "python setup.py build": None,
    "pip install -r requirements.txt": None,
    "java -jar app.jar": None,
    "env CGO_ENABLED=0 go build": "go",
    "env -u GOFLAGS go build": "go",
    "CGO_ENABLED=0 GOOS=linux go build -a": "go",
    "sudo make install": "make",
    "sudo -u builder make": "make",
    "gosu builder make": "make",
    "su-exec builder cargo build": "rust",
    "time make": "make",
    "nice -n 10 make": "make",
    "timeout 600 make": "make",
    "exec make": "make",
    "sh ./gradlew build": "gradle",
    "bash mvnw package": "maven",
    "sh -c make": None,
    "sh build.sh": None,
    "command -v make": None,
    "command -v go": None,
    "./make.sh": None,
    "./build": None,
    "echo go build": None,
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_toolchain_for_command(command):
    import shlex

    assert toolchain_for_command(shlex.split(command)) == COMMANDS[command]


@pytest.mark.parametrize("argv", [[], [""], ["go", ""], ["sudo"], ["env"], ["env", "A=1"]])
def test_toolchain_for_degenerate_commands(argv):
    assert toolchain_for_command(argv) is None


# ---------------------------------------------------------------------------
# toolchain
# ---------------------------------------------------------------------------

def test_toolchains():
    go = toolchain("go")
    assert go is not None
    assert go.name == "go" and go.label == "the Go toolchain"
    assert go.runtime_base == "scratch" and go.static_env == "CGO_ENABLED=0"
    assert toolchain("rust").runtime_base == "debian:bookworm-slim"
    assert toolchain("rust").runtime_base_musl == "alpine:3.20"
    for name in ("gcc", "make", "cmake"):
        assert toolchain(name).runtime_base == "debian:bookworm-slim"
    for name in ("maven", "gradle", "jdk"):
        assert toolchain(name).runtime_base == "eclipse-temurin:21-jre"
        assert toolchain(name).runtime_base_musl == "eclipse-temurin:21-jre-alpine"
    assert toolchain("dotnet").runtime_base == "mcr.microsoft.com/dotnet/aspnet:8.0"
    assert toolchain("node") is None
    assert toolchain("") is None


def test_every_image_toolchain_and_command_toolchain_has_info():
    for c in load_table("toolchains")["command"]:
        info = toolchain(c["toolchain"])
        assert info is not None and info.label and info.approx_size_mb


# ---------------------------------------------------------------------------
# cache_dirs
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("manager, expected", [
    ("apt", ("/var/lib/apt/lists", "/var/cache/apt")),
    ("apt-get", ("/var/lib/apt/lists", "/var/cache/apt")),
    ("apk", ("/var/cache/apk",)),
    ("dnf", ("/var/cache/dnf", "/var/cache/yum")),
    ("yum", ("/var/cache/dnf", "/var/cache/yum")),
    ("microdnf", ("/var/cache/dnf", "/var/cache/yum")),
    ("zypper", ("/var/cache/zypp",)),
    ("npm", ("/root/.npm", "~/.npm")),
])
def test_cache_dirs_exact(manager, expected):
    assert cache_dirs(manager) == expected


@pytest.mark.parametrize("manager, first", [
    ("pip", "/root/.cache/pip"),
    ("yarn", "/usr/local/share/.cache/yarn"),
    ("go", "/root/.cache/go-build"),
    ("cargo", "/usr/local/cargo/registry"),
    ("gem", "/usr/local/bundle/cache"),
    ("uv", "/root/.cache/uv"),
    ("tdnf", "/var/cache/tdnf"),
])
def test_cache_dirs_first(manager, first):
    assert cache_dirs(manager)[0] == first


def test_cache_dirs_details():
    assert "~/.cache/pip" in cache_dirs("pip")
    assert "/go/pkg/mod" in cache_dirs("go")
    assert "/root/.cargo/registry" in cache_dirs("cargo")
    assert cache_dirs("APT") == cache_dirs("apt")
    assert cache_dirs("unknown-manager") == ()
    assert cache_dirs("") == ()


def test_compiled_tables_equal_the_sources(tmp_path):
    """What start-up reads (dockerlint/_compiled, made by the build) is exactly what rules/ says:
    one file per knowledge table, one for all rule documents, each with its own sources' digest."""
    import marshal

    from dockerlint import compiled

    paths = compiled.build(str(tmp_path))
    sources = compiled._sources(compiled.rules_dir())
    by_group: dict = {}
    for name, path in sources:
        by_group.setdefault("rules" if name.startswith("rule:") else name, []).append((name, path))
    assert sorted(paths) == sorted(str(tmp_path / f"{g}.bin") for g in by_group)
    assert {"images", "image_history", "packages", "rules", "debian", "debian/bookworm"} <= set(by_group)
    for group, group_sources in by_group.items():
        fmt, digest, data, stamp = marshal.loads((tmp_path / f"{group}.bin").read_bytes())
        assert fmt == compiled._FORMAT and digest == compiled._digest(group_sources), group
        assert stamp == compiled._stamp(group_sources), group
        assert set(data) == {name for name, _p in group_sources}, group
        for name, path in group_sources:
            value = data[name]
            if name in compiled._KEYED:  # stored one value per key, decoded on access
                assert all(type(v) is bytes for v in value.values()), name
                value = compiled.Keyed(value)
                assert isinstance(value, dict) and value == compiled.parse_source(name, path), name
                value = dict(value.items())
            if name in compiled._LISTED:  # the list's entries stored one by one, decoded on access
                key, heads = compiled._LISTED[name]
                assert all(type(b) is bytes and set(h) <= set(heads) for h, b in value[key]), name
                value = compiled._decode(name, value)
                assert len(value[key]) and all(value[key].head(i) == {h: e[h] for h in heads if h in e}
                                               for i, e in enumerate(value[key])), name
                value = {**value, key: list(value[key])}
            if name.startswith("debian/"):  # each mapping one bytes object, decoded a bucket at a time
                assert {k for k, v in value.items() if type(v) is bytes} == {"aliases", "graph", "packages"}
                value = {k: dict(compiled.Packed(v).items()) if type(v) is bytes else v for k, v in value.items()}
            assert value == compiled.parse_source(name, path), name


def test_build_removes_the_single_file_of_format_1(tmp_path):
    from dockerlint import compiled

    (tmp_path / "tables.bin").write_bytes(b"old")
    compiled.build(str(tmp_path))
    assert not (tmp_path / "tables.bin").exists() and (tmp_path / "images.bin").exists()


def test_stale_compiled_tables_fall_back_to_the_sources(tmp_path, monkeypatch):
    import marshal

    from dockerlint import compiled

    for group in ("images", "packages"):
        (tmp_path / f"{group}.bin").write_bytes(marshal.dumps((compiled._FORMAT, 12345, {group: {"image": []}},
                                                                 None)))
    monkeypatch.setattr(compiled, "COMPILED", str(tmp_path))
    monkeypatch.setattr(compiled, "_CACHE", {})
    assert compiled.table("images") != {"image": []}  # the digest does not match: parsed from rules/
    # and the checkout's compiled file of that table (only) was rebuilt, so the next start reads no TOML
    fmt, digest, data, _stamp = marshal.loads((tmp_path / "images.bin").read_bytes())
    assert digest == compiled._digest(compiled._group_sources(compiled.rules_dir(), "images")) and data["images"]["image"]
    assert marshal.loads((tmp_path / "packages.bin").read_bytes())[1] == 12345
    assert set(compiled._CACHE) == {"images"}


def test_sources_with_their_recorded_sizes_and_times_are_not_read(tmp_path, monkeypatch):
    import marshal
    import os
    import shutil

    from dockerlint import compiled

    rules = tmp_path / "rules"
    shutil.copytree(compiled.rules_dir(), rules, ignore=shutil.ignore_patterns("debian", "DKL*"))
    out = tmp_path / "out"
    compiled.build(str(out), str(rules))
    monkeypatch.setattr(compiled, "COMPILED", str(out))
    monkeypatch.setattr(compiled, "rules_dir", lambda: str(rules))
    digests = []
    real_digest = compiled._digest
    monkeypatch.setattr(compiled, "_digest", lambda s: digests.append(s) or real_digest(s))
    assert compiled._load_group("packages")["packages"] and digests == []  # the stamp matched
    source = rules / "knowledge" / "packages.toml"
    st = source.stat()
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched, not changed
    assert compiled._load_group("packages")["packages"] and len(digests) == 1
    assert compiled._load_group("packages")["packages"] and len(digests) == 1  # restamped
    assert marshal.loads((out / "packages.bin").read_bytes())[3] == compiled._stamp(
        compiled._group_sources(str(rules), "packages"))
    source.write_text(source.read_text() + "\n# an edit\n")  # changed: the digest differs, rebuilt
    before = (out / "packages.bin").read_bytes()
    assert compiled._load_group("packages")["packages"] and len(digests) == 3  # checked, then written
    assert (out / "packages.bin").read_bytes() != before


def test_unwritable_stale_tables_parse_each_source(tmp_path, monkeypatch):
    from dockerlint import compiled

    monkeypatch.setattr(compiled, "COMPILED", str(tmp_path / "missing-dir" / "file"))
    monkeypatch.setattr(compiled, "_CACHE", {})
    monkeypatch.setattr(compiled, "_write", lambda *a: (_ for _ in ()).throw(OSError("read-only")))
    assert compiled.table("images")["image"]
    meta, body = compiled.table("rule:DKL101")
    assert meta["code"] == "DKL101" and body.strip()
    with pytest.raises(KeyError):
        compiled.table("no-such-table")


def test_a_keyed_table_decodes_only_the_entries_asked_for(monkeypatch):
    from dockerlint import compiled

    monkeypatch.setattr(compiled, "_CACHE", {})
    history = compiled.table("image_history")
    source = compiled.parse_source("image_history", compiled._group_sources(compiled.rules_dir(), "image_history")[0][1])
    assert set(history) == set(source) and "python" in history
    assert history["python"] == source["python"] and history.get("no-such-image", {}) == {}
    assert type(dict.__getitem__(history, "python")) is not bytes
    assert type(dict.__getitem__(history, "node")) is bytes  # not asked for: still encoded
    assert history == source and dict(history.items()) == source


def test_a_packed_table_decodes_only_the_buckets_asked_for():
    from dockerlint import compiled

    source = {f"pkg{i}": [i, f"dep{i}"] for i in range(1000)} | {"": [0], "ü": None}
    packed = compiled.Packed(compiled.pack(source))
    assert len(packed) == 1002 and packed._read == {}
    assert packed["pkg7"] == [7, "dep7"] and packed.get("ü", 1) is None and packed[""] == [0]
    assert len(packed._read) == 3  # only the buckets of the three keys
    assert "pkg999" in packed and "pkg1000" not in packed and packed.get("nope", "d") == "d"
    assert 7 not in packed and packed.get(None) is None  # only str keys are ever present
    with pytest.raises(KeyError):
        packed["nope"]
    assert packed == source and dict(packed.items()) == source and sorted(packed) == sorted(source)
    assert compiled.Packed(compiled.pack({})) == {} and len(compiled.Packed(compiled.pack({}))) == 0


def test_a_release_file_is_read_packed_and_answers_as_the_json(tmp_path, monkeypatch):
    import json

    from dockerlint import compiled, debian

    compiled.build(str(tmp_path))  # (the checkout's own may be stale: its first read parses the JSON)
    monkeypatch.setattr(compiled, "COMPILED", str(tmp_path))
    monkeypatch.setattr(compiled, "_CACHE", {})
    monkeypatch.setattr(debian, "_body", debian._body.__wrapped__)
    body = compiled.table("debian/jammy")
    with open(compiled._group_sources(compiled.rules_dir(), "debian/jammy")[0][1], encoding="utf-8") as fh:
        source = json.load(fh)
    assert isinstance(body["graph"], compiled.Packed) and isinstance(body["base"], list)
    for name in ("gcc", "libpq-dev", "curl", "no-such-package"):
        assert body["graph"].get(name) == source["graph"].get(name), name
        assert body["packages"].get(name) == source["packages"].get(name), name
    assert body["graph"]._read.keys() != set(range(body["graph"]._buckets))  # not all decoded
    assert debian.closure(["gcc"], "jammy") and debian.package("gcc", "jammy").release == "jammy"


def test_each_group_finds_the_sources_the_listing_holds():
    from dockerlint import compiled

    root = compiled.rules_dir()
    listed = compiled._groups(compiled._sources(root))
    assert len(listed) > 15 and "debian/bookworm" in listed
    for group, sources in listed.items():
        assert compiled._group_sources(root, group) == sources, group
    for unknown in ("no-such-table", "debian/sid", "knowledge/images"):
        assert compiled._group_sources(root, unknown) == []
