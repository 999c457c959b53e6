"""The syntax layer against PARSING.md: structure, spans, and BuildKit's quirks."""

import io

import pytest

from dockerlint.spans import Span
from dockerlint.syntax import parse

from .conftest import corpus_files, needs_corpus


def kinds(text):
    return [(i.keyword, i.start_line, i.end_line) for i in parse(text).instructions]


def messages(text):
    return [i.message for i in parse(text).issues]


# --- PARSING.md §11, the tricky inputs ---------------------------------------------------------

def test_blank_line_inside_continuation_does_not_end_it_and_warns():
    pf = parse("FROM a\nRUN echo a \\\n\n   b\n")
    run = pf.instructions[1]
    assert (run.start_line, run.end_line, run.rest) == (2, 4, "echo a    b")
    assert pf.warnings[0].message == "Empty continuation line found in: RUN echo a    b"
    assert pf.warnings[0].span.line == 4


def test_comment_inside_continuation_is_skipped_and_kept():
    pf = parse("FROM a\nRUN echo a \\\n  # comment\n  b\n")
    assert pf.instructions[1].rest == "echo a   b"
    assert [(c.text, c.span.line, c.span.column) for c in pf.comments] == [("comment", 3, 3)]


def test_escape_followed_by_spaces_continues():
    assert parse("FROM a\nRUN echo a \\  \nb\n").instructions[1].rest == "echo a b"


def test_backtick_escape_directive():
    pf = parse("# escape=`\nFROM a\nCOPY testfile.txt c:\\\nRUN dir c:\\\n")
    assert pf.escape == "`"
    assert [(i.keyword, [a.text for a in i.args]) for i in pf.instructions] == [
        ("FROM", ["a"]), ("COPY", ["testfile.txt", "c:\\"]), ("RUN", ["dir c:\\"])]


def test_double_backslash_does_not_continue():
    assert kinds("FROM a\nCOPY testfile.txt c:\\\\\nRUN dir c:\\\n") == [
        ("FROM", 1, 1), ("COPY", 2, 2), ("RUN", 3, 3)]


def test_heredoc_body_and_spans():
    pf = parse("FROM a\nRUN <<EOF\necho hi\nEOF\nRUN echo next\n")
    run = pf.instructions[1]
    assert (run.start_line, run.end_line) == (2, 4)
    (doc,) = run.heredocs
    assert (doc.name, doc.body, doc.chomp, doc.expand) == ("EOF", "echo hi\n", False, True)
    assert doc.span == Span(3, 1, 3, 8)
    assert pf.instructions[2].start_line == 5


def test_two_heredocs_in_one_instruction():
    run = parse("FROM a\nRUN <<A cat > a && <<B cat > b\n1\nA\n2\nB\n").instructions[1]
    assert [(d.name, d.body) for d in run.heredocs] == [("A", "1\n"), ("B", "2\n")]
    assert (run.start_line, run.end_line) == (2, 6)


def test_chomped_and_quoted_heredocs():
    run = parse("FROM a\nRUN <<-EOF\n\techo a\n\tEOF\n").instructions[1]
    assert run.heredocs[0].chomp and run.heredocs[0].body == "\techo a\n"
    run = parse('FROM a\nRUN <<"EOF" cat\n$X\nEOF\n').instructions[1]
    assert run.heredocs[0].expand is False


def test_heredoc_with_space_before_name_follows_head():
    run = parse("FROM a\nRUN << EOF\necho hi\nEOF\n").instructions[1]
    assert [(d.name, d.body) for d in run.heredocs] == [("EOF", "echo hi\n")]


def test_unterminated_heredoc_is_dkl001_and_rest_still_parsed():
    pf = parse("FROM a\nRUN <<EOF\necho hi\n")
    assert pf.issues[0].message.startswith("unterminated heredoc")
    assert pf.issues[0].span.line == 2
    assert [i.keyword for i in pf.instructions] == ["FROM", "RUN"]


def test_malformed_json_falls_back_to_shell_form():
    for text in ['CMD ["bash", "-c",]', "CMD [“bash”]", "CMD ['bash']", 'CMD ["bash"] extra']:
        ins = parse("FROM a\n" + text + "\n").instructions[1]
        assert ins.json is False and [a.text for a in ins.args] == [text[4:]]


def test_json_form_words_and_spans():
    ins = parse('FROM a\nCMD ["./app", "-p", "80"]\n').instructions[1]
    assert ins.json and [a.text for a in ins.args] == ["./app", "-p", "80"]
    assert ins.args[1].span == Span(2, 15, 2, 19)


def test_json_non_string_is_an_error():
    assert messages('FROM a\nCMD ["a", 1]\n') == [
        "when using JSON array syntax, arrays must be comprised of strings only"]


def test_empty_run_and_mount_only_run():
    assert parse("FROM a\nRUN\n").instructions[1].args == ()
    ins = parse("FROM a\nRUN --mount=type=cache,target=/root/.cache\n").instructions[1]
    assert [(f.name, f.value) for f in ins.flags] == [("mount", "type=cache,target=/root/.cache")]


def test_lone_escape_line_moves_start_up():
    assert kinds("FROM a\n\\\nRUN echo hi\n") == [("FROM", 1, 1), ("RUN", 2, 3)]


def test_file_with_no_instructions():
    assert messages("# only a comment\n") == ["file with no instructions"]
    assert messages("") == ["file with no instructions"]


def test_keywords_are_case_insensitive():
    pf = parse("from a\nrUn echo hi\n")
    assert [(i.keyword, i.raw_keyword) for i in pf.instructions] == [("FROM", "from"), ("RUN", "rUn")]
    assert pf.issues == []


def test_from_argument_count_and_stage_name():
    assert messages("FROM\n")[0].startswith("FROM requires either one or three arguments")
    assert messages("FROM a b\n")[0].startswith("FROM requires either one or three arguments")
    assert messages("FROM a AS 1stage\n")[0].startswith('invalid name for build stage: "1stage"')
    assert messages("FROM a AS Build\n") == []


def test_onbuild_wraps_an_instruction():
    ins = parse("FROM a\nONBUILD RUN echo hi\n").instructions[1]
    assert ins.trigger.keyword == "RUN" and ins.trigger.rest == "echo hi"
    assert messages("FROM a\nONBUILD ONBUILD RUN x\n")[0].startswith("Chaining ONBUILD")


def test_long_line_is_rejected_like_buildkit():
    pf = parse("FROM a\nRUN " + "x" * 69996 + "\nRUN echo ok\n")
    assert pf.issues[0].message == "dockerfile line greater than max allowed size of 65535"
    assert pf.issues[0].span.line == 2
    assert [i.keyword for i in pf.instructions] == ["FROM", "RUN"]
    assert parse("FROM a\nRUN " + "x" * 65531 + "\n").issues == []  # 65535 bytes exactly


def test_continuation_at_eof_ends_the_instruction():
    ins = parse("FROM a\nRUN echo a \\").instructions[1]
    assert (ins.rest, ins.start_line, ins.end_line) == ("echo a", 2, 2)


# --- directives ---------------------------------------------------------------------------------

def test_directives_only_at_the_top():
    pf = parse("# escape=`\n\n# escape=\\\nFROM a\n")
    assert pf.escape == "`" and [d.key for d in pf.directives] == ["escape"]


def test_shebang_ends_directives():
    assert parse("#!/bin/sh\n# escape=`\nFROM a\n").escape == "\\"


def test_duplicate_and_invalid_directives():
    assert messages("# escape=`\n# ESCAPE=\\\nFROM a\n") == ["only one escape parser directive can be used"]
    assert messages("# escape = ` extra\nFROM a\n")[0].startswith("invalid escape token")


def test_check_and_syntax_directives():
    pf = parse("# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM a\n")
    assert [(d.key, d.value) for d in pf.directives] == [
        ("syntax", "docker/dockerfile:1"), ("check", "skip=all"), ("escape", "`")]


# --- BOM, CRLF, positions -----------------------------------------------------------------------

def test_bom_and_crlf():
    pf = parse("\ufeffFROM a\r\nRUN echo hi \\\r\n  there\r\n")
    assert pf.bom and pf.newline == "\r\n"
    assert [(i.keyword, i.rest) for i in pf.instructions] == [("FROM", "a"), ("RUN", "echo hi   there")]
    assert pf.instructions[0].keyword_span == Span(1, 1, 1, 5)


def test_lone_cr_is_not_a_line_break():
    ins = parse("FROM a\rRUN x\n").instructions
    assert len(ins) == 1 and [a.text for a in ins[0].args] == ["a", "RUN", "x"]


def test_spans_across_continuation_lines():
    pf = parse("FROM a\nRUN apt-get update \\\n    && rm -rf /var/lib/apt/lists/*\n")
    run = pf.instructions[1]
    assert run.keyword_span == Span(2, 1, 2, 4)
    assert run.span == Span(2, 1, 3, 35)
    i = run.rest.index("rm -rf")
    assert run.rest_map.span(i, i + 6) == Span(3, 8, 3, 14)


def test_flag_spans_and_values():
    ins = parse("FROM a AS b\nCOPY --from=b --chown=1:1 /x /y\n").instructions[1]
    assert [(f.name, f.value, f.span) for f in ins.flags] == [
        ("from", "b", Span(2, 6, 2, 14)), ("chown", "1:1", Span(2, 15, 2, 26))]
    assert [(a.text, a.span.column) for a in ins.args] == [("/x", 27), ("/y", 30)]


def test_flag_errors():
    assert messages("FROM a\nCOPY --from b /a /b\n")[0].startswith("missing a value on flag: --from")
    assert messages("FROM a\nCOPY --Link a b\n")[0].startswith("unknown flag: --Link (did you mean link?)")
    assert messages("FROM a\nCOPY --link=yes a b\n") == ["expecting boolean value for flag --link, not: yes"]
    assert messages("FROM a\nSTOPSIGNAL --foo SIGTERM\n") == []


def test_unknown_instruction_and_instruction_before_from():
    assert messages("FROM a\nFOO bar\n") == ["unknown instruction: FOO (did you mean FROM?)"]
    assert messages("RUN x\nFROM a\n")[0].startswith("RUN before the first FROM")
    # BuildKit stops at the first one and one FROM fixes them all: one finding (seed-4 review)
    assert [m.split(" ")[0] for m in messages("CMD a\nCMD b\nENV A=1\nFROM a\n")] == ["CMD"]
    assert messages("ARG V=1\nFROM a:$V\n") == []


def test_env_forms():
    ins = parse("FROM a\nENV A=\"x y\" B=$A\n").instructions[1]
    assert [(k.text, v.text) for k, v in ins.pairs] == [("A", '"x y"'), ("B", "$A")]
    ins = parse("FROM a\nENV key  value with   spaces\n").instructions[1]
    assert [(k.text, v.text) for k, v in ins.pairs] == [("key", "value with   spaces")]
    assert messages("FROM a\nENV A=1 B\n")[0].startswith("Syntax error - can't find = in \"B\"")


def test_arg_forms():
    ins = parse('FROM a\nARG A B=2 C="x y" D=\n').instructions[1]
    assert [(k.text, v.text if v else None) for k, v in ins.pairs] == [
        ("A", None), ("B", "2"), ("C", '"x y"'), ("D", "")]


def test_every_span_lies_inside_the_file():
    text = "FROM a AS b\nRUN <<EOF\nset -e\napt-get update\nEOF\nCOPY --from=b /a \\\n  /b\n"
    pf = parse(text)
    nlines = len(pf.lines)
    for ins in pf.instructions:
        for sp in [ins.span, ins.keyword_span] + [f.span for f in ins.flags] + [a.span for a in ins.args]:
            assert 1 <= sp.line <= sp.end_line <= nlines


# --- differential test against dockerfile-parse -------------------------------------------------

# Files where dockerfile-parse disagrees with BuildKit (and with us), and why.
KNOWN_DISAGREEMENTS = {
    # `C:\Windows\System32\\` ends in an escaped escape, which BuildKit does not treat as a
    # continuation (PARSING.md §2); dockerfile-parse continues the COPY onto the blank line.
    "docker-library__mongo/7.0__windows__nanoserver-ltsc2022__Dockerfile": "double-escape",
    "docker-library__mongo/8.0__windows__nanoserver-ltsc2022__Dockerfile": "double-escape",
    "docker-library__mongo/8.2__windows__nanoserver-ltsc2022__Dockerfile": "double-escape",
    "docker-library__mongo/8.3__windows__nanoserver-ltsc2022__Dockerfile": "double-escape",
    "moby__buildkit/frontend__dockerfile__parser__testfiles__trailing-backslash__Dockerfile": "double-escape",
    # dockerfile-parse ends an instruction at a blank line inside a continuation; BuildKit skips it.
    "moby__buildkit/frontend__dockerfile__parser__testfile-line__Dockerfile": "blank-in-continuation",
    "moby__buildkit/frontend__dockerfile__parser__testfiles__brimstone-consuldock__Dockerfile": "blank-in-continuation",
    "moby__buildkit/frontend__dockerfile__parser__testfiles__brimstone-docker-consul__Dockerfile": "blank-in-continuation",
    "moby__buildkit/frontend__dockerfile__parser__testfiles__continueIndent__Dockerfile": "blank-in-continuation",
    "moby__buildkit/frontend__dockerfile__parser__testfiles__escapes__Dockerfile": "blank-in-continuation",
    "moby__buildkit/frontend__dockerfile__parser__testfiles__env__Dockerfile": "blank-in-continuation",
    "vimagick__dockerfiles/samba__arm__Dockerfile": "blank-in-continuation",
    # dockerfile-parse drops a last line that ends in a continuation; BuildKit ends it there.
    "moby__buildkit/frontend__dockerfile__parser__testfiles__continue-at-eof__Dockerfile": "continued-last-line",
}


@needs_corpus
def test_structure_agrees_with_dockerfile_parse_on_the_corpus():
    from dockerfile_parse import DockerfileParser

    from .conftest import CORPUS

    disagree = {}
    compared = 0
    for p in corpus_files():
        text = p.read_text("utf-8")
        if "<<" in text:
            continue  # dockerfile-parse turns heredoc lines into fake instructions
        compared += 1
        d = DockerfileParser(fileobj=io.BytesIO(text.encode()))
        theirs = [(s["instruction"], s["startline"] + 1, s["endline"] + 1)
                  for s in d.structure if s["instruction"] != "COMMENT"]
        ours = [(i.keyword, i.start_line, i.end_line) for i in parse(text).instructions]
        if theirs != ours:
            disagree[str(p.relative_to(CORPUS))] = (theirs, ours)
    assert compared > 2000
    assert sorted(disagree) == sorted(KNOWN_DISAGREEMENTS)


@needs_corpus
def test_corpus_parses_without_raising_and_issues_are_real():
    total = 0
    for p in corpus_files():
        pf = parse(p.read_text("utf-8"))
        total += len(pf.issues)
        for issue in pf.issues:
            assert 1 <= issue.span.line <= max(len(pf.lines), 1)
    assert total < 60  # the corpus is real, building Dockerfiles plus BuildKit's negative tests
