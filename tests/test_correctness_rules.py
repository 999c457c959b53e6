"""Issue 15's traps for DKL301, DKL401, DKL402 and DKL403: each named case, with the code, line and
column a user sees, the fix's safety and text, and the overlaps (one fact, one finding)."""

from __future__ import annotations

import pytest

from dockerlint.engine import lint_text
from dockerlint.fix import fixed_text
from dockerlint.runner import Options

from .conftest import SEED, needs_seed

CODES = {"DKL301", "DKL401", "DKL402", "DKL403"}


def run(text: str, select=CODES):
    return lint_text(text, "Dockerfile", select=set(select)).findings


def where(text: str, select=CODES):
    return [(f.code, f.line, f.column) for f in run(text, select)]


def fixed(text: str, select=CODES, unsafe=True) -> str | None:
    res = lint_text(text, "Dockerfile", select=set(select))
    new, _applied, refused = fixed_text(res, Options(unsafe_fixes=unsafe))
    assert refused is None
    return new


# --- DKL401 -------------------------------------------------------------------------------------

@needs_seed
def test_seed_probe_gets_dkl401_with_an_unsafe_fix_to_json():
    text = (SEED / "Dockerfile-probe").read_text("utf-8")
    (f,) = run(text)
    assert (f.code, f.line, f.column) == ("DKL401", 2, 5)
    assert f.fix is not None and f.fix.safety == "unsafe"
    assert fixed(text, unsafe=False) is None  # --fix alone does not touch it
    assert fixed(text) == text.replace("CMD [“bash”]", 'CMD ["bash"]')


@pytest.mark.parametrize("arg, problem, fix", [
    ("[“bash”, “-l”]", "typographic", '["bash", "-l"]'),
    ("['bash', '-l']", "single quotes", '["bash", "-l"]'),
    ('[""bash"", "-l"]', "doubled quotes", '["bash", "-l"]'),
    ('["bash", "-l",]', "comma comes right before", None),
    ('["bash" "-l"]', "comma is missing after `\"bash\"`", None),
    ('["bash"];', "`;` follows", None),
    ('["bash"] # the shell', "`# comment` follows", None),
    ("[bash, -l]", "`bash` and `-l` are not in double quotes", None),
])
def test_dkl401_forms(arg, problem, fix):
    text = f"FROM ubuntu:24.04\nCMD {arg}\n"
    (f,) = run(text)
    assert (f.code, f.line, f.column) == ("DKL401", 2, 5)
    assert problem in f.message and "/bin/sh -c" in f.message
    if fix is None:
        assert f.fix is None and f.suggestion and f.suggestion.startswith("write `CMD [")
    else:
        assert f.fix.safety == "unsafe"
        assert fixed(text) == f"FROM ubuntu:24.04\nCMD {fix}\n"


@pytest.mark.parametrize("line", [
    "RUN [ -d /etc ] && echo yes",
    "RUN [ \"$(uname -m)\" = \"x86_64\" ] && echo amd64",
    "RUN [[ -f /etc/os-release ]] && cat /etc/os-release",
    "HEALTHCHECK CMD [ -e /tmp/ready ] || exit 1",
    'CMD ["bash", "-l"]',
    'CMD [ "bash", "-l" ]',
])
def test_dkl401_shell_tests_and_json_are_not_reported(line):
    assert where(f"FROM debian:bookworm-slim\n{line}\n") == []


def test_dkl401_a_json_array_of_non_strings_is_dkl001s():
    got = where('FROM debian\nCMD ["sleep", 5]\n', CODES | {"DKL001"})
    assert got == [("DKL001", 2, 5)]


def test_dkl401_owns_a_failed_shell_array_and_dkl001_keeps_plain_text():
    text = "FROM debian\nSHELL [“/bin/bash”, “-c”]\nSHELL /bin/bash -c\n"
    assert where(text, CODES | {"DKL001"}) == [("DKL401", 2, 7), ("DKL001", 3, 1)]


def test_dkl401_text_after_the_array_is_exec_form_before_frontend_1_9():
    text = "# syntax=docker/dockerfile:1.4\nFROM debian\nCMD [\"app\"] # the app\n"
    assert where(text) == []
    assert where(text.replace("1.4", "1.9")) == [("DKL401", 3, 5)]


def test_dkl401_quote_fix_keeps_continuation_lines_and_crlf():
    text = "FROM alpine\r\nCMD [“/app”, \\\r\n     “--port”, “80”]\r\n"
    assert fixed(text) == 'FROM alpine\r\nCMD ["/app", \\\r\n     "--port", "80"]\r\n'


def test_dkl401_no_quote_fix_when_a_string_holds_a_double_quote():
    (f,) = run("FROM alpine\nCMD ['echo', 'say \"hi\"']\n")
    assert f.fix is None and '["echo", "say \\"hi\\""]' in f.suggestion


# --- DKL301 -------------------------------------------------------------------------------------

STAGES = "FROM golang:1.22 AS build\nRUN go build -o /out/app .\n\nFROM scratch\n"


def test_dkl301_typo_says_did_you_mean_and_offers_an_unsafe_rename():
    text = STAGES + "COPY --from=biuld /out/app /app\n"
    (f,) = run(text)
    assert (f.code, f.line, f.column) == ("DKL301", 5, 6)
    assert "did you mean `build`?" in f.message and f.fix.safety == "unsafe"
    assert fixed(text).endswith("COPY --from=build /out/app /app\n")


@pytest.mark.parametrize("ref", ["nginx", "busybox", "busybox:1.36", "alpine", "composer",
                                 "ghcr.io/astral-sh/uv:0.5", "tool_builder", "BUILD", "Build", "0"])
def test_dkl301_images_and_stages_are_not_reported(ref):
    assert where(STAGES + f"COPY --from={ref} /x /x\n") == []


def test_dkl301_circular_index_and_later_stage():
    text = ("FROM alpine AS a\nCOPY --from=a /x /x\n"
            "FROM alpine AS b\nCOPY --from=7 /x /x\nCOPY --from=c /x /x\nCOPY --from=2 /x /x\n"
            "FROM alpine AS c\n")
    got = run(text)
    assert [(f.line, f.column) for f in got] == [(2, 6), (4, 6), (5, 6), (6, 6)]
    assert "circular dependency" in got[0].message
    assert "invalid stage index 7" in got[1].message
    assert all("after this stage" in f.message and "cannot copy from stage" in f.message for f in got[2:])
    assert all(f.fix is None and f.suggestion for f in got)


def test_dkl301_the_last_stage_of_a_name_is_the_one_copied_from():
    text = "FROM alpine AS tools\nFROM alpine AS app\nCOPY --from=tools /x /x\nFROM alpine AS tools\n"
    (f,) = run(text)
    assert f.line == 3 and "also given at line 1" in f.message


def test_dkl301_mounts_take_names_only():
    text = STAGES.replace("FROM scratch", "FROM alpine") + \
        "RUN --mount=type=bind,from=0,source=/out,target=/m cp /m/app /app\n" \
        "RUN --mount=type=cache,target=/root/.cache,from=build true\n"
    (f,) = run(text)
    assert (f.line, f.column) == (5, 5) and "no stage-index form" in f.message
    assert f.fix.safety == "safe"
    assert "--mount=type=bind,from=build,source=/out" in fixed(text, unsafe=False)


# --- DKL402 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("base", ["scratch", "gcr.io/distroless/static-debian12",
                                  "mcr.microsoft.com/dotnet/runtime:8.0-jammy-chiseled",
                                  "cgr.dev/chainguard/static"])
def test_dkl402_shell_less_bases(base):
    text = f"FROM {base}\nCOPY app /app\nRUN /app --init\nCMD /app --serve\n"
    assert where(text) == [("DKL402", 3, 1), ("DKL402", 4, 1)]
    assert fixed(text, unsafe=False).endswith('CMD ["/app", "--serve"]\n')  # RUN keeps a help line


def test_dkl402_distroless_python_runs_no_pip_and_its_entrypoint_takes_the_cmd():
    # the image's ENTRYPOINT is python: a shell-form CMD becomes its arguments and runs no shell
    text = "FROM gcr.io/distroless/python3-debian12\nRUN pip install flask\nCMD /app/main.py\n"
    assert where(text) == [("DKL402", 2, 1)]


def test_dkl402_a_stage_built_on_a_shell_less_stage():
    text = "FROM gcr.io/distroless/cc-debian12 AS base\nCOPY app /app\nFROM base\nRUN echo hi\n"
    assert where(text) == [("DKL402", 4, 1)]


@pytest.mark.parametrize("copy", ["COPY --from=busybox /bin/sh /bin/sh", "COPY --from=busybox:musl /bin /bin",
                                  "ADD rootfs.tar.xz /", "COPY --from=busybox:musl /bin/busybox /usr/bin/sh"])
def test_dkl402_something_copied_in_provides_the_shell(copy):
    assert where(f"FROM scratch\n{copy}\nRUN echo hi\n") == []


def test_dkl402_busybox_copied_to_busybox_serves_a_busybox_shell():
    text = ("FROM gcr.io/distroless/static-debian12\nCOPY --from=busybox:musl /bin /busybox\n"
            'SHELL ["/busybox/sh", "-c"]\nRUN echo hi\n')
    assert where(text) == []
    assert where(text.replace("/busybox\n", "/opt/bb\n", 1)) == [("DKL402", 4, 1)]


def test_dkl402_distroless_debug_has_busybox_but_no_bin_sh():
    text = "FROM gcr.io/distroless/base-debian12:debug\nRUN mkdir /data\nRUN echo done\n"
    got = run(text)
    assert [(f.line, f.fix.safety) for f in got] == [(2, "safe"), (3, "safe")]
    assert "/busybox/sh" in got[0].message
    assert fixed(text, unsafe=False) == ('FROM gcr.io/distroless/base-debian12:debug\nSHELL ["/busybox/sh", "-c"]\n'
                                         "RUN mkdir /data\nRUN echo done\n")
    assert where('FROM gcr.io/distroless/base-debian12:debug\nSHELL ["/busybox/sh", "-c"]\nRUN mkdir /data\n') == []


@pytest.mark.parametrize("base", ["mcr.microsoft.com/windows/nanoserver:ltsc2022", "registry.example.com/x/y:1",
                                  "debian:bookworm-slim", "alpine:3.20"])
def test_dkl402_windows_unknown_and_shell_bases_are_not_judged(base):
    assert where(f"FROM {base}\nRUN echo hi\nCMD echo hi\n", {"DKL402"}) == []


def test_dkl402_a_cmd_under_an_exec_entrypoint_runs_no_shell():
    assert where('FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\nCMD --serve\n') == []


# --- DKL403 -------------------------------------------------------------------------------------

def test_dkl403_plain_entrypoint_on_debian():
    text = 'FROM python:3.12-slim\nENTRYPOINT python /app.py\nCMD ["--port", "80"]\n'
    (f,) = run(text)
    assert (f.code, f.line, f.column) == ("DKL403", 2, 1)
    assert "the CMD at line 3" in f.message and "SIGTERM" in f.message
    assert f.fix.safety == "unsafe"
    assert fixed(text) == 'FROM python:3.12-slim\nENTRYPOINT ["python", "/app.py"]\nCMD ["--port", "80"]\n'


def test_dkl403_exec_gets_signals_so_the_message_drops_that_clause():
    (f,) = run("FROM debian:bookworm-slim\nENTRYPOINT exec /usr/local/bin/app\n")
    assert "SIGTERM" not in f.message and "ignored" in f.message
    assert f.fix.title == 'Use exec form: `ENTRYPOINT ["/usr/local/bin/app"]`'


def test_dkl403_shell_features_get_a_help_line():
    (f,) = run('FROM debian:bookworm-slim\nENTRYPOINT /app --addr "$ADDR"\n')
    assert f.fix is None and "exec form" in f.suggestion


def test_dkl403_only_the_shipped_stage_and_only_the_entrypoint_in_force():
    assert where("FROM debian AS build\nENTRYPOINT make\nFROM debian\nCMD [\"app\"]\n") == []
    assert where('FROM debian\nENTRYPOINT /app\nENTRYPOINT ["/app"]\n') == []


def test_dkl403_overlaps_one_fact_one_finding():
    # cannot run at all on scratch: DKL402's
    assert where("FROM scratch\nCOPY app /app\nENTRYPOINT /app\n") == [("DKL402", 3, 1)]
    # a failed JSON array: DKL401's
    assert where("FROM debian\nENTRYPOINT [“/app”]\n") == [("DKL401", 2, 12)]


def test_dkl401_fix_of_a_cmd_keeps_what_the_image_is_for():
    # the broken CMD already counts as the program it names, so fixing it adds no DKL101/DKL102
    text = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\n" \
           "RUN gcc -o /app main.c\nCMD ['/app']\n"
    before = {f.code for f in lint_text(text, "Dockerfile").findings}
    after = {f.code for f in lint_text(text.replace("['/app']", '["/app"]'), "Dockerfile").findings}
    assert before - {"DKL401"} == after


# --- speed: linear in the file ------------------------------------------------------------------

def _cpu(text: str) -> float:
    import time

    t = time.process_time()
    lint_text(text, "Dockerfile", select=CODES)
    return time.process_time() - t


@pytest.mark.parametrize("make", [
    lambda n: "FROM gcr.io/distroless/static-debian12\n" + "RUN echo hi\n" * n,
    lambda n: "".join(f"FROM alpine AS s{i}\nCOPY --from=t{i} /x /x\n" for i in range(n // 2)),
    lambda n: "FROM alpine AS x\n" + "COPY --from=x /a /a\n" * n,
    lambda n: "FROM alpine\n" + "CMD ['a', 'b']\n" * n,
], ids=["distroless-runs", "stages", "self-copies", "broken-cmds"])
def test_rules_stay_linear(make):
    small, big = _cpu(make(1000)), _cpu(make(10000))
    assert big < max(20 * small, 0.5) and big < 10.0  # 10x input: well under quadratic's 100x
