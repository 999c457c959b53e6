"""Base-image facts (WORKDIR, ENV, USER, CMD, ENTRYPOINT, shell, release, version, build-only size) and
runtime_image(): exact values for real images, and the table's own consistency."""

from __future__ import annotations

import glob
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dockerlint import images, knowledge
from dockerlint.knowledge import (ImageInfo, RuntimeImage, image_info, load_table, pin_version, runtime_image,
                                  stale_release)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus")
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
NEW_FACTS = ("workdir", "user", "cmd", "entrypoint", "shell", "release", "version", "build_only_mb")


def test_knowledge_reexports_the_image_api():
    assert knowledge.image_info is images.image_info
    assert knowledge.runtime_image is images.runtime_image
    assert knowledge.ImageInfo is images.ImageInfo and knowledge.RuntimeImage is images.RuntimeImage


def test_importing_images_first_works_and_parses_nothing():
    code = (
        "import dockerlint.images as i, dockerlint.knowledge as k, dockerlint.compiled as c\n"
        "assert not c._CACHE\n"
        "assert i._history.cache_info().currsize == 0\n"
        "assert i.image_info('golang:1.22').workdir == '/go'\n"
        "assert c._CACHE and 'images' in c._CACHE\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ---------------------------------------------------------------------------
# The examples the facts were collected for
# ---------------------------------------------------------------------------

def test_golang_workdir_and_env():
    info = image_info("golang:1.21")
    assert info.workdir == "/go"
    assert info.env["GOPATH"] == "/go"
    assert info.env["PATH"] == "/go/bin:/usr/local/go/bin:" + DEFAULT_PATH
    assert info.env["GOTOOLCHAIN"] == "local"
    assert "GOLANG_VERSION" in info.env and info.env["GOLANG_VERSION"] is None
    assert info.env_complete is True
    assert (info.user, info.cmd, info.entrypoint, info.shell) == ("root", ("bash",), (), "/bin/sh")
    assert info.version == "1.21" and info.release == "bookworm"


def test_golang_before_1_21_has_no_gotoolchain():
    info = image_info("golang:1.20-bookworm")
    assert set(info.env) == {"PATH", "GOLANG_VERSION", "GOPATH"}
    assert info.env_complete is True


def test_golang_alpine():
    info = image_info("golang:1.22-alpine")
    assert info.has_c_compiler is False and info.libc == "musl"
    assert info.workdir == "/go" and info.cmd == ("/bin/sh",)
    assert info.release == "alpine3.21"  # what golang:1.22-alpine was last built on


def test_chainguard_go_is_a_root_build_image_with_gcc():
    info = image_info("cgr.dev/chainguard/go")
    assert info.has_c_compiler is True and "gcc" in info.toolchains
    assert info.user == "root"
    assert info.shell == "/bin/sh"
    assert info.entrypoint == ("/usr/bin/go",) and info.cmd == ("help",)
    assert info.env_complete is False


def test_chainguard_static():
    info = image_info("cgr.dev/chainguard/static")
    assert info.shell == "" and info.user == "65532"
    assert info.cmd == () and info.entrypoint == ()


@pytest.mark.parametrize("ref, user, workdir", [
    ("gcr.io/distroless/static-debian12:nonroot", "65532", "/home/nonroot"),
    ("gcr.io/distroless/static-debian12:debug-nonroot", "65532", "/home/nonroot"),
    ("gcr.io/distroless/static-debian12", "root", "/"),
    ("gcr.io/distroless/static-debian12:latest", "root", "/"),
])
def test_distroless_users(ref, user, workdir):
    info = image_info(ref)
    assert (info.user, info.workdir) == (user, workdir)
    assert info.release == "bookworm"


def test_distroless_debug_has_busybox_sh():
    info = image_info("gcr.io/distroless/base-debian12:debug")
    assert info.shell == "/busybox/sh"
    assert info.entrypoint == ("/busybox/sh",)
    assert info.env["PATH"] == DEFAULT_PATH + ":/busybox"
    plain = image_info("gcr.io/distroless/base-debian12")
    assert plain.shell == "" and plain.entrypoint == () and plain.cmd == ()
    assert dict(plain.env) == {"PATH": DEFAULT_PATH, "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"}
    assert plain.env_complete is True


@pytest.mark.parametrize("ref, release", [
    ("gcr.io/distroless/static", "trixie"),  # DEFAULT_DISTRO = debian13
    ("gcr.io/distroless/cc-debian12", "bookworm"),
    ("gcr.io/distroless/java21-debian13", "trixie"),
])
def test_distroless_release_from_the_name(ref, release):
    assert image_info(ref).release == release


def test_distroless_language_entrypoints():
    assert image_info("gcr.io/distroless/java21-debian13").entrypoint == ("/usr/bin/java", "-jar")
    assert image_info("gcr.io/distroless/java21-debian13:debug").entrypoint == ("/usr/bin/java", "-jar")
    assert image_info("gcr.io/distroless/java21-debian13:debug").shell == "/busybox/sh"
    assert image_info("gcr.io/distroless/nodejs22-debian13").entrypoint == ("/nodejs/bin/node",)
    assert image_info("gcr.io/distroless/python3-debian12").entrypoint == ("/usr/bin/python3.11",)
    assert image_info("gcr.io/distroless/python3-debian13").entrypoint == ("/usr/bin/python3.13",)
    assert image_info("gcr.io/distroless/python3").entrypoint is None  # which Python depends on the release


def test_postgres():
    info = image_info("postgres:16")
    assert info.entrypoint == ("docker-entrypoint.sh",)
    assert info.cmd == ("postgres",)
    assert info.env["PGDATA"] == "/var/lib/postgresql/data"
    assert image_info("postgres:18").env["PGDATA"] == "/var/lib/postgresql/18/docker"
    assert image_info("postgres:16-alpine").entrypoint == ("docker-entrypoint.sh",)


def test_dotnet_8_listens_on_8080():
    info = image_info("mcr.microsoft.com/dotnet/aspnet:8.0")
    assert info.env["APP_UID"] == "1654"
    assert info.env["ASPNETCORE_HTTP_PORTS"] == "8080"
    assert "ASPNETCORE_URLS" not in info.env
    assert info.user == "root"  # APP_UID is defined, but only the chiseled images switch to it
    assert info.env_complete is True
    assert (info.version, info.release, info.cmd) == ("8.0", "bookworm", ("bash",))


def test_dotnet_6_and_7_listen_on_80():
    for ref in ("mcr.microsoft.com/dotnet/aspnet:6.0", "mcr.microsoft.com/dotnet/runtime:7.0"):
        info = image_info(ref)
        assert info.env["ASPNETCORE_URLS"] == "http://+:80"
        assert "APP_UID" not in info.env and "ASPNETCORE_HTTP_PORTS" not in info.env
        assert info.release == "bullseye"
    assert image_info("mcr.microsoft.com/dotnet/sdk:6.0").env["ASPNETCORE_URLS"] == ""


def test_dotnet_chiseled_runs_as_app_uid():
    info = image_info("mcr.microsoft.com/dotnet/aspnet:8.0-jammy-chiseled")
    assert info.user == "1654"
    assert info.shell == "" and info.cmd == () and info.release == "jammy"
    assert image_info("mcr.microsoft.com/dotnet/runtime-deps:8.0-azurelinux3.0-distroless").user == "1654"
    assert image_info("mcr.microsoft.com/dotnet/aspnet:10.0").cmd == ("/bin/bash",)  # Ubuntu noble by default
    assert image_info("mcr.microsoft.com/dotnet/aspnet:10.0").release == "noble"


@pytest.mark.parametrize("ref, cmd, entrypoint", [
    ("python:3.12", ("python3",), ()),
    ("python:3.12-slim", ("python3",), ()),
    ("node:20", ("node",), ("docker-entrypoint.sh",)),
    ("node:20-alpine", ("node",), ("docker-entrypoint.sh",)),
    ("debian:bookworm", ("bash",), ()),
    ("ubuntu:24.04", ("/bin/bash",), ()),
    ("alpine:3.20", ("/bin/sh",), ()),
    ("busybox", ("sh",), ()),
    ("scratch", (), ()),
    ("golang:1.22", ("bash",), ()),
    ("rust:1.79", ("bash",), ()),
    ("rust:1.79-alpine", ("/bin/sh",), ()),
    ("nginx", ("nginx", "-g", "daemon off;"), ("/docker-entrypoint.sh",)),
    ("httpd:2.4", ("httpd-foreground",), ()),
    ("redis:7", ("redis-server",), ("docker-entrypoint.sh",)),
    ("eclipse-temurin:21-jdk", ("jshell",), ("/__cacert_entrypoint.sh",)),
    ("eclipse-temurin:8-jdk", (), ("/__cacert_entrypoint.sh",)),
    ("eclipse-temurin:21-jre", (), ("/__cacert_entrypoint.sh",)),
    ("maven:3.9-eclipse-temurin-21", ("mvn",), ("/usr/local/bin/mvn-entrypoint.sh",)),
    ("tomcat:10.1", ("catalina.sh", "run"), ()),
    ("php:8.4-apache", ("apache2-foreground",), ("docker-php-entrypoint",)),
    ("php:8.4-fpm-alpine", ("php-fpm",), ("docker-php-entrypoint",)),
    ("php:8.4", ("php", "-a"), ("docker-php-entrypoint",)),
    ("docker:29-cli", ("sh",), ("docker-entrypoint.sh",)),
    ("docker:29-dind", (), ("dockerd-entrypoint.sh",)),
])
def test_cmd_and_entrypoint(ref, cmd, entrypoint):
    info = image_info(ref)
    assert (info.cmd, info.entrypoint) == (cmd, entrypoint)


@pytest.mark.parametrize("ref, workdir, user", [
    ("scratch", "/", "root"),
    ("debian:12", "/", "root"),
    ("haproxy:3.4", "/var/lib/haproxy", "haproxy"),
    ("haproxy:2.6", "/", "haproxy"),
    ("memcached:1.6", "/", "memcache"),
    ("redis:7-alpine", "/data", "root"),
    ("httpd:2.4-alpine", "/usr/local/apache2", "root"),
    ("php:8.4-fpm", "/var/www/html", "root"),
    ("tomcat:10.1-jre17", "/usr/local/tomcat", "root"),
    ("gradle:8.7-jdk17", "/home/gradle", "root"),
    ("docker:29-dind-rootless", "/", "rootless"),
    ("drupal:11", "/opt/drupal", "root"),
])
def test_workdir_and_user(ref, workdir, user):
    info = image_info(ref)
    assert (info.workdir, info.user) == (workdir, user)


@pytest.mark.parametrize("ref, shell", [
    ("scratch", ""),
    ("gcr.io/distroless/static-debian12", ""),
    ("gcr.io/distroless/static-debian12:debug", "/busybox/sh"),
    ("cgr.dev/chainguard/glibc-dynamic", ""),
    ("cgr.dev/chainguard/glibc-dynamic:latest-dev", "/bin/sh"),
    ("mcr.microsoft.com/dotnet/runtime:8.0-noble-chiseled", ""),
    ("debian:bookworm-slim", "/bin/sh"),
    ("alpine", "/bin/sh"),
    ("busybox:musl", "/bin/sh"),
    ("node:20-bookworm-slim", "/bin/sh"),
])
def test_shell(ref, shell):
    assert image_info(ref).shell == shell


@pytest.mark.parametrize("ref", [
    "mcr.microsoft.com/windows/servercore:ltsc2022", "golang:1.22-windowsservercore-ltsc2022",
    "python:3.13-windowsservercore-ltsc2022", "mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022",
    "eclipse-temurin:21-jdk-windowsservercore",
])
def test_windows_images_are_marked_and_have_no_linux_facts(ref):
    info = image_info(ref)
    assert info.is_windows is True
    assert all(getattr(info, f) is None for f in ("workdir", "user", "cmd", "entrypoint", "shell", "release"))
    assert dict(info.env) == {} and info.env_complete is False
    assert runtime_image(ref) is None


def test_linux_images_are_not_windows():
    assert image_info("golang:1.22").is_windows is False
    assert image_info("myorg/app:1.0").is_windows is False


@pytest.mark.parametrize("ref, release", [
    ("debian", "trixie"), ("debian:latest", "trixie"), ("debian:12", "bookworm"), ("debian:12.5-slim", "bookworm"),
    ("debian:bullseye-slim", "bullseye"), ("debian:oldstable", "bookworm"), ("debian:testing", "forky"),
    ("debian:sid", "sid"), ("ubuntu:22.04", "jammy"), ("ubuntu:noble", "noble"), ("ubuntu", "resolute"),
    ("ubuntu:20.04", "focal"), ("alpine:3.20", "alpine3.20"), ("alpine:3.18.4", "alpine3.18"), ("alpine", "alpine3.24"),
    ("alpine:edge", None), ("alpine:3", "alpine3.24"), ("golang:1.22", "bookworm"), ("golang:1.16", "bullseye"),
    ("golang", "trixie"),
    ("golang:1.22-bullseye", "bullseye"), ("golang:1.22-alpine3.19", "alpine3.19"),
    ("python:3.11.2", "bullseye"), ("python:3.11.4", "bookworm"), ("python:3.11", "trixie"),
    ("python:3.12-slim", "trixie"), ("python:3.8", "bookworm"), ("python:3.12-alpine", "alpine3.24"),
    ("node:20", "bookworm"), ("node:20.2.0", "bullseye"), ("node:lts", "bookworm"), ("node:26", "trixie"),
    ("rust:1.79", "bookworm"), ("rust:1.79-slim-bullseye", "bullseye"), ("gcc:13", "bookworm"),
    ("buildpack-deps:jammy-curl", "jammy"), ("buildpack-deps", "trixie"),
    ("mcr.microsoft.com/dotnet/sdk:8.0-jammy", "jammy"), ("mcr.microsoft.com/dotnet/sdk:8.0-alpine3.20", "alpine3.20"),
    ("eclipse-temurin:21-jdk-noble", "noble"),
    # java, openjdk's retired name: openjdk-N tags are N tags; latest is 8
    ("java:openjdk-8-jdk", "jessie"), ("docker.io/java:8", "jessie"), ("java", "jessie"), ("java:7", "jessie"),
    ("java:openjdk-9-jre", "sid"), ("java:6b38", "wheezy"), ("java:8-jdk-alpine", None),
    # no release to name: RPM distributions, Windows, versions the history does not know
    ("golang:1.99", None), ("mysql:8.4", None), ("eclipse-temurin:21-jdk-ubi9-minimal", None),
    ("golang:1.22-windowsservercore", None), ("myorg/app:1.0-bookworm", None), ("docker:19", "alpine3.13"),
])
def test_release(ref, release):
    assert image_info(ref).release == release


@pytest.mark.parametrize("ref, family, runtime", [
    ("java:openjdk-8-jdk", "debian", False), ("java:openjdk-8-jre", "debian", True), ("java:jre", "debian", True),
    ("java:openjdk-8-jdk-alpine", "alpine", False), ("java:latest", "debian", False),
])
def test_java_tags_name_the_same_images_with_or_without_openjdk(ref, family, runtime):
    info = image_info(ref)
    assert (info.family, info.is_runtime, "jdk" in info.toolchains) == (family, runtime, not runtime)


@pytest.mark.parametrize("ref, version", [
    ("golang:1.22", "1.22"), ("golang:1.22.5-alpine", "1.22.5"), ("golang", None), ("golang:latest", None),
    ("python:3.12-slim-bookworm", "3.12"), ("node:20", "20"), ("node:lts", None),
    ("mcr.microsoft.com/dotnet/sdk:6.0", "6.0"), ("microsoft/dotnet:2.2-sdk", "2.2"),
    ("maven:3.8-openjdk-8", "8"), ("maven:3.9.6-eclipse-temurin-21-alpine", "21"), ("maven:3.9", None),
    ("gradle:8.7-jdk17", "17"), ("gradle:jdk21-alpine", "21"), ("openjdk:8u312-jdk", "8u312"),
    ("eclipse-temurin:21.0.2_13-jdk", "21.0.2_13"), ("traefik:v3.0", "3.0"), ("golang:${GO_VERSION}-alpine", None),
])
def test_version(ref, version):
    assert image_info(ref).version == version


@pytest.mark.parametrize("ref, mb", [
    ("python:3.12", 800), ("python:3.12-slim", 0), ("python:3.12-alpine", 0), ("node:20", 800),
    ("node:20-slim", 0), ("ruby:3.3", 800), ("golang:1.22", 470), ("rust:1.79", 580), ("rust:1.79-slim", 0),
    ("erlang:27", 800), ("buildpack-deps:bookworm", 806), ("golang:1.22-alpine", None), ("debian:12", None),
])
def test_build_only_mb(ref, mb):
    assert image_info(ref).build_only_mb == mb


def test_env_values_known_and_unknown():
    rust = image_info("rust:1.79")
    assert rust.env["CARGO_HOME"] == "/usr/local/cargo" and rust.env["RUSTUP_HOME"] == "/usr/local/rustup"
    assert rust.env["PATH"] == "/usr/local/cargo/bin:" + DEFAULT_PATH
    assert rust.env["RUST_VERSION"] is None  # defined, value depends on the build
    assert rust.env_complete is True
    python = image_info("python:3.12")
    assert python.env["LANG"] == "C.UTF-8" and "PYTHON_VERSION" in python.env and "GPG_KEY" in python.env
    assert python.env_complete is False
    assert {"LANG", "GPG_KEY"}.isdisjoint(image_info("python:3.14").env)
    assert {"LANG", "GPG_KEY"}.isdisjoint(image_info("python:3").env)  # 3 is the newest 3.x: 3.14
    assert "YARN_VERSION" in image_info("node:24").env and "YARN_VERSION" not in image_info("node:26").env
    temurin = image_info("eclipse-temurin:17-jdk")
    assert temurin.env["JAVA_HOME"] == "/opt/java/openjdk" and "JAVA_VERSION" in temurin.env
    maven = image_info("maven:3.8-openjdk-8")
    assert (maven.env["MAVEN_HOME"], maven.env["MAVEN_CONFIG"]) == ("/usr/share/maven", "/root/.m2")
    assert dict(image_info("debian:bookworm").env) == {"PATH": DEFAULT_PATH}
    assert image_info("debian:bookworm").env_complete is True


def test_env_is_read_only_and_image_info_stays_hashable():
    info = image_info("golang:1.22")
    with pytest.raises(TypeError):
        info.env["GOPATH"] = "/x"  # type: ignore[index]
    assert hash(info) == hash(image_info("golang:1.22"))
    assert info == image_info("golang:1.22") and info != image_info("golang:1.21")


@pytest.mark.parametrize("ref", [
    "myorg/app:1.0", "base", "${BASE_IMAGE}", "$REPO:9.0.19-alpine3.24", "localhost:5000/golang:1.22",
    "registry.example.com:5000/team/img@sha256:abc", "", "ubuntu-like:22.04",
])
def test_unknown_images_know_no_facts(ref):
    info = image_info(ref)
    assert all(getattr(info, f) is None for f in NEW_FACTS), info
    assert dict(info.env) == {} and info.env_complete is False
    assert info.is_windows is False
    assert runtime_image(ref) is None or ref == "localhost:5000/golang:1.22"


def test_unknown_is_not_known_empty():
    """scratch has no CMD, no shell and no variables but PATH: known; an unknown image: None."""
    scratch, unknown = image_info("scratch"), image_info("myorg/app")
    assert (scratch.cmd, scratch.entrypoint, scratch.shell) == ((), (), "")
    assert (unknown.cmd, unknown.entrypoint, unknown.shell) == (None, None, None)
    assert dict(scratch.env) == {"PATH": DEFAULT_PATH} and scratch.env_complete is True


# ---------------------------------------------------------------------------
# Unresolved variables: only what every choice agrees on
# ---------------------------------------------------------------------------

def test_variable_version_keeps_what_every_version_agrees_on():
    info = image_info("golang:${GO_VERSION}-alpine")
    assert (info.workdir, info.cmd, info.user, info.shell) == ("/go", ("/bin/sh",), "root", "/bin/sh")
    assert set(info.env) == {"PATH", "GOLANG_VERSION", "GOPATH"}  # GOTOOLCHAIN only from 1.21
    assert info.env_complete is False and info.release is None and info.version is None
    temurin = image_info("eclipse-temurin:${JAVA_VERSION}-jdk")
    assert temurin.entrypoint == ("/__cacert_entrypoint.sh",) and temurin.cmd is None  # 8 has no jshell


def test_variable_variant_keeps_what_every_variant_agrees_on():
    info = image_info("python:3.12-${VARIANT}")
    assert info.build_only_mb is None  # 800 in the full image, 0 in -slim and -alpine
    assert info.release is None and info.version == "3.12"
    # the variable could name any variant, a Windows one too: nothing Linux-specific survives
    assert (info.cmd, info.workdir, info.shell) == (None, None, None)
    assert image_info("golang:${GO_VERSION}").workdir is None
    suite = image_info("golang:1.22-${SUITE}")  # bookworm, alpine, nanoserver ...
    assert suite.version == "1.22" and suite.workdir is None and suite.release is None


def test_digest_only_pins_an_unknown_version():
    info = image_info("debian@sha256:bb3dc79fddbca7e8903248ab916bb775c96ec61014b3d02b4f06043b604726dc")
    assert info.family == "debian" and info.cmd == ("bash",)
    assert info.release is None  # the digest may be any Debian release
    tagged = image_info("debian:bookworm@sha256:bb3dc79fddbca7e8903248ab916bb775c96ec61014b3d02b4f06043b604726dc")
    assert tagged.release == "bookworm"


# ---------------------------------------------------------------------------
# runtime_image
# ---------------------------------------------------------------------------

# (builder, cgo) -> runtime ref
RUNTIMES = {
    ("golang:1.22", False): "scratch",
    ("golang:1.22", True): "debian:bookworm-slim",
    ("golang:1.22-bookworm", True): "debian:bookworm-slim",
    ("golang:1.21-bullseye", True): "debian:bullseye-slim",
    ("golang:1.22-alpine", False): "scratch",
    ("golang:1.22-alpine", True): "alpine:3.21",
    ("golang:1.22-alpine3.19", True): "alpine:3.19",
    ("rust:1.79-bookworm", False): "debian:bookworm-slim",
    ("rust:1.79", False): "debian:bookworm-slim",
    ("rust:1.79-slim-bookworm", False): "debian:bookworm-slim",
    ("rust:1.79-alpine3.20", False): "alpine:3.20",
    ("lukemathwalker/cargo-chef:latest-rust-1.85-slim-bookworm", False): "debian:bookworm-slim",
    ("clux/muslrust:stable", False): "scratch",
    ("gcc:13", False): "debian:bookworm-slim",
    ("gcc:14-trixie", False): "debian:trixie-slim",
    ("buildpack-deps:bookworm", False): "debian:bookworm-slim",
    ("buildpack-deps:jammy", False): "ubuntu:jammy",
    ("maven:3.8-openjdk-8", False): "eclipse-temurin:8-jre",
    ("maven:3.9-eclipse-temurin-21", False): "eclipse-temurin:21-jre",
    ("maven:3.9-eclipse-temurin-21-alpine", False): "eclipse-temurin:21-jre-alpine",
    ("maven:3-eclipse-temurin-17-noble", False): "eclipse-temurin:17-jre-noble",
    ("maven:3.9-amazoncorretto-17", False): "eclipse-temurin:17-jre",
    ("gradle:8.7-jdk17", False): "eclipse-temurin:17-jre",
    ("gradle:jdk21-alpine", False): "eclipse-temurin:21-jre-alpine",
    ("openjdk:17-jdk", False): "eclipse-temurin:17-jre",
    ("openjdk:17-jdk-slim", False): "eclipse-temurin:17-jre",
    ("openjdk:8-jdk-alpine", False): "eclipse-temurin:8-jre-alpine",
    ("java:openjdk-8-jdk", False): "eclipse-temurin:8-jre",
    ("java:8-jdk-alpine", False): "eclipse-temurin:8-jre-alpine",
    ("eclipse-temurin:17-jdk", False): "eclipse-temurin:17-jre",
    ("eclipse-temurin:17", False): "eclipse-temurin:17-jre",
    ("eclipse-temurin:21-jdk-noble", False): "eclipse-temurin:21-jre-noble",
    ("eclipse-temurin:21-jdk-alpine", False): "eclipse-temurin:21-jre-alpine",
    ("eclipse-temurin:21.0.2_13-jdk-jammy", False): "eclipse-temurin:21.0.2_13-jre-jammy",
    ("mcr.microsoft.com/dotnet/sdk:6.0", False): "mcr.microsoft.com/dotnet/aspnet:6.0",
    ("mcr.microsoft.com/dotnet/sdk:8.0", False): "mcr.microsoft.com/dotnet/aspnet:8.0",
    ("mcr.microsoft.com/dotnet/sdk:8.0-alpine", False): "mcr.microsoft.com/dotnet/aspnet:8.0-alpine",
    ("mcr.microsoft.com/dotnet/sdk:8.0-jammy", False): "mcr.microsoft.com/dotnet/aspnet:8.0-jammy",
    ("mcr.microsoft.com/dotnet/core/sdk:3.1", False): "mcr.microsoft.com/dotnet/core/aspnet:3.1",
    ("microsoft/dotnet:2.2-sdk", False): "microsoft/dotnet:2.2-aspnetcore-runtime",
    ("microsoft/dotnet:2.1-sdk-alpine", False): "microsoft/dotnet:2.1-aspnetcore-runtime-alpine",
    ("python:3.12", False): "python:3.12-slim",
    ("python:3.12-bookworm", False): "python:3.12-slim-bookworm",
    ("python:3.12-alpine", False): "python:3.12-alpine",
    ("python:3.12-slim", False): "python:3.12-slim",
    ("node:20", False): "node:20-slim",
    ("node:20-bookworm", False): "node:20-bookworm-slim",
    ("node:20-alpine", False): "node:20-alpine",
    ("node:lts", False): "node:lts-slim",
    ("ruby:3.3", False): "ruby:3.3-slim",
    ("ruby:3.3-bookworm", False): "ruby:3.3-slim-bookworm",
    ("erlang:27", False): "erlang:27-slim",
    ("elixir:1.16", False): "elixir:1.16-slim",
    ("cgr.dev/chainguard/go", False): "cgr.dev/chainguard/static",
    ("cgr.dev/chainguard/go", True): "cgr.dev/chainguard/glibc-dynamic",
    ("nvidia/cuda:12.2.0-devel-ubuntu22.04", False): "nvidia/cuda:12.2.0-runtime-ubuntu22.04",
    ("nvidia/cuda:12.2.0-cudnn8-devel-ubuntu22.04", False): "nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04",
    # registry and mirror prefixes are kept
    ("myregistry.example.com/library/python:3.12", False): "myregistry.example.com/library/python:3.12-slim",
    ("public.ecr.aws/docker/library/golang:1.22", True): "public.ecr.aws/docker/library/debian:bookworm-slim",
    ("public.ecr.aws/docker/library/golang:1.22", False): "scratch",
    ("docker.io/library/maven:3.9-eclipse-temurin-21", False): "docker.io/library/eclipse-temurin:21-jre",
    ("arm64v8/node:20", False): "arm64v8/node:20-slim",
    ("mirror.gcr.io/library/rust:1.79", False): "mirror.gcr.io/library/debian:bookworm-slim",
    # untagged or latest: the version latest means, never a floating latest
    ("golang", True): "debian:trixie-slim",
    ("golang:latest", False): "scratch",
    ("rust", False): "debian:trixie-slim",
    ("rust:latest", False): "debian:trixie-slim",
    ("python", False): "python:3.14-slim",
    ("python:bookworm", False): "python:3.14-slim-bookworm",
    ("node", False): "node:26-slim",
    ("eclipse-temurin", False): "eclipse-temurin:25-jre",
    ("eclipse-temurin:latest", False): "eclipse-temurin:25-jre",
    ("maven", False): "eclipse-temurin:26-jre",
    ("maven:3.9", False): "eclipse-temurin:26-jre",
    ("mcr.microsoft.com/dotnet/sdk", False): "mcr.microsoft.com/dotnet/aspnet:10.0",
    ("gcc", False): "debian:trixie-slim",
}


@pytest.mark.parametrize("builder, cgo", list(RUNTIMES))
def test_runtime_image(builder, cgo):
    r = runtime_image(builder, cgo=cgo)
    assert isinstance(r, RuntimeImage)
    assert r.ref == RUNTIMES[builder, cgo]
    assert r.why and r.source


@pytest.mark.parametrize("builder, cgo", list(RUNTIMES))
def test_runtime_image_is_never_a_floating_latest(builder, cgo):
    ref = runtime_image(builder, cgo=cgo).ref
    name, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
    assert tag != "latest"
    if not tag:
        # only what has no tags to pin: scratch, and Chainguard's free images (a note says so)
        assert ref == "scratch" or ref.startswith("cgr.dev/chainguard/")
        if ref != "scratch":
            assert any("digest" in n for n in runtime_image(builder, cgo=cgo).notes)


@pytest.mark.parametrize("builder, meaning", [
    ("rust", "rust 1.98"), ("golang", "golang 1.27"), ("python", "python 3.14"), ("node:latest", "node 26"),
    ("mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/sdk 10.0"),
])
def test_untagged_builders_say_which_version_they_were_taken_to_mean(builder, meaning):
    r = runtime_image(builder, cgo=True)
    assert any(meaning in n and "latest" in n for n in r.notes), r.notes


def test_tagged_builders_need_no_latest_note():
    for builder in ("rust:1.79", "python:3.12", "node:lts", "golang:1.22"):
        assert not any("taken to mean" in n for n in runtime_image(builder, cgo=True).notes)


def test_runtime_image_drops_a_digest_with_a_note():
    digest = "sha256:640a234f4bea3e399c056b7b8f9c667c4939befae8db2f14e9785e16eccd4205"
    r = runtime_image(f"golang:1.22@{digest}", cgo=True)
    assert r.ref == "debian:bookworm-slim"
    assert any("digest" in n and "debian:bookworm-slim" in n for n in r.notes)
    assert digest not in r.ref
    # pinned by digest only: the version is unknown, so is the release a cgo binary needs
    assert runtime_image(f"golang@{digest}", cgo=True) is None
    assert runtime_image(f"golang@{digest}", cgo=False).ref == "scratch"


def test_private_registry_is_assumed_to_mirror_docker_hub():
    r = runtime_image("myregistry.example.com/library/python:3.12")
    assert any("myregistry.example.com/library/python" in n and "mirror" in n for n in r.notes)
    assert runtime_image("myregistry.example.com/team/app:1.0") is None


def test_dotnet_notes_and_alternatives():
    r8 = runtime_image("mcr.microsoft.com/dotnet/sdk:8.0")
    assert r8.alternatives == ("mcr.microsoft.com/dotnet/runtime:8.0",)
    assert any("8080, not 80" in n for n in r8.notes)
    r6 = runtime_image("mcr.microsoft.com/dotnet/sdk:6.0")
    assert r6.alternatives == ("mcr.microsoft.com/dotnet/runtime:6.0",)
    assert any("http://+:80" in n and "5000" in n for n in r6.notes)
    assert not any("8080" in n for n in r6.notes)
    band = runtime_image("mcr.microsoft.com/dotnet/sdk:8.0.100-bookworm-slim")
    assert band.ref == "mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim"
    assert any("8.0.100" in n for n in band.notes)
    old = runtime_image("microsoft/dotnet:2.2-sdk")
    assert old.alternatives == ("microsoft/dotnet:2.2-runtime",)
    assert not any("port" in n for n in old.notes)  # 2.x SDK and runtime both set ASPNETCORE_URLS=http://+:80


def test_notes_only_where_true():
    assert runtime_image("python:3.12").notes == ()
    assert runtime_image("golang:1.22", cgo=True).notes == ()
    assert runtime_image("maven:3.9-eclipse-temurin-21").notes == ()  # same vendor, JDK in the tag
    assert any("another vendor" in n for n in runtime_image("maven:3.9-amazoncorretto-17").notes)
    # gcc:13's libstdc++ is newer than bookworm's (GCC 12); gcc:12's is not
    assert any("libstdc++" in n for n in runtime_image("gcc:13").notes)
    assert not any("libstdc++" in n for n in runtime_image("gcc:12").notes)


@pytest.mark.parametrize("builder", [
    "debian:bookworm", "alpine:3.20", "nginx", "postgres:16", "scratch", "myorg/builder:1",
    "python:3.12-windowsservercore", "rustlang/rust:nightly", "python:3.12-onbuild", "eclipse-temurin:16-jdk",
    "ibm-semeru-runtimes:open-17-jdk", "golang:${GO_VERSION}", "${BUILDER}", "",
])
def test_no_runtime_when_none_can_be_named(builder):
    assert runtime_image(builder, cgo=True) is None


def test_runtime_image_of_non_strings():
    assert runtime_image(None) is None  # type: ignore[arg-type]
    assert runtime_image(42) is None  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# The tables themselves
# ---------------------------------------------------------------------------

FACT_KEYS = {"workdir", "env", "env_unset", "env_complete", "user", "cmd", "entrypoint", "shell", "release",
             "build_only_mb"}


def _entries():
    data = load_table("images")
    for i, entry in enumerate(data["image"]):
        where = f"image #{i} {entry.get('names') or entry.get('name_patterns')}"
        yield where, entry
        for v in entry.get("variant", []):
            yield f"{where} variant {v.get('token') or (v.get('since'), v.get('before'))}", v
    for v in data["variant"]:
        yield f"global variant {v['token']}", v


def test_every_fact_has_a_source_or_why():
    for where, entry in _entries():
        if FACT_KEYS & set(entry):
            assert entry.get("source") or entry.get("why"), where
            assert len(entry.get("why", "")) > 10, f"{where}: a fact without a why"
    for _where, entry in _entries():
        rule = entry.get("runtime")
        if rule:
            assert rule.get("source") and rule.get("why", rule.get("why_static")), _where


def test_entries_with_new_facts_cite_a_source():
    """An entry that records what a stage starts with says where that was read (corpus path or URL)."""
    for where, entry in _entries():
        if "variant" in where:
            continue
        if {"env", "cmd", "entrypoint", "workdir", "user"} & set(entry):
            assert entry.get("source"), where


_CORPUS_PATH = re.compile(r"([A-Za-z0-9_.-]+__[A-Za-z0-9_.-]+)/([A-Za-z0-9_.{},*+-]+)")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not on this machine")
def test_corpus_sources_exist():
    missing = []
    for where, entry in _entries():
        for m in _CORPUS_PATH.finditer(entry.get("source", "")):
            directory, name = m.group(1), m.group(2).rstrip(".,;)")
            braces = re.search(r"\{([^}]*)\}", name)
            names = ([name[:braces.start()] + o + name[braces.end():] for o in braces.group(1).split(",")]
                     if braces else [name])
            missing += [(where, f"{directory}/{n}") for n in names if not glob.glob(str(CORPUS / directory / n))]
    assert not missing


def test_variant_examples_resolve():
    """A variant's example, put in a tag of its image, selects the variant: every plain fact the variant
    sets shows, unless a later variant of the image or a global variant may set it too."""
    data = load_table("images")
    checked = 0
    for entry in data["image"]:
        if not entry.get("names"):
            continue
        name = entry["names"][0]
        variants = entry.get("variant", [])
        for i, v in enumerate(variants):
            if "token" in v and ("since" in v or "before" in v):
                continue  # needs a version and a token: covered by the exact tests above
            if "token" in v:
                tag = f"{entry['latest_version']}-{v['example']}" if "latest_version" in entry else v["example"]
            else:
                tag = v["example"]
            later = {k for w in variants[i + 1:] for k in w}
            later |= {k for g in data["variant"] for k in g
                      if any(re.fullmatch(g["token"], t, re.IGNORECASE) for t in tag.split("-"))}
            for key in ("kind", "workdir", "user", "shell", "cmd", "entrypoint", "build_only_mb"):
                if key not in v or key in later:
                    continue
                expected = v[key]
                if expected == "unknown":
                    expected = None
                elif key in ("cmd", "entrypoint"):
                    expected = tuple(expected)
                assert getattr(image_info(f"{name}:{tag}"), key) == expected, (name, tag, key)
                checked += 1
    assert checked >= 30


def test_releases_table():
    releases = load_table("images")["releases"]
    assert set(releases["debian_versions"].values()) <= set(releases["debian"])
    assert set(releases["ubuntu_versions"].values()) <= set(releases["ubuntu"])
    assert set(releases["aliases"].values()) <= set(releases["debian"] + releases["ubuntu"])


HISTORY = ROOT / "rules" / "knowledge" / "image_history.json"


def test_history_is_well_formed():
    data = json.loads(HISTORY.read_text())
    assert data["_source"].startswith("https://github.com/docker-library/official-images")
    releases = load_table("images")["releases"]
    names = set(releases["debian"] + releases["ubuntu"])
    for image, record in data.items():
        if image.startswith("_"):
            continue
        for table in ("release", "release_alpine", "jdk"):
            for series, items in record.get(table, {}).items():
                head, *changes = items
                assert head.split(" ")[0] == series, (image, series)
                versions = [tuple(int(x) for x in i.split(" ")[0].split(".")) for i in changes]
                assert versions == sorted(versions), (image, series)
                for item in items:
                    value = item.split(" ", 1)[1]
                    if value == "?":
                        continue
                    if table == "release":
                        assert value in names or re.fullmatch(r"alpine\d+\.\d+", value), (image, item)
                    elif table == "release_alpine":
                        assert re.fullmatch(r"alpine\d+\.\d+", value), (image, item)
                    else:
                        assert value.isdigit(), (image, item)


def test_latest_versions_agree_with_the_history():
    """latest_version in images.toml is what official-images' latest tag means in image_history.json."""
    history = json.loads(HISTORY.read_text())
    checked = 0
    for entry in load_table("images")["image"]:
        for name in entry.get("names", []):
            latest = history.get(name, {}).get("named", {}).get("latest")
            if latest and "latest_version" in entry:
                assert entry["latest_version"] in latest, (name, entry["latest_version"], latest)
                checked += 1
    assert checked >= 15


def test_image_info_type():
    info = image_info("golang:1.22")
    assert isinstance(info, ImageInfo)
    assert isinstance(info.env, type(images._empty_env()))


def _final_stage_env_names(path: Path) -> set[str]:
    """The ENV names the last stage of a Dockerfile sets (key=value and legacy `ENV key value` forms)."""
    logical, buf = [], ""
    for line in path.read_text(errors="replace").splitlines():
        if buf and line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            buf += line.rstrip()[:-1] + " "
            continue
        logical.append((buf + line).strip())
        buf = ""
    start = max(i for i, line in enumerate(logical) if line.upper().startswith("FROM "))
    names = set()
    for line in logical[start:]:
        if not line.upper().startswith("ENV "):
            continue
        body = line[4:].strip()
        if "=" in body.split()[0]:
            names |= {m.group(1) for m in re.finditer(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=", body)}
        else:
            names.add(body.split()[0])
    return names


# ref -> (Dockerfile of that image in the corpus, names it inherits from its base)
ENV_SOURCES = {
    "golang:1.26-bookworm": ("docker-library__golang/1.26__bookworm__Dockerfile", set()),
    "golang:1.26-alpine3.23": ("docker-library__golang/1.26__alpine3.23__Dockerfile", set()),
    "rust:1.94-bookworm": ("rust-lang__docker-rust/stable__bookworm__Dockerfile", set()),
    "python:3.12-bookworm": ("docker-library__python/3.12__bookworm__Dockerfile", set()),
    "python:3.14-trixie": ("docker-library__python/3.14__trixie__Dockerfile", set()),
    "node:22-bookworm": ("nodejs__docker-node/22__bookworm__Dockerfile", {"PATH"}),
    "node:26-trixie": ("nodejs__docker-node/26__trixie__Dockerfile", {"PATH"}),
    "ruby:3.4-trixie": ("docker-library__ruby/3.4__trixie__Dockerfile", set()),
    "php:8.4-cli-trixie": ("docker-library__php/8.4__trixie__cli__Dockerfile", {"PATH"}),
    "php:8.4-apache-trixie": ("docker-library__php/8.4__trixie__apache__Dockerfile", {"PATH"}),
    "erlang:29-slim": ("erlang__docker-erlang-otp/29__slim__Dockerfile", {"PATH"}),
    "httpd:2.4": ("docker-library__httpd/2.4__Dockerfile", set()),
    "haproxy:3.4": ("docker-library__haproxy/3.4__Dockerfile", {"PATH"}),
    "redis:7.2": ("docker-library__redis/7.2__debian__Dockerfile", {"PATH"}),
    "postgres:16": ("docker-library__postgres/16__bookworm__Dockerfile", set()),
    "memcached:1.6": ("docker-library__memcached/1__debian__Dockerfile", {"PATH"}),
    "mongo:7.0": ("docker-library__mongo/7.0__Dockerfile", {"PATH"}),
    "rabbitmq:4.3": ("docker-library__rabbitmq/4.3__ubuntu__Dockerfile", set()),
    "docker:29-cli": ("docker-library__docker/29__cli__Dockerfile", {"PATH"}),
    "eclipse-temurin:21-jdk-noble": ("adoptium__containers/21__jdk__ubuntu__noble__Dockerfile", set()),
    "tomcat:10.1-jdk17-temurin-noble": ("docker-library__tomcat/10.1__jdk17__temurin-noble__Dockerfile",
                                        {"JAVA_HOME", "LANG", "LANGUAGE", "LC_ALL", "JAVA_VERSION"}),
    "maven:3.9-eclipse-temurin-21-noble": ("carlossg__docker-maven/eclipse-temurin-21-noble__Dockerfile",
                                           {"JAVA_HOME", "PATH", "LANG", "LANGUAGE", "LC_ALL", "JAVA_VERSION"}),
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not on this machine")
@pytest.mark.parametrize("ref", list(ENV_SOURCES))
def test_env_names_are_the_dockerfiles(ref):
    path, inherited = ENV_SOURCES[ref]
    assert set(image_info(ref).env) == _final_stage_env_names(CORPUS / path) | inherited


def test_a_lookup_builds_only_the_entries_it_reads():
    """image_info's first call makes an _Image of the entry it finds, not of all ~230 (issue 12)."""
    code = (
        "import dockerlint.images as i\n"
        "assert i.image_info('alpine:3.20').family == 'alpine'\n"
        "t = i._tables()\n"
        "built = t.by_name._entries.built\n"
        "assert len(built) == 1, len(built)\n"
        "assert t.by_name.get('alpine') is t.by_name['alpine'] is next(iter(built.values()))\n"
        "assert i.image_info('myorg/app:1').family is None\n"
        "assert len(built) == 1, len(built)  # an unknown image builds nothing\n"
        "assert all(img.values for _p, img in t.patterns) and len(built) > 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("ref, stale, pinned, runtime", [
    # a floating tag that names an old release: today's version was never built on it, so no tag
    # pairs the two (seed-2031 fix review: python:3.14-slim-stretch was written for python:stretch)
    ("python:stretch", "stretch", None, None),
    ("node:wheezy", "wheezy", None, None),
    ("python:3-stretch", "stretch", None, "python:3-slim-stretch"),
    ("python:3-alpine3.7", "alpine3.7", None, "python:3-alpine3.7"),
    # releases today's latest is built on (images.toml runtime.latest_releases, the corpus' Dockerfiles)
    ("python:bookworm", None, None, "python:3.14-slim-bookworm"),
    ("python:3-bookworm", None, "python:3.14-bookworm", "python:3-slim-bookworm"),
    ("node:bullseye", None, None, "node:26-bullseye-slim"),
    # a full version names its own release: nothing floats
    ("python:3.7-stretch", None, None, "python:3.7-slim-stretch"),
])
def test_a_floating_tag_on_an_old_release_pairs_with_nothing_today(ref, stale, pinned, runtime):
    rt = runtime_image(ref)
    assert (stale_release(ref), pin_version(ref), rt.ref if rt else None) == (stale, pinned, runtime)
