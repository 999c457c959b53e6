"""Runs the pipeline on one file: bytes -> syntax -> model -> checks -> findings."""

from __future__ import annotations

import functools
import gc

from . import catalog
from .checks import check_function
from .findings import Finding
from .model import Model, build
from .records import Mutable
from .syntax import ParsedFile, parse


class InputError(Exception):
    """A file dockerlint cannot read as text; reported as one line, exit status 2."""


class FileResult(Mutable):
    path: str
    text: str | None
    parsed: ParsedFile | None
    model: Model | None
    findings: list[Finding]
    error: str | None  # I/O or decoding problem: the file was not linted
    internal_errors: list[str]  # a rule crashed on this file
    lint_options: dict  # to lint a fixed text the same way
    settings: object  # the config.Settings that governed this file, when the runner used one

    _fields = ("path", "text", "parsed", "model", "findings", "error", "internal_errors",
               "lint_options", "settings")

    def __init__(self, path: str, text: str | None = None, parsed: ParsedFile | None = None,
                 model: Model | None = None, findings: list[Finding] | None = None,
                 error: str | None = None, internal_errors: list[str] | None = None,
                 lint_options: dict | None = None, settings: object = None) -> None:
        self.path = path
        self.text = text
        self.parsed = parsed
        self.model = model
        self.findings = [] if findings is None else findings
        self.error = error
        self.internal_errors = [] if internal_errors is None else internal_errors
        self.lint_options = {} if lint_options is None else lint_options
        self.settings = settings


def decode(data: bytes, path: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary file (contains NUL bytes), not a Dockerfile")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"{path}: not UTF-8 text (byte 0x{data[e.start]:02x} at line {line}); "
            "BuildKit reads Dockerfiles as UTF-8"
        ) from None


def enabled_codes(select: set[str] | None, ignore: set[str]) -> list[str]:
    """The codes that run, in code order: the selection (None: the default rule set) less ignore."""
    codes = catalog.default_codes() if select is None else [c for c in catalog.catalog() if c in select]
    return [c for c in codes if c not in ignore]


def _gc_paused(fn):
    """Run fn with the cyclic GC off: it would rescan every object the parse keeps alive,
    making a big file quadratic.  Nothing here makes cycles worth collecting mid-file."""

    @functools.wraps(fn)
    def wrapper(*args, **kw):
        if not gc.isenabled():
            return fn(*args, **kw)
        gc.disable()
        try:
            return fn(*args, **kw)
        finally:
            gc.enable()

    return wrapper


@_gc_paused
def lint_text(text: str, path: str, *, select: set[str] | None = None, ignore: set[str] = frozenset(),
              target: str | None = None) -> FileResult:
    res = FileResult(path, text, lint_options={"select": select, "ignore": ignore, "target": target})
    parsed = parse(text)
    res.parsed = parsed
    model = build(parsed, path, target)
    res.model = model
    docs = catalog.catalog()
    codes = enabled_codes(select, ignore)
    out: list[Finding] = []
    if "DKL001" in codes:
        d = docs["DKL001"]
        for issue in parsed.issues:
            out.append(Finding(d.code, d.name, d.severity, issue.message, path, issue.span))
    lowered = None
    for code in codes:
        d = docs[code]
        if d.triggers:
            if lowered is None:
                lowered = text.lower()
            if not any(t in lowered for t in d.triggers):
                continue  # the rule cannot apply here: not run, its module not even imported
        fn = check_function(code, model)
        if fn is None:
            continue
        try:
            for hit in fn(model):
                out.append(Finding(d.code, d.name, d.severity, hit.message, path, hit.span, hit.fix, hit.suggestion,
                                   related=hit.related, size_mb=hit.size_mb))
        except Exception as e:  # one broken rule must not lose the other rules' findings
            import traceback  # here: it imports linecache, tokenize and textwrap

            tb = traceback.extract_tb(e.__traceback__)[-1]
            res.internal_errors.append(
                f"{path}: internal error in {code} ({type(e).__name__}: {e} at {tb.filename}:{tb.lineno}); "
                "please report it"
            )
    if parsed.comments:
        from .suppress import apply

        out = apply(out, parsed, path, set(codes))
    out.sort(key=Finding.sort_key)
    res.findings = _dedupe(out)
    return res


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.code, f.span, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def lint_bytes(data: bytes, path: str, **kw) -> FileResult:
    try:
        text = decode(data, path)
    except InputError as e:
        return FileResult(path, error=str(e))
    return lint_text(text, path, **kw)


