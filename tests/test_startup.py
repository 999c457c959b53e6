"""Start-up of a one-file run (issue 12): what importing and linting must not pay for.

Each check runs in a fresh interpreter (a subprocess), since this test session has long
imported everything.  They count modules and compiled regexes, never time.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap

import pytest

from dockerlint.findings import Finding, Hit
from dockerlint.records import replace
from dockerlint.spans import Span
from dockerlint.syntax import ParsedFile, parse

from .conftest import ROOT

SMALL = "FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD [\"curl\", \"-s\", \"http://x\"]\n"
APT = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"  # DKL201 and DKL202


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_linting_a_file_through_the_engine_imports_no_dataclasses():
    p = run_python("""
        import sys
        from dockerlint.engine import lint_text
        from dockerlint import report
        res = lint_text(sys.argv[1], "Dockerfile")
        report.render_statistics([res], [], "json")
        print(",".join(f.code for f in res.findings), "dataclasses" in sys.modules,
              "inspect" in sys.modules)
    """, APT)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["DKL201,DKL202", "False", "False"]


def test_the_command_line_on_one_file_imports_no_dataclasses(tmp_path):
    f = tmp_path / "Dockerfile"
    f.write_text(APT)
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "dockerlint", str(f)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr[-2000:]  # DKL201 and DKL202
    imported = {line.rsplit("|", 1)[-1].strip() for line in p.stderr.splitlines() if "|" in line}
    assert "dockerlint.engine" in imported  # the -X importtime listing is what we think it is
    assert "dataclasses" not in imported


# Counts each pattern the `re` module compiles (each distinct (pattern, flags) once) and where
# in dockerlint it was asked for; _compile is what re.compile, re.match etc. all go through.
_COUNTER = """
    import os, re, sys
    PKG = os.path.join(os.getcwd(), "dockerlint") + os.sep
    seen, ours = set(), set()
    _orig = re._compile
    def _counting(pattern, flags):
        key = (type(pattern), pattern, int(flags))
        if not isinstance(pattern, re.Pattern) and key not in seen:
            seen.add(key)
            f = sys._getframe(1)
            while f is not None and f.f_code.co_filename.startswith(os.path.dirname(re.__file__)):
                f = f.f_back
            if f is not None and f.f_code.co_filename.startswith(PKG):
                ours.add((f.f_code.co_filename[len(PKG):], f.f_lineno))
        return _orig(pattern, flags)
    re._compile = _counting
"""


def test_importing_every_module_compiles_no_regex_of_ours():
    p = run_python(_COUNTER + """
    import importlib, pkgutil
    import dockerlint, dockerlint.checks
    names = [m.name for m in pkgutil.walk_packages(dockerlint.__path__, "dockerlint.")]
    assert len(names) > 40, names
    for name in names:
        if name.rsplit(".", 1)[-1] not in ("__main__", "readme"):
            importlib.import_module(name)
    print(sorted(ours))
    """)
    assert p.returncode == 0, p.stderr
    # module-level patterns are dockerlint.lazyre.LazyRe: compiled on first use, not here
    assert p.stdout.strip() == "[]"


def test_linting_a_small_file_compiles_a_fraction_of_the_regexes():
    p = run_python(_COUNTER + """
    from dockerlint.engine import lint_text
    from dockerlint import lazyre
    made = []
    _init = lazyre.LazyRe.__init__
    def _made(self, *a, **kw):
        made.append(self)
        _init(self, *a, **kw)
    lazyre.LazyRe.__init__ = _made
    lint_text(sys.argv[1], "Dockerfile")
    print(len(ours), len(made))
    """, SMALL)
    assert p.returncode == 0, p.stderr
    compiled, lazy = map(int, p.stdout.split())
    # Compiled everywhere, the package tables, images and modules were over 110 patterns on this
    # file; on first use some 30 (the apk package patterns, the image's tag tokens, ...).
    assert lazy > 100  # the table patterns made (not compiled) while linting
    assert compiled < 50


def test_lazy_regex_compiles_once_and_then_calls_the_compiled_pattern():
    from dockerlint.lazyre import LazyRe

    rx = LazyRe(r"(?P<n>[a-z]+)=", 2)  # re.IGNORECASE
    assert "match" not in vars(rx)
    assert rx.match("ABC=1").group("n") == "ABC"
    assert vars(rx)["match"].__self__ is rx.compiled()  # now the compiled pattern's own method
    assert rx.sub("", "a=b=") == "" and rx.groups == 1 and rx.pattern == "(?P<n>[a-z]+)="


SP = Span(1, 1, 1, 5)


def test_value_records_compare_hash_and_stay_frozen_like_dataclasses():
    a = Finding("DKL101", "n", "warning", "m", "Dockerfile", SP, extra={"x": 1})
    b = Finding("DKL101", "n", "warning", "m", "Dockerfile", SP)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1  # extra: compare=False, hash=False
    assert a != replace(a, message="other") and replace(a, message="other").message == "other"
    assert Hit(SP, "m") != ("m",) and Hit(SP, "m") == Hit(SP, "m")
    assert repr(Hit(SP, "m")).startswith("Hit(span=Span(")
    with pytest.raises(AttributeError):
        a.code = "DKL102"  # type: ignore[misc]
    with pytest.raises(TypeError):
        replace(a, nope=1)
    assert pickle.loads(pickle.dumps(a)) == a and pickle.loads(pickle.dumps(a)).extra == {"x": 1}


def test_identity_and_mutable_records():
    parsed = parse("FROM alpine\nFROM alpine\n")
    i, j = parsed.instructions
    assert i != j and i == i and len({i, j}) == 2  # Instruction: frozen, compared by identity
    # ParsedFile: mutable, compared by fields (its instructions by identity), unhashable
    assert ParsedFile(lines=["# x"]) == ParsedFile(lines=["# x"]) != ParsedFile()
    assert ParsedFile().lines == [] and ParsedFile().lines is not ParsedFile().lines
    with pytest.raises(TypeError):
        hash(parsed)


def test_a_record_inside_itself_reprs_as_dots():
    p = ParsedFile()
    p.comments.append(p)
    assert repr(p).startswith("ParsedFile(instructions=[], comments=[...], directives=[]")


@pytest.mark.parametrize("pattern, prefixes", [
    ("(ubuntu[0-9.]*|noble|jammy)", ("ubuntu", "noble", "jammy")),
    ("alpine[0-9.]*", ("alpine",)),
    ("ab?c|d+", ("a", "d")),  # an optional last literal is not required
    ("a|b[|]c", ("a", "b")),  # the | of a class does not split
    (r"a[\]|]b|c", ("a", "c")), ("[]|]a|b", None),  # nor that of a class whose first member is ]
    (r"gcr\.io/distroless/static(-debian[0-9]+)?", ("gcr.io/distroless/static",)),  # an escaped . is literal
    (r"libstdc\+\+[0-9]+", ("libstdc++",)), (r"a\|b", ("a|b",)), (r"ab\+?", ("ab",)),
    (r"(gcc|g\+\+|gfortran)-[0-9]+", ("gcc", "g++", "gfortran")),  # a group first: its branches
    ("(?:a|b)c", ("a", "b")), ("((ab|c)d|e)f", ("ab", "c", "e")), ("(a)(b)", ("a",)), ("(a)+b", ("a",)),
    ("a(b|c)|d", ("a", "d")),
    ("(a)?b", None), ("(a)*b", None), ("(a){0}b", None),  # an optional group first
    ("(?P<n>a)", None), ("(?=a)a", None), ("(?i)a", None),  # not read
    ("[0-9]+", None), (r"\d+", None), (r"\Aa", None), ("x{2}y", None), ("(a|)", None), ("é", None), (".+-dev", None),
    ("a)", None), ("(a", None), ("a[b", None), ("", None),  # not patterns
])
def test_match_prefixes_reads_literal_starts(pattern, prefixes):
    from dockerlint.lazyre import match_prefixes

    assert match_prefixes(pattern) == prefixes


def test_a_string_a_pattern_matches_starts_with_one_of_its_prefixes():
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from dockerlint.lazyre import LazyRe, fullmatches, match_prefixes

    atoms = st.sampled_from(["a", "b", "K", "s", "-", "+", r"\.", r"\+", r"\|", r"\\", ".", "[ab]", "[]a]", "[^a]",
                             r"\d", "a?", "b*", "a+", "x{0,2}", "(a|b)", "(?:ab|c)", "(a)?", "(b|)", "|", "^", "$"])
    texts = st.text(alphabet="abcksK+-.|\\x0\u017f\u212a", max_size=6)

    @settings(max_examples=600, deadline=None, derandomize=True)
    @given(st.lists(atoms, min_size=1, max_size=5).map("".join), texts, st.sampled_from([0, re.IGNORECASE]))
    def sound(pattern, text, flags):
        try:
            rx = re.compile(pattern, flags)
        except re.error:
            return
        pre = match_prefixes(pattern)
        if pre is not None and text.isascii() and rx.match(text):
            assert text.lower().startswith(pre), (pattern, text, pre)
        assert fullmatches(LazyRe(pattern, flags), text) == bool(rx.fullmatch(text)), (pattern, text)

    sound()


def test_variant_tokens_answer_as_their_regexes_without_compiling_them():
    import re

    from dockerlint import images

    t = images._tables()
    variants = [v for v in t.global_variants + tuple(v for i in t.by_name.values() for v in i.variants)
                if v.token is not None]
    tokens = {"3.12", "slim", "SLIM", "bookworm", "Jammy", "UBUNTU22.04", "ubuntu", "al2", "al2023", "ltsc2022",
              "ubi9", "alpine3.20", "alpine", "windowsservercore", "latest", "sid", "\u017fid", "\u212aa", "", "-"}
    tokens |= {e for v in variants for e in (v.example, v.example.upper()) if e}
    assert len(variants) > 40
    for v in variants:
        rx = re.compile(v.token.pattern, re.IGNORECASE)
        for tok in tokens:
            assert images._token_matches(v.token, tok) == bool(rx.fullmatch(tok)), (v.token.pattern, tok)
    fresh = images.LazyRe("(ubuntu[0-9.]*|noble|jammy)", re.IGNORECASE)
    assert not images._token_matches(fresh, "3.12") and "fullmatch" not in vars(fresh)
    assert images._token_matches(fresh, "Ubuntu24.04") and "fullmatch" in vars(fresh)


# Modules that cost milliseconds to import and that the lint of one file does not need.  A test
# below fails when dockerlint's own code imports one on the one-file path (tree-sitter-bash's
# package imports importlib.resources, and through it pathlib, tempfile, typing …: not ours).
SLOW = ("pathlib", "tempfile", "typing", "shutil", "random", "urllib.parse", "importlib.resources",
        "dataclasses", "inspect", "tomllib", "tomli", "click", "argparse", "textwrap", "datetime")
# Counts every import statement run by dockerlint's own code (builtins.__import__ sees them even
# when the module is already loaded), by where it stands.
_IMPORT_SPY = """
    import builtins, gc, io, os, sys
    gc.disable()
    PKG = os.path.join(os.getcwd(), "dockerlint") + os.sep
    SLOW = set(sys.argv[2].split(","))
    found = set()
    _import = builtins.__import__
    def spy(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0:
            names = {name} | {f"{name}.{f}" for f in fromlist or ()}
            hit = names & SLOW
            if hit:
                code = sys._getframe(1).f_code
                if code.co_filename.startswith(PKG):
                    found.update(f"{n} ({code.co_filename[len(PKG):]})" for n in hit)
        return _import(name, globals, locals, fromlist, level)
    builtins.__import__ = spy
    from dockerlint import cli
    out = io.StringIO()
    sys.stdout, real = out, sys.stdout
    status = cli.run_command(sys.argv[3:] + [sys.argv[1]])
    sys.stdout = real
    print(status, sorted(found), sorted(m for m in SLOW if m in sys.modules), sep="\\n")
"""
RUNS = {
    "ubuntu-go": "FROM ubuntu:latest\nWORKDIR /app\nRUN apt update && apt install -y golang\nCOPY main.go .\n"
                 "RUN go mod init hello && go build -o hello\nCMD [\"./hello\"]\n",
    "debian-pip": "FROM python:3.12-slim-bookworm\nRUN apt-get update && apt-get install -y gcc libpq-dev \\\n"
                  " && pip install psycopg2\nCOPY . /app\nUSER 1000\nCMD [\"python\", \"/app/main.py\"]\n",
    "alpine": "FROM alpine:3.20\nRUN apk add curl\nENTRYPOINT curl -s http://example.com\n",
}


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("name", sorted(RUNS))
def test_the_one_file_path_imports_no_slow_module_of_its_own(tmp_path, name, fmt):
    f = tmp_path / "Dockerfile"
    f.write_text(RUNS[name])
    # json: the text report and the exec forms (syntax.json_loads) do without it; alpine's
    # ENTRYPOINT fix writes a JSON array (json.dumps)
    slow = SLOW + (("json",) if fmt == "text" and name != "alpine" else ())
    p = run_python(_IMPORT_SPY, str(f), ",".join(slow), "--format", fmt)
    assert p.returncode == 0, p.stderr[-3000:]
    status, ours, loaded = p.stdout.splitlines()
    assert status == "1"  # each file has findings: the whole lint and report ran
    assert ours == "[]"
    # nor through tree-sitter: only tree_sitter's own `from typing import Protocol` is left
    # (tree_sitter_bash's importlib.resources, and its pathlib and tempfile, are not imported)
    assert set(eval(loaded)) <= {"typing"}, loaded


@pytest.mark.parametrize("first", ["", "import importlib.resources"])
def test_tree_sitter_bash_is_imported_without_importlib_resources_and_still_reads_its_query(first):
    # dockerlint.shell imports tree_sitter_bash with a stand-in for importlib.resources (whose
    # `files` imports the real one); the package's query must read all the same, in the same
    # process, and a later import of importlib.resources must get the real module
    p = run_python("""
    import sys
    FIRST
    from dockerlint import shell
    assert shell.parse_shell("apt-get update && apt-get install -y curl").commands[1].argv[1].text == "install"
    print(sorted(m for m in ("importlib.resources", "pathlib", "tempfile") if m in sys.modules))
    import tree_sitter_bash
    query = tree_sitter_bash.HIGHLIGHTS_QUERY
    import importlib, importlib.resources
    real = importlib.resources.files("tree_sitter_bash.queries").joinpath("highlights.scm").read_text()
    print(len(query) > 100 and query == real, importlib.resources.__spec__.origin == importlib.resources.__file__,
          importlib.resources is sys.modules["importlib.resources"] is importlib.import_module("importlib.resources"),
          hasattr(importlib.resources, "as_file"))
    """.replace("FIRST", first))
    assert p.returncode == 0, p.stderr[-3000:]
    loaded, checks = p.stdout.splitlines()
    assert loaded == ("['importlib.resources', 'pathlib', 'tempfile']" if first else "[]")
    assert checks == "True True True True"


def test_a_file_without_run_imports_none_of_the_slow_modules(tmp_path):
    f = tmp_path / "Dockerfile"
    f.write_text("FROM alpine:3.20\nCOPY app /app\nUSER 1000\nCMD [\"/app\"]\n")
    p = run_python(_IMPORT_SPY, str(f), ",".join(SLOW + ("tree_sitter", "tree_sitter_bash")))
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.splitlines() == ["0", "[]", "[]"]


def test_the_debian_tables_are_read_compiled_not_as_json(tmp_path):
    f = tmp_path / "Dockerfile"
    f.write_text(RUNS["ubuntu-go"])
    p = run_python("""
        import gc, io, sys
        gc.disable()
        import json
        files = []
        json.load = lambda fh, **k: files.append(fh.name)  # a table read as JSON (exec forms use loads)
        from dockerlint import cli, compiled, debian
        sys.stdout = io.StringIO()
        cli.run_command([sys.argv[1]])
        sys.stdout = sys.__stdout__
        graph = debian._body("resolute")["graph"]
        print(files, type(graph).__name__, 0 < len(graph._read) < len(graph) / 20)
    """, str(f))
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.split() == ["[]", "Packed", "True"]


def test_the_intro_word_test_never_hides_a_match_of_the_pattern():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from dockerlint import runtime

    words = st.sampled_from(["build", "Development", "dev", "developer", "ENVIRONMENT", "for", "go", "meant",
                             "intended", "strictly", "only", "devcontainer", "image", "container", "building",
                             "bu\u0131lding", "env\u0131ronment", "devcontainer"[:5] + "\u212a", "\u017f", "#", "\n"])

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(words, max_size=8).map(" ".join))
    def agree(text):
        if runtime._INTRO_SAYS_BUILD_ENV.search(text):
            assert runtime._says_build_env(text), text

    agree()
    assert not runtime._says_build_env("") and not runtime._says_build_env("# the app image")
    assert runtime._says_build_env("Build Environment for X")
    assert runtime._says_build_env("bu\u0131lding")  # not ASCII: left to the pattern


def test_json_loads_reads_exec_forms_as_json_does():
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from dockerlint.syntax import json_loads

    def same(text):
        try:
            want = json.loads(text)
        except ValueError:
            with pytest.raises(ValueError):
                json_loads(text)
            return
        assert json_loads(text) == want and type(json_loads(text)) is type(want), text

    for text in ['["a"]', '[ "a" , "b c" ]\n', "[]", '["a",]', '["a" "b"]', '["a\\"b"]', '["\x01"]', '["\x7f", "é"]',
                 '["a"] x', '[\x0b"a"]', "['a']", '[1]', '["a", 1]', '[["a"]]', '[', '["a"', '"a"', ' ["a"]']:
        same(text)
    pieces = st.sampled_from(['[', ']', '"', ',', ' ', '\t', '\n', '\r', '\x0b', '\\', 'a', 'é', '\x01', '1', "'", 'u'])

    @settings(max_examples=800, deadline=None, derandomize=True)
    @given(st.lists(pieces, max_size=12).map("".join), st.lists(st.text(max_size=4), max_size=3))
    def agree(noise, strings):
        same(noise)
        same("[" + noise)
        same(json.dumps(strings, ensure_ascii=False))
        same(json.dumps(strings, ensure_ascii=False).replace(", ", noise))

    agree()


@pytest.mark.parametrize("text, codes, modules", [
    (APT, ["DKL201", "DKL202"], []),  # apt's lists are DKL201's: no cache rule's module is imported
    (SMALL.replace("--no-cache ", ""), ["DKL203"], ["apk_cache_kept"]),
    ("FROM python:3.12-alpine\nRUN pip install flask && apk add curl\n", ["DKL203", "DKL206"],
     ["apk_cache_kept", "pip_cache_kept"]),
])
def test_a_cache_rule_is_imported_only_for_a_file_that_leaves_its_cache(text, codes, modules):
    p = run_python("""
        import sys
        from dockerlint.engine import lint_text
        res = lint_text(sys.argv[1], "Dockerfile")
        print(",".join(sorted({f.code for f in res.findings if f.code in ("DKL201", "DKL202") or
                               f.code.startswith("DKL20") and f.code > "DKL202"})))
        print(",".join(sorted(m.rsplit(".", 1)[-1] for m in sys.modules
                              if m.startswith("dockerlint.checks.") and m.endswith("_cache_kept"))))
    """, text)
    assert p.returncode == 0, p.stderr[-3000:]
    found, imported = p.stdout.splitlines()
    assert found.split(",") == codes
    assert (imported.split(",") if imported else []) == modules
