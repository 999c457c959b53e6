"""DKL104, DKL105 and DKL202 on small files: each false-alarm trap of issue 14, and the model facts
they stand on (layers.py, aptconf.py). Fixtures in tests/fixtures/DKL10[45], DKL202 show the text."""

from __future__ import annotations

import time

import pytest

from dockerlint.engine import lint_text


def lines(text: str, code: str) -> list[int]:
    res = lint_text(text, "Dockerfile", select={code})
    assert res.internal_errors == []
    return [f.line for f in res.findings if f.code == code]


def finding(text: str, code: str):
    res = lint_text(text, "Dockerfile", select={code})
    found = [f for f in res.findings if f.code == code]
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------------------
# DKL202: where recommends are turned off
# ---------------------------------------------------------------------------

CONF_OFF = [
    "RUN echo 'APT::Install-Recommends \"false\";' > /etc/apt/apt.conf.d/99norec",
    "RUN echo \"APT::Install-Recommends \\\"0\\\";\" >> /etc/apt/apt.conf.d/02recommends",
    "RUN echo 'APT::Install-Recommends \"false\";' | tee /etc/apt/apt.conf.d/99norec",
    "RUN printf 'APT::Install-Suggests \"0\";\\nAPT::Install-Recommends \"0\";\\n' > /etc/apt/apt.conf",
    "RUN cat > /etc/apt/apt.conf.d/01norecommend <<EOF\nAPT::Install-Recommends \"0\";\nEOF",
    "COPY <<EOF /etc/apt/apt.conf.d/99norecommends\nAPT { Install-Recommends \"false\"; };\nEOF",
    "RUN echo 'apt::install-recommends \"off\";' > /etc/apt/apt.conf.d/99x",  # apt keys ignore case
]


@pytest.mark.parametrize("conf", CONF_OFF)
def test_dkl202_apt_configuration_written_earlier_turns_recommends_off(conf):
    text = f"FROM debian:bookworm-slim\n{conf}\nRUN apt-get update && apt-get install -y curl\n"
    assert lines(text, "DKL202") == []


@pytest.mark.parametrize("conf", CONF_OFF[:3])
def test_dkl202_configuration_in_a_parent_stage_counts(conf):
    text = (f"FROM debian:bookworm-slim AS base\n{conf}\n"
            "FROM base\nRUN apt-get update && apt-get install -y curl\n")
    assert lines(text, "DKL202") == []


@pytest.mark.parametrize("conf", CONF_OFF[:3])
def test_dkl202_configuration_in_another_stage_does_not_count(conf):
    text = (f"FROM debian:bookworm-slim AS other\n{conf}\n"
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n")
    assert lines(text, "DKL202") == [4]


@pytest.mark.parametrize("option", ["--no-install-recommends", "-o APT::Install-Recommends=false",
                                    "-o APT::Install-Recommends=0", "-o Apt::Install-Recommends=no",
                                    "--install-recommends=false", "-oAPT::Install-Recommends=false"])
def test_dkl202_command_line_options(option):
    text = f"FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y {option} curl\n"
    assert lines(text, "DKL202") == []


def test_dkl202_recommends_asked_for_by_name_are_not_reported():
    # the author wants them (wine needs its recommends); adding the flag would not clear it either
    text = "FROM debian:bookworm-slim\nRUN apt-get update && apt install -y curl wine --install-recommends\n"
    assert lines(text, "DKL202") == []


@pytest.mark.parametrize("before,found", [
    ("RUN echo 'APT::Install-Recommends \"true\";' > /etc/apt/apt.conf.d/99rec", [3]),
    ("RUN echo 'Acquire::Retries \"3\";' > /etc/apt/apt.conf.d/80retries", [3]),  # says nothing about it
    ("COPY apt.conf /etc/apt/apt.conf.d/99local", []),  # unknown content: not judged
    ("RUN cp /tmp/norec /etc/apt/apt.conf.d/", []),  # unknown content
    ("COPY sources.list /etc/apt/", [3]),  # not configuration
])
def test_dkl202_other_configuration(before, found):
    text = f"FROM debian:bookworm-slim\n{before}\nRUN apt-get update && apt-get install -y curl\n"
    assert lines(text, "DKL202") == found


def test_dkl202_configuration_later_in_the_same_run_is_too_late():
    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl "
            "&& echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99x\n")
    assert lines(text, "DKL202") == [2]
    text = ("FROM debian:bookworm-slim\nRUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99x "
            "&& apt-get update && apt-get install -y curl\n")
    assert lines(text, "DKL202") == []


def test_dkl202_not_in_a_stage_that_does_not_ship():
    text = "FROM debian:bookworm-slim AS b\nRUN apt-get update && apt-get install -y curl\nFROM scratch\nCOPY --from=b /etc/os-release /\n"
    assert lines(text, "DKL202") == []


def test_dkl202_packages_without_recommends_are_not_reported():
    # unzip and locales recommend nothing in the Debian data: the flag would change nothing
    text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y unzip locales\n"
    assert lines(text, "DKL202") == []
    # one package with recommends among them is enough
    text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y unzip curl\n"
    assert lines(text, "DKL202") == [2]


def test_dkl202_names_the_recommends_and_their_size_from_the_debian_data():
    f = finding("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\n", "DKL202")
    assert "on Debian bookworm" in f.message and "`ca-certificates`" in f.message and " MB " in f.message
    assert f.fix.safety == "unsafe"
    assert "install `ca-certificates` explicitly" in f.fix.title
    # an Ubuntu image goes by its own release's archive, and says so
    f = finding("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\n", "DKL202")
    assert "on Ubuntu 22.04 (jammy)" in f.message and "`ca-certificates`" in f.message
    assert " MB " in f.message and "bookworm" not in f.message
    # an image whose release the data does not hold says which data it went by
    f = finding("FROM ubuntu:14.04\nRUN apt-get update && apt-get install -y curl\n", "DKL202")
    assert "going by Debian bookworm's packages (the image is trusty)" in f.message


def test_dkl202_ca_certificates_already_there_is_not_added():
    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
            "ca-certificates\nRUN apt-get update && apt-get install -y curl\n")
    f = finding(text, "DKL202")
    assert "ca-certificates" not in f.message and "ca-certificates" not in f.fix.title


def test_dkl202_unknown_variable_may_hold_the_flag():
    text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y $OPTS curl\n"
    assert lines(text, "DKL202") == []
    # a known one is expanded
    text = "FROM debian:bookworm-slim\nARG OPTS=--no-install-recommends\nRUN apt-get update && apt-get install -y $OPTS curl\n"
    assert lines(text, "DKL202") == []


# ---------------------------------------------------------------------------
# DKL104
# ---------------------------------------------------------------------------

def test_dkl104_same_run_is_fine_later_run_is_not():
    same = "FROM debian:bookworm-slim\nRUN apt-get install -y gcc && make && apt-get purge -y gcc\n"
    assert lines(same, "DKL104") == []
    later = "FROM debian:bookworm-slim\nRUN apt-get install -y gcc\nRUN make\nRUN apt-get purge -y gcc\n"
    f = finding(later, "DKL104")
    assert (f.line, f.column) == (4, 22)
    assert "installed by the RUN at line 2" in f.message and "stay in that earlier layer" in f.message
    assert f.fix is None and f.suggestion


def test_dkl104_not_in_a_stage_that_does_not_ship():
    text = ("FROM debian:bookworm-slim AS b\nRUN apt-get install -y gcc\nRUN apt-get purge -y gcc\n"
            "COPY x.tgz /tmp/\nRUN rm /tmp/x.tgz\nFROM debian:bookworm-slim\nCOPY --from=b /usr/bin/env /x\n")
    assert lines(text, "DKL104") == []


def test_dkl104_a_parent_stage_counts():
    text = "FROM debian:bookworm-slim AS base\nCOPY x.tgz /tmp/\nFROM base\nRUN rm /tmp/x.tgz\n"
    assert lines(text, "DKL104") == [4]


@pytest.mark.parametrize("image,package,found", [
    ("python:3.12", "gcc", True),  # FROM buildpack-deps
    ("python:3.12-slim", "gcc", False),
    ("node:20-bookworm", "imagemagick", True),
    ("golang:1.22", "git", True),  # buildpack-deps:*-scm
    ("golang:1.22", "libpq-dev", False),  # not in golang's layers
    ("golang:1.22-alpine", "git", False),
    ("buildpack-deps:bookworm-curl", "wget", True),
    ("buildpack-deps:bookworm-curl", "gcc", False),
    ("java:openjdk-8-jdk", "git", True),  # openjdk's old name; openjdk-8-jdk = 8-jdk (pelawler/activator)
    ("java:openjdk-8-jre", "git", False),  # JRE tags are FROM -curl
    ("debian:bookworm", "e2fsprogs", True),  # the debian:bookworm-slim package set
    ("ubuntu:22.04", "e2fsprogs", True),  # the ubuntu:jammy package set
    ("ubuntu:14.04", "e2fsprogs", False),  # trusty is not in the data
    ("myorg/base:1", "gcc", False),  # unknown image
])
def test_dkl104_packages_of_the_base_image(image, package, found):
    text = f"FROM {image}\nRUN apt-get purge -y {package}\n"
    assert lines(text, "DKL104") == ([2] if found else [])


@pytest.mark.parametrize("add,remove,found", [
    ("COPY app.tgz /tmp/", "rm /tmp/app.tgz", True),
    ("COPY app.tgz /tmp/app.tgz", "rm -f /tmp/*.tgz", True),
    ("COPY app.tgz /tmp/", "rm -rf /tmp", True),
    ("COPY app.tgz /tmp/", "cd /tmp && rm app.tgz", True),
    ("ADD https://example.com/a.zip /opt/", "rm /opt/a.zip", True),
    ("ADD app.tgz /opt/", "rm /opt/app.tgz", False),  # ADD extracted it: no such file
    ("RUN wget https://example.com/a.zip", "rm /a.zip", True),
    ("RUN curl -fsSL https://example.com/a.sh | sh", "rm -f /a.sh", False),  # piped, never written
    ("RUN curl -o /tmp/a.zip https://x/a.zip && unzip /tmp/a.zip && rm /tmp/a.zip", "rm -f /tmp/a.zip", False),
    ("RUN git clone https://github.com/a/b /src/b", "rm -rf /src/b/.git", False),  # inside: not judged
    ("RUN git clone https://github.com/a/b /src/b", "rm -rf /src", True),
    ("COPY . /app", "rm -rf /app/node_modules", False),  # may be a later RUN's
    ("COPY app.tgz /tmp/", "rm -rf /tmp/.cache", False),
    ("COPY .env /tmp/", "rm -rf /tmp/*", False),  # the glob skips dot-files
    ("RUN --mount=type=tmpfs,target=/scratch wget -P /scratch https://x/a.zip", "rm -rf /scratch/a.zip", False),
    ("COPY app.tgz /tmp/", "rm -rf /var/lib/apt/lists/*", False),
    ("COPY app.tgz /tmp/", "rm -rf \"$GNUPGHOME\" /tmp/app.tgz", True),  # an unknown operand beside it
    # a download removed by its own RUN, next to an operand that is not known
    ("RUN curl -o /tmp/a.asc https://x/a.asc && rm -rf \"$TMPD\" /tmp/a.asc", "rm -rf /tmp", False),
    # `~` is the home of the RUN's user: not a folder named `~` below the WORKDIR
    ("RUN wget https://x/a.tgz -O ~/a.tgz && cd ~ && tar xf a.tgz && rm ~/a.tgz", "rm -rf /*", False),
    ("COPY app.tgz /tmp/", "cd ~/tmp && rm app.tgz", False),  # not /tmp: where ~ is is not known
])
def test_dkl104_files(add, remove, found):
    text = f"FROM debian:bookworm-slim\n{add}\nRUN {remove}\n"
    assert lines(text, "DKL104") == ([3] if found else [])


def test_dkl104_workdir_relative_paths():
    text = "FROM debian:bookworm-slim\nWORKDIR /opt\nCOPY a.tgz .\nWORKDIR /\nRUN rm opt/a.tgz\n"
    assert lines(text, "DKL104") == [5]


def test_dkl104_apt_purge_of_a_dependency_installed_earlier():
    text = "FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends curl\nRUN apt-get purge -y libcurl4\n"
    f = finding(text, "DKL104")
    assert "a dependency of `curl`" in f.message


# ---------------------------------------------------------------------------
# DKL105
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("body,found", [
    ("COPY . /app\nRUN chown -R app /app", True),
    ("COPY . /app\nRUN chown --recursive app /app", True),
    ("COPY . /app\nRUN chown -hR app:app /app/", True),
    ("COPY . /app\nRUN chown app /app", False),  # not recursive
    ("COPY . /app\nRUN chown -R root:root /app", False),  # already root's
    ("COPY --chown=app . /app\nRUN chown -R app /app", False),  # already app's
    ("COPY . /app\nRUN chown -R app /app/data", False),  # inside the copied folder: may be a RUN's
    ("COPY . /srv/app\nRUN chown -R app /srv", True),  # over it
    ("COPY . /app\nWORKDIR /app\nRUN chown -R app .", True),
    ("RUN git clone https://x/y /app && chown -R app /app", False),  # same RUN
    ("RUN git clone https://x/y /app\nRUN chown -R app /app", True),
    ("WORKDIR /app\nRUN npm install\nRUN chown -R app /app", True),  # node_modules
    ("RUN mkdir /data\nRUN chown -R app /data", False),  # nothing known there
    ("COPY . /app\nRUN --mount=type=cache,target=/app chown -R app /app", False),
    ("RUN wget https://x/a.tgz -O ~/a.tgz && rm -f ~/a.tgz\nRUN chown -R app /root", False),
    ("RUN curl -o /srv/a.asc https://x && rm -rf \"$G\" /srv/a.asc\nRUN chown -R app /srv", False),
])
def test_dkl105_what_counts(body, found):
    text = f"FROM debian:bookworm-slim\nRUN useradd app\n{body}\n"
    got = lines(text, "DKL105")
    assert bool(got) == found, got


def test_dkl105_one_finding_per_run_for_the_same_files():
    # the chown already wrote the files into this RUN's layer: the chmod after it adds no copy
    text = ("FROM debian:bookworm-slim\nRUN useradd app\nCOPY keys /home/app/.ssh/\n"
            "RUN chown -R app /home/app/.ssh && chmod -R 700 /home/app/.ssh\n")
    f = finding(text, "DKL105")
    assert f.message.startswith("`chown -R`")
    # in a later RUN it copies them again
    text += "RUN chmod -R 600 /home/app/.ssh\n"
    assert lines(text, "DKL105") == [4, 5]


def test_dkl105_not_in_a_stage_that_does_not_ship():
    text = "FROM debian:bookworm-slim AS b\nCOPY . /app\nRUN chown -R nobody /app\nFROM scratch\nCOPY --from=b /app /app\n"
    assert lines(text, "DKL105") == []


def test_dkl105_fix_needs_the_user_before_the_copy():
    late = "FROM debian:bookworm-slim\nCOPY . /app\nRUN useradd app\nRUN chown -R app:app /app\n"
    f = finding(late, "DKL105")
    assert f.fix is None and "created at line 3, after the COPY at line 2" in f.suggestion
    early = "FROM debian:bookworm-slim\nRUN useradd app\nCOPY . /app\nRUN chown -R app:app /app\n"
    f = finding(early, "DKL105")
    assert f.fix is not None and f.fix.safety == "unsafe"
    numeric = "FROM debian:bookworm-slim\nCOPY . /app\nRUN chown -R 1000:1000 /app\n"
    assert finding(numeric, "DKL105").fix is not None
    base_user = "FROM node:20-slim\nCOPY . /app\nRUN chown -R node:node /app\n"  # the image has `node`
    assert finding(base_user, "DKL105").fix is not None


def test_dkl105_help_for_files_copied_into_a_folder_says_why():
    # seed-13 review (laslabs/alpine-cfssl): `COPY ./etc/* /etc/cfssl/` then `chown -R … /etc/cfssl`
    text = "FROM debian:bookworm-slim\nRUN useradd app\nCOPY etc/* /etc/app/\nRUN chown -R app /etc/app\n"
    f = finding(text, "DKL105")
    assert f.fix is None and f.suggestion.endswith(
        "no automatic fix: the COPY at line 3 copies files into `/etc/app`, and its --chown would not change the "
        "owner of `/etc/app` itself if that folder is already there")


def test_dkl105_chmod_title_says_buildkit_without_a_syntax_directive():
    text = "FROM debian:bookworm-slim\nCOPY bin /opt/bin\nRUN chmod -R 755 /opt/bin\n"
    assert "needs BuildKit" in finding(text, "DKL105").fix.title
    assert "needs BuildKit" not in finding("# syntax=docker/dockerfile:1\n" + text, "DKL105").fix.title


# ---------------------------------------------------------------------------
# Speed: linear in the file
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("code,unit", [
    ("DKL104", "COPY f{i}.tgz /tmp/\nRUN apt-get install -y p{i} && rm /tmp/f{i}.tgz && apt-get purge -y q{i}\n"),
    ("DKL105", "COPY d{i} /d{i}\nRUN chown -R u /d{i}\n"),
    ("DKL202", "RUN apt-get install -y curl p{i}\n"),
])
def test_big_files_stay_fast(code, unit):
    small = "FROM debian:bookworm-slim\n" + "".join(unit.format(i=i) for i in range(500))
    big = "FROM debian:bookworm-slim\n" + "".join(unit.format(i=i) for i in range(4000))

    def cpu(text):
        t = time.process_time()
        lint_text(text, "Dockerfile", select={code})
        return time.process_time() - t

    cpu(small)  # warm the tables
    a, b = cpu(small), cpu(big)
    # 8x the input must not cost more than ~8x (generous margin for noise); quadratic would be 64x
    assert b < max(30 * a, 0.5), (a, b)


# ---------------------------------------------------------------------------
# Paths under a base image whose facts are not known
# ---------------------------------------------------------------------------

def test_relative_paths_under_an_unknown_base_image_workdir():
    # most images set no WORKDIR: a name under it is taken as under `/`; but the folder itself
    # (`./`, `*`) may be one the base image chose, so a command over all of it is not judged
    text = ("FROM myorg/base\nADD etc /etc/httpd\nRUN chmod -R g+rw ./\n"
            "ADD crontab crontab\nRUN crontab crontab\nRUN rm crontab\n"
            "COPY app.war.1 ./\nRUN rm /app.war.*\nCOPY a.tgz /\nRUN rm -f *.tgz\nCOPY b.tgz /\nRUN rm -rf *\n")
    assert lines(text, "DKL105") == []
    assert lines(text, "DKL104") == [6, 8, 10]
    f = finding(text.split("COPY app.war")[0], "DKL104")
    assert f.message.startswith("`crontab` was added by the ADD at line 4")
    # a known image's WORKDIR is used
    assert lines("FROM debian:bookworm-slim\nADD etc /etc/httpd\nRUN chmod -R g+rw ./\n", "DKL105") == [3]


def test_a_base_image_variable_is_not_empty():
    # $STI_SCRIPTS_PATH comes from the base image's ENV: not "" (which would make the COPY go to WORKDIR)
    text = "FROM myorg/base\nWORKDIR /app\nADD bin $STI_SCRIPTS_PATH\nRUN chmod -R g+rw /app\n"
    assert lines(text, "DKL105") == []
    text = "FROM debian:bookworm-slim\nENV D=/app\nADD bin $D/\nRUN chmod -R g+rw /app\n"
    assert lines(text, "DKL105") == [4]


@pytest.mark.parametrize("back, found", [("cd -", []), ("cd ..", []), ("cd /tmp", [4])])
def test_dkl104_cd_dash_goes_back_to_the_folder_before(back, found):
    # seed-12 review (adrianpsl/bad-dockerfile): `cd a && … && cd - && rm a.tar.gz` deletes the
    # archive in /, in the same RUN; the later `rm -rf *.tar.gz` has nothing left to hide
    text = ("FROM debian:bookworm\n"
            "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
            f"RUN curl -O https://example.org/a.tar.gz && tar xf a.tar.gz && cd a && make && {back} && rm a.tar.gz\n"
            "RUN rm -rf *.tar.gz\n"
            'CMD ["a"]\n')
    res = lint_text(text, "Dockerfile", select={"DKL104"})
    assert [f.line for f in res.findings] == found


def _dkl202(text: str):
    return lint_text(text, "Dockerfile", select={"DKL202"}).findings


def test_dkl202_keeps_what_a_later_pip_install_builds_with():
    # seed-12 review (vowstar/esp8266): python-pip recommends python-setuptools on xenial; the fix
    # dropped it and `pip install esptool` (an sdist) failed
    found = _dkl202("FROM ubuntu:16.04\n"
                    "RUN apt-get update && apt-get install -y python-pip && rm -rf /var/lib/apt/lists/*\n"
                    "RUN pip install esptool\n")
    assert [f.line for f in found] == [2]
    assert "install `python-setuptools`" in found[0].fix.title
    assert any("python-setuptools" in e.text for e in found[0].fix.edits)
    # a release the Debian data does not hold: what pip recommends there cannot be told
    found = _dkl202("FROM debian:stretch\n"
                    "RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*\n"
                    "RUN pip3 install envtpl\n")
    assert [(f.line, f.fix) for f in found] == [(2, None)]
    assert "setuptools" in found[0].suggestion


def test_dkl202_nothing_new_means_no_finding():
    # seed-12 review: git on a full language image (buildpack-deps has it: apt installs nothing,
    # pelawler/activator), and a recommend another install of the stage depends on anyway
    assert _dkl202("FROM python:3.12\nRUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n"
                   'CMD ["python"]\n') == []
    assert [f.line for f in _dkl202("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y git"
                                    " && rm -rf /var/lib/apt/lists/*\n")] == [2]


def test_dkl202_leaves_out_what_an_earlier_install_brings():
    # seed-13 review (aungzy/activemq): curl's install brings krb5-locales and the rest, so the
    # supervisor install after it listed them wrongly
    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && apt-get install -y wget "
            "&& rm -rf /var/lib/apt/lists/*\n")
    assert [(f.line, f.column) for f in _dkl202(text)] == [(2, 31)]  # curl's install only
    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
            "RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*\n")
    second = _dkl202(text)[1]
    assert "`krb5-locales`" not in second.message and "`less`" in second.message


def test_dkl202_fix_reveals_the_next_install_and_fix_converges(tmp_path):
    # turning curl's recommends off leaves wget's own to report; --fix takes it in its next round
    from dockerlint.fix import fixed_text
    from dockerlint.runner import Options

    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
            "RUN apt-get update && apt-get install -y wget && rm -rf /var/lib/apt/lists/*\n")
    res = lint_text(text, "Dockerfile", select={"DKL202"})
    assert [f.line for f in res.findings] == [2]
    new, applied, refused = fixed_text(res, Options(unsafe_fixes=True))
    assert refused is None and len(applied) == 2
    assert new.count("--no-install-recommends") == 2
    assert lint_text(new, "Dockerfile", select={"DKL202"}).findings == []


def test_dkl202_nodesource_nodejs_is_not_debians():
    # seed-13 review (shunichi/rails-base): NodeSource's nodejs replaces Debian's, whose nodejs-doc
    # recommend was named
    head = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl "
            "ca-certificates && rm -rf /var/lib/apt/lists/*\n")
    debian = head + "RUN apt-get update && apt-get install -y nodejs && rm -rf /var/lib/apt/lists/*\nCMD [\"node\"]\n"
    assert "`nodejs-doc`" in _dkl202(debian)[0].message
    nodesource = head + ("RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs "
                         "&& rm -rf /var/lib/apt/lists/*\nCMD [\"node\"]\n")
    assert _dkl202(nodesource) == []


def test_dkl202_a_base_image_keeps_pips_setuptools_for_the_images_built_on_it():
    # seed-13 review (shunichi/rails-base): no CMD of its own, python-pip on a release the data lacks
    text = "FROM debian:stretch\nRUN apt-get update && apt-get install -y python-pip && rm -rf /var/lib/apt/lists/*\n"
    f = _dkl202(text)[0]
    assert f.fix is None and "a later `pip install` needs" in f.suggestion
    assert _dkl202(text + 'CMD ["python", "app.py"]\n')[0].fix is not None


def test_dkl202_no_fix_that_drops_build_recommends_a_later_build_may_need():
    # fix review seed 2032 (vo3xel/blender-occ): llvm recommends llvm-N-dev, which a later cmake
    # build with LLVM compiles against
    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y llvm && rm -rf /var/lib/apt/lists/*\n"
            "COPY . /src\nRUN cd /src && cmake -DWITH_LLVM=ON . && make\n")
    f = _dkl202(text)[0]
    assert f.fix is None and f.suggestion.endswith(
        "no automatic fix because it would drop `llvm-14-dev`, which a later RUN may build with: add the flag and "
        "install it by name if the build needs it")
    # nothing builds later: the recommend goes
    f = _dkl202(text.split("COPY")[0])[0]
    assert "`llvm-14-dev`" in f.fix.title.split("no longer installed:")[1]


def test_dkl202_fix_keeps_xauth_for_xvfb_run():
    # fix review seed 2032 (anelmu/protractor-headless): xvfb-run needs xauth, which xvfb only recommends
    text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y xvfb && rm -rf /var/lib/apt/lists/*\n"
    f = _dkl202(text)[0]
    assert "install `xauth` explicitly (`xvfb` needs it)" in f.fix.title
    assert "xvfb xauth" in fixed_apply(text, f)


def fixed_apply(text, f):
    from dockerlint.fix import apply_edits

    return apply_edits(text.split("\n"), f.fix.edits)


def test_dkl202_says_whose_recommends_are_unknown_when_it_can_name_none():
    # seed-13 review (shunichi/rails-base): the message claimed recommends and named none
    text = ("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y some-vendor-tool "
            "&& rm -rf /var/lib/apt/lists/*\n")
    f = _dkl202(text)[0]
    assert f.message.endswith("recommended packages, if `some-vendor-tool` recommends any (it is unknown to the "
                              "Debian data, and the packages it holds bring none the stage lacks)")
