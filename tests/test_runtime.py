"""What an image is for (runtime.purpose) and what its container starts: issue 10 §3."""

import pytest

from dockerlint.engine import lint_text
from dockerlint.runtime import programs, purpose, runtime_commands

from .helpers import findings, only


def _final(text):
    return lint_text(text, "Dockerfile").model.final


@pytest.mark.parametrize("tail, kind", [
    # the application runs on the runtime: `dotnet App.dll` is not the SDK
    ('ENTRYPOINT ["dotnet", "Api.dll"]', "application"),
    ('CMD ["dotnet", "run"]', "build-environment"),
    ('CMD ["dotnet", "watch", "run"]', "build-environment"),
    # build and dev servers
    ('CMD ["gulp", "watch"]', "build-environment"),
    ("CMD activator run", "build-environment"),
    ('CMD ["sbt", "~run"]', "build-environment"),
    ('CMD ["ng", "serve", "--host", "0.0.0.0"]', "build-environment"),
    ('CMD ["npm", "run", "dev"]', "build-environment"),
    ('CMD ["npm", "start"]', "application"),
    ('CMD ["hugo", "server", "--bind", "0.0.0.0"]', "build-environment"),
    # only a shell, after some set-up
    ("CMD export A=1 && /bin/bash", "build-environment"),
    ('CMD ["/bin/bash", "-l"]', "build-environment"),
    ('CMD ["sh", "-c", "cd /app && exec ./server"]', "application"),
    ("CMD cd /app && exec ./server --port $PORT", "application"),
    # toolboxes and boxes to log in to
    ('CMD ["sleep", "infinity"]', "build-environment"),
    ("CMD tail -f /dev/null", "build-environment"),
    ("CMD tail -f /var/log/faillog", "build-environment"),
    ("CMD service nginx start && tail -f /var/log/nginx/access.log", "application"),
    ('CMD ["/usr/sbin/sshd", "-D"]', "build-environment"),
    # CI agents and builder scripts
    ('ENTRYPOINT ["jenkins-agent"]', "build-environment"),
    ('CMD ["java", "-jar", "/usr/share/jenkins/agent.jar"]', "build-environment"),
    ('CMD ["./build.sh"]', "build-environment"),
    # the script is the shell's first operand, after its options (seed-12 review: `bash -C run`)
    ('CMD ["bash", "-x", "./build.sh"]', "build-environment"),
    ('CMD ["bash", "-o", "pipefail", "ci/build.sh"]', "build-environment"),
    ('CMD ["bash", "-x", "./server.sh"]', "application"),
    ('CMD ["/usr/local/bin/server.sh"]', "application"),
    # an ENTRYPOINT that wraps CMD is judged by CMD
    ('ENTRYPOINT ["tini", "--"]\nCMD ["python3"]', "build-environment"),
    ('ENTRYPOINT ["tini", "--"]\nCMD ["python3", "app.py"]', "application"),
    ('ENTRYPOINT ["/docker-entrypoint.sh"]\nCMD ["nginx", "-g", "daemon off;"]', "application"),
])
def test_purpose(tail, kind):
    assert purpose(_final(f"FROM debian:bookworm\n{tail}\n")).kind == kind


def test_s2i_builder_label_means_build_environment():
    text = 'FROM centos:7\nLABEL io.openshift.s2i.scripts-url="image:///usr/libexec/s2i"\nCMD ["/usr/libexec/s2i/usage"]\n'
    p = purpose(_final(text))
    assert p.kind == "build-environment" and "S2I" in p.why


def test_entrypoint_clears_a_cmd_inherited_from_a_stage_but_not_its_own():
    base = 'FROM debian AS base\nCMD ["./server"]\nFROM base\nENTRYPOINT ["tini", "--"]\n'
    assert {c.kind for c in runtime_commands(_final(base))} == {"ENTRYPOINT"}
    own = 'FROM debian\nCMD ["./server"]\nENTRYPOINT ["tini", "--"]\n'
    assert {c.kind for c in runtime_commands(_final(own))} == {"CMD", "ENTRYPOINT"}


def test_programs_of_shell_form_skip_the_set_up():
    (cmd,) = [c for c in runtime_commands(_final("FROM debian\nCMD cd /srv && export X=1 && exec ./app -p 80\n"))
              if c.kind == "CMD"]
    assert programs(cmd) == [("./app", "-p", "80")]


def test_single_stage_dotnet_is_reported():
    text = ("FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\n"
            "RUN dotnet publish -c Release -o /app\nWORKDIR /app\nENTRYPOINT [\"dotnet\", \"Api.dll\"]\n")
    assert only("DKL101", text) == [4]


def test_dev_server_image_keeps_its_toolchain():
    text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN apt-get update && apt-get install -y g++ && rm -rf /var/lib/apt/lists/*\nCMD [\"npm\", \"run\", \"dev\"]\n"
    assert only("DKL102", text) == []


@pytest.mark.parametrize("packages, tail, kept, code", [
    # firmware tools: the compilers are the point
    ("gcc-avr avrdude", 'COPY . /src\nRUN make -C /src\nCMD ["/src/fhem"]', "gcc-avr", "DKL101"),
    # seed-13 (mardiros/dotdeb): builds and hosts .deb packages; it EXPOSEs aptly's port
    ("dh-make git-buildpackage", 'EXPOSE 8765\nENTRYPOINT ["/entrypoint.sh"]', "dh-make", "DKL102"),
])
def test_kept_tools_that_make_the_compilers_the_point(packages, tail, kept, code):
    text = (f"FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential {packages} "
            f"&& rm -rf /var/lib/apt/lists/*\n{tail}\n")
    p = purpose(_final(text))
    assert p.kind == "build-environment" and f"`{kept}`" in p.why
    assert only(code, text) == []


@pytest.mark.parametrize("tail", [
    'CMD ["nvim"]', 'ENTRYPOINT ["emacs"]', 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]', 'CMD ["npm", "run", "ci"]',
    'CMD ["npm", "test"]', 'CMD ["perl", "-de0"]', 'CMD ["hy"]', 'ENTRYPOINT ["hack/dind"]',
])
def test_workbenches_ci_tasks_and_repls_are_build_environments(tail):
    # issue 10 fresh review (seed 2): editors, notebooks, CI tasks and REPLs were taken for applications
    assert purpose(_final(f"FROM debian:bookworm\n{tail}\n")).kind == "build-environment"


@pytest.mark.parametrize("tail, kind", [
    # issue 10 fresh review (seed 4): keep-alive with tailf, a CMD that only prints versions (a
    # base image for derived builds) and a booted init are not one application
    ("CMD tailf /dev/null", "build-environment"),
    ("CMD perl -V && cpanm -V", "build-environment"),
    ('CMD ["/sbin/init", "3"]', "build-environment"),
    ('CMD ["/lib/systemd/systemd"]', "build-environment"),
    ('CMD ["node", "--version", "server.js"]', "application"),
])
def test_version_printers_keep_alive_and_init_systems(tail, kind):
    assert purpose(_final(f"FROM debian:bookworm\n{tail}\n")).kind == kind


def test_headers_in_an_image_that_compiles_nothing_say_to_install_the_library():
    # seed-4 review: a downloaded binary links libuv; "purge libuv1-dev" would remove libuv1 too
    head = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends libuv1-dev"
    tail = " && rm -rf /var/lib/apt/lists/*\nRUN ./fetch-app\nCMD [\"./app\"]\n"
    (f,) = findings(head + tail.replace("./fetch-app", "true"), "DKL102")
    assert f.fix.title == "Purge `libuv1-dev` at the end of this RUN, keeping `libuv1`"
    # a release the data does not cover: no fix, and the help does not say "purge"
    old = (head + tail.replace("./fetch-app", "true")).replace("debian:bookworm", "ubuntu:14.04")
    (f,) = findings(old, "DKL102")
    assert f.fix is None and f.suggestion.startswith(
        "nothing in this image compiles: install the run-time library instead of `libuv1-dev`; no automatic fix")
    # a script the RUN starts may compile: the usual purge advice
    (f,) = findings(old.replace("RUN true", "RUN ./build-it"), "DKL102")
    assert f.suggestion.startswith("purge it in the same RUN")


def test_a_final_stage_on_a_toolchain_image_is_not_judged():
    # seed-5 review: Hugo Modules call `go`, benchmark tools run `go test`: what a binary copied
    # onto golang runs cannot be seen, so a toolchain final stage is not reported
    text = ("FROM golang:1.22 AS b\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n"
            "FROM golang:1.22\nCOPY --from=b /app /app\nCMD [\"/app\"]\n")
    assert findings(text, "DKL102") == []


def test_php_images_keep_phpize_deps_and_apk_del_globs_remove():
    text = ("FROM debian:bookworm-slim\nENV PHPIZE_DEPS=\"autoconf dpkg-dev file g++ gcc libc-dev make pkg-config re2c\"\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends $PHPIZE_DEPS curl "
            "&& rm -rf /var/lib/apt/lists/*\nCOPY docker-php-ext-install /usr/local/bin/\nCMD [\"php-fpm\"]\n")
    assert findings(text, "DKL102") == []
    text = ("FROM alpine:3.20\nRUN apk add --no-cache nginx openssl-dev pcre-dev gcc && make -C /src "
            "&& apk del --purge *-dev gcc\nCMD [\"nginx\"]\n")
    assert findings(text, "DKL102") == []
    assert findings(text.replace("*-dev", "pcre-dev"), "DKL102")[0].message.startswith("`openssl-dev`")




def test_a_comment_that_says_why_a_package_stays_is_heard():
    text = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends \\\n"
            "# wget is used for uploading crash dumps\n    wget \\\n# for the build\n    make \\\n"
            "    && make -C /src && rm -rf /var/lib/apt/lists/*\nCMD [\"/usr/local/bin/app\"]\n")
    (f,) = findings(text, "DKL102")
    assert f.message.startswith("`make` (build tool)")


def test_seed6_classes_pip_install_at_start_true_and_git_identity():
    assert purpose(_final('FROM python:3.12\nCMD ["pip", "install", "somepkg==2.0"]\n')).kind == "build-environment"
    assert purpose(_final('FROM alpine\nENTRYPOINT ["tini", "--"]\nCMD ["true"]\n')).kind == \
        "build-environment"
    text = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends git "
            "&& rm -rf /var/lib/apt/lists/*\nRUN git clone https://example.com/r.git /r\n"
            "{}CMD [\"/usr/local/bin/server\"]\n")
    assert findings(text.format(""), "DKL102")
    assert findings(text.format('RUN git config --global user.email "bot@example.com"\n'), "DKL102") == []


@pytest.mark.parametrize("text, kind, why", [
    # seed-6/7 review: a no-op CMD under an entrypoint of the image's own (kalabox/cli's usermap)
    # means the container runs the command it is started with
    ('FROM node:20\nCOPY usermap.sh /usr/bin/usermap\nENTRYPOINT ["usermap"]\nCMD ["true"]\n',
     "build-environment", "a no-op"),
    ('FROM node:20\nCOPY server.sh /usr/bin/server\nENTRYPOINT ["server"]\nCMD ["--port", "80"]\n',
     "application", "starts `server --port 80`"),
    # a set-up script in front of a keep-alive: the dev containers' pattern (vscode-dev-containers)
    ('FROM debian:bookworm\nENTRYPOINT [ "/usr/local/share/docker-init.sh" ]\nCMD [ "sleep", "infinity" ]\n',
     "build-environment", "kept alive"),
    ('FROM debian:bookworm\nENTRYPOINT ["/srv/run.sh"]\nCMD ["--workers", "4"]\n', "application", "run.sh"),
    # an interactive login (ensembl-hive-htcondor)
    ('FROM debian:bookworm\nCMD ["/bin/login", "-p", "-f", "condoradmin"]\n', "build-environment",
     "interactive login"),
    # the comments that introduce the stage, in the author's words (appcelerator/gotools2)
    ('FROM golang:1.7-alpine\n# This builds a convenience "all-in-one" image for go development.\n'
     '# this image is meant strictly for building things.\nRUN apk add --no-cache alpine-sdk\n'
     'CMD ["echo", "specify the command to run"]\n', "build-environment", "'for go development'"),
    ('# Build environment for LineageOS\nFROM ubuntu:16.04\nCMD ["/home/build/run.sh"]\n',
     "build-environment", "'Build environment'"),
    # a comment on the builder stage of a multi-stage file says nothing of the final stage
    ('# build environment\nFROM golang:1.22 AS build\nRUN go build -o /app .\n'
     '# the service\nFROM debian:bookworm-slim\nCOPY --from=build /app /app\nCMD ["/app"]\n',
     "application", "starts `/app`"),
])
def test_no_op_cmd_login_and_introducing_comments(text, kind, why):
    p = purpose(_final(text))
    assert (p.kind, why in p.why) == (kind, True), p.why


def test_a_build_only_package_another_installed_package_depends_on_is_not_reported():
    # seed-8 review (manios/varnish): varnish Depends on gcc and libc6-dev (varnishd compiles VCL
    # when it starts; Debian data: bookworm's varnish); `purge gcc` would remove varnish itself
    head = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends "
    tail = " && rm -rf /var/lib/apt/lists/*\nCMD [\"varnishd\", \"-F\"]\n"
    got = findings(head + "wget gcc libc-dev varnish" + tail, "DKL102")
    assert [(f.code, f.line) for f in got] == []  # wget is not used by the build: not reported either
    got = findings(head + "wget gcc libc-dev" + tail + "RUN dpkg -i /tmp/varnish_6.3.1-1~stretch_amd64.deb\n"
                   "RUN wget -q https://example.org/x.vcl\n", "DKL102")
    assert [(f.code, f.line, f.message.split(" (")[0]) for f in got] == [("DKL102", 2, "`wget`")]


def test_an_onbuild_run_that_compiles_keeps_the_toolchain_for_derived_builds():
    # seed-8 review (kelcecil/octopress): ONBUILD bundle install builds native gems downstream
    text = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential ruby-dev "
            "&& rm -rf /var/lib/apt/lists/*\nCOPY . /src\nRUN cd /src && make && make install\n"
            "ONBUILD COPY Gemfile /site/\nONBUILD RUN cd /site && bundle install\nCMD [\"/usr/local/bin/site\"]\n")
    assert [f.code for f in findings(text, "DKL101")] == []
    without = text.replace("ONBUILD RUN cd /site && bundle install\n", "")
    assert [f.code for f in findings(without, "DKL101")] == ["DKL101"]


@pytest.mark.parametrize("tail", [
    # package builders and TensorBoard
    'ENTRYPOINT ["rpmbuild", "-ba"]', 'ENTRYPOINT ["fpm"]', 'CMD ["tensorboard"]',
    # seed-9 review: a Jenkins controller runs its jobs' builds with the image's tools
    "CMD java -jar $JENKINS_HOME/jenkins.war",
    'ENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/jenkins.sh"]',
    # Go analysis tools load packages through the go command
    'ENTRYPOINT ["golangci-lint"]\nCMD ["run"]',
    'CMD ["staticcheck", "./..."]',
])
def test_ci_servers_builders_and_go_analysis_tools_are_build_environments(tail):
    assert purpose(_final(f"FROM golang:1.22\n{tail}\n")).kind == "build-environment"


def test_a_later_go_get_keeps_golang_until_it_has_run():
    # seed-9 review (hiroakis/dstat-agent): the same-RUN purge of golang broke the `go get` RUN
    text = ("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends git golang "
            "&& rm -rf /var/lib/apt/lists/*\nRUN export GOPATH=/tmp/go && go get github.com/example/agent\n"
            "ENV PATH /tmp/go/bin:$PATH\nCMD [\"agent\"]\n")
    got = findings(text, "DKL102")
    assert [(f.line, f.fix.title if f.fix else None) for f in got] == [
        (2, "Install `golang` in the RUN at line 3, which uses it, and purge it there")]


@pytest.mark.parametrize("text, kind", [
    # docker/awesome-compose's dev environments: the shipped stage's own name says development
    ('FROM node:lts AS development\nCMD ["npm", "start"]\nFROM development AS dev-envs\nCMD ["npm", "start"]\n',
     "build-environment"),
    ('FROM node:20 AS dev\nCMD ["node", "server.js"]\n', "build-environment"),
    ('FROM node:20 AS devcontainer\nCMD ["node", "server.js"]\n', "build-environment"),
    # only the shipped stage's own name counts: production built on development is an application
    ('FROM node:20 AS development\nCMD ["npm", "start"]\nFROM development AS production\nCMD ["node", "server.js"]\n',
     "application"),
    ('FROM node:20 AS devops\nCMD ["node", "server.js"]\n', "application"),
    # octave with no script: an interactive interpreter whose `pkg install` compiles
    ('FROM debian:bookworm\nCMD ["octave", "--no-gui"]\n', "build-environment"),
    ('FROM debian:bookworm\nCMD ["octave", "--no-gui", "--eval", "run_model"]\n', "application"),
])
def test_a_development_stage_name_and_octave_sessions(text, kind):
    assert purpose(_final(text)).kind == kind


@pytest.mark.parametrize("tail, kind", [
    # seed-13 miss (gungfu2012/shift_v2): an entrypoint script with no CMD to hand over to starts the
    # service the EXPOSE names itself
    ('EXPOSE 8080\nENTRYPOINT ["/entrypoint.sh"]', "application"),
    ("EXPOSE 8080/tcp\nENTRYPOINT /docker-entrypoint.sh", "application"),
    # no port: it may run whatever `docker run` passes it (a CI or build image)
    ('ENTRYPOINT ["/entrypoint.sh"]', "build-environment"),
    # ssh to log in to, a notebook to work in: still build environments
    ('EXPOSE 22\nENTRYPOINT ["/entrypoint.sh"]', "build-environment"),
    ('EXPOSE 8888\nENTRYPOINT ["/entrypoint.sh"]', "build-environment"),
    # an init with nothing to run is no program either; a CMD decides as before
    ('EXPOSE 8080\nENTRYPOINT ["tini", "--"]', "build-environment"),
    ('EXPOSE 8080\nENTRYPOINT ["/entrypoint.sh"]\nCMD ["bash"]', "build-environment"),
    # a password to log in with: a web terminal or a box to work in (seed-13, ksyun/wetty)
    ("RUN useradd -m -s /bin/bash term && echo 'term:term' | chpasswd\nEXPOSE 3000\n"
     'ENTRYPOINT ["/app/entrypoint.sh"]', "build-environment"),
])
def test_an_entrypoint_script_with_no_cmd_behind_a_port_is_the_service(tail, kind):
    assert purpose(_final(f"FROM debian:bookworm\n{tail}\n")).kind == kind


def test_an_entrypoint_script_service_gets_its_build_packages_reported():
    text = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y gcc make && rm -rf /var/lib/apt/lists/*\n"
            "COPY . /src\nRUN make -C /src install\nCOPY entrypoint.sh /\nEXPOSE 8080\nENTRYPOINT [\"/entrypoint.sh\"]\n")
    assert (only("DKL101", text), only("DKL102", text)) == ([4], [])  # DKL101 speaks for gcc and make

