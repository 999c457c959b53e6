"""What an image is for (runtime.purpose) and what its container starts: issue 10 §3."""

import pytest

from dockerlint.engine import lint_text
from dockerlint.runtime import programs, purpose, runtime_commands

from .helpers import only


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


def test_firmware_tools_mean_the_compilers_are_the_point():
    text = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y build-essential gcc-avr avrdude "
            "&& rm -rf /var/lib/apt/lists/*\nCOPY . /src\nRUN make -C /src\nCMD [\"/src/fhem\"]\n")
    p = purpose(_final(text))
    assert p.kind == "build-environment" and "`gcc-avr`" in p.why
    assert only("DKL101", text) == []


@pytest.mark.parametrize("tail", [
    'CMD ["nvim"]', 'ENTRYPOINT ["emacs"]', 'CMD ["jupyter", "lab", "--ip=0.0.0.0"]', 'CMD ["npm", "run", "ci"]',
    'CMD ["npm", "test"]', 'CMD ["perl", "-de0"]', 'CMD ["hy"]', 'ENTRYPOINT ["hack/dind"]',
])
def test_workbenches_ci_tasks_and_repls_are_build_environments(tail):
    # issue 10 fresh review (seed 2): editors, notebooks, CI tasks and REPLs were taken for applications
    assert purpose(_final(f"FROM debian:bookworm\n{tail}\n")).kind == "build-environment"
