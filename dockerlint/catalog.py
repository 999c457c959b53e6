"""The rule catalogue: one Markdown document per rule in rules/, the single source of its docs.

A document starts with TOML front matter between `+++` lines (code, name,
severity, summary, fix, hadolint, tags, precision, and `default = false` for a rule
that runs only when selected) followed by ruff's sections.
--explain, --list-rules, the README table and SARIF's rule help are all made
from here.
"""

from __future__ import annotations

import re
from functools import cache

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Known problems",
            "Fix safety", "References")


class RuleDoc:
    """One rule's document: its front matter as attributes, its Markdown body, and its path.

    code, name, severity ("info"|"warning"|"error"), summary, fix ("safe", "unsafe", "safe or
    unsafe" (depends on the case) or "none"), hadolint (codes it maps to), tags, precision,
    default (in the default rule set: runs when nothing is selected; a rule with `default = false`
    runs only when a selection names it (code, name, prefix, hadolint code) or says ALL), and
    `meta` (every front-matter key, for keys a rule adds), and `triggers`: strings of which the
    Dockerfile's text, lowercased, must contain one for the rule to be able to report anything
    (empty: no such condition).  engine.lint_text does not run, nor import, a rule whose triggers
    a file lacks, so a rule costs nothing on files it cannot apply to; tests/test_triggers.py
    checks on both shared corpora that no finding is lost.  ValueError when `default` is not a
    bool or `triggers` is not a list of non-empty lowercase strings.
    """

    __slots__ = ("code", "name", "severity", "summary", "fix", "hadolint", "tags", "precision", "body",
                 "_path", "meta", "default", "triggers")

    def __init__(self, meta: dict, body: str, path):
        self.meta = meta
        self.code = meta["code"]
        self.name = meta["name"]
        self.severity = meta["severity"]
        self.summary = meta["summary"]
        self.fix = meta.get("fix", "none")
        self.hadolint = tuple(meta.get("hadolint", ()))
        self.tags = tuple(meta.get("tags", ()))
        self.precision = meta.get("precision", "high")
        self.body = body
        self._path = str(path)
        self.default = _default(meta.get("default", True), self._path)
        self.triggers = _triggers(meta.get("triggers", []), self._path)

    @property
    def path(self):
        """The document's path (a pathlib.Path; imported here, not at start-up)."""
        from pathlib import Path

        return Path(self._path)

    def __repr__(self) -> str:
        return f"RuleDoc({self.code} {self.name})"

    @property
    def sections(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for m in re.finditer(r"^## (.+?)\n(.*?)(?=^## |\Z)", self.body, re.S | re.M):
            out[m.group(1).strip()] = m.group(2).strip()
        return out

    def code_block(self, section: str) -> str | None:
        text = self.sections.get(section, "")
        m = re.search(r"```dockerfile\n(.*?)```", text, re.S)
        return m.group(1) if m else None


def _triggers(value, path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(t, str) and t and t == t.lower() for t in value):
        raise ValueError(f"{path}: `triggers` must be a list of non-empty lowercase strings, not {value!r}")
    return tuple(value)


def rules_dir():
    """The rules/ folder (a pathlib.Path)."""
    from pathlib import Path

    from .compiled import rules_dir as root

    return Path(root())


def split_document(text: str, path="") -> tuple[dict, str]:
    """(front matter as a dict, Markdown body) of a rule document; ValueError without front matter."""
    m = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n", text, re.S)
    if not m:
        raise ValueError(f"{path}: no +++ front matter")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads(m.group(1)), text[m.end():]


def _default(value, path: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{path}: `default` must be true or false, not {value!r}")
    return value


def default_codes() -> list[str]:
    """Codes of the rules that run when no selection is given, in code order."""
    return [c for c, d in catalog().items() if d.default]


@cache
def catalog() -> dict[str, RuleDoc]:
    """All rule documents by code, in code order (from the compiled tables, see compiled.py)."""
    import os

    from . import compiled

    root = compiled.rules_dir()
    out = {}
    for code in compiled.rule_names():
        meta, body = compiled.table(f"rule:{code}")
        out[meta["code"]] = RuleDoc(meta, body, os.path.join(root, f"{code}.md"))
    return out


@cache
def by_name() -> dict[str, RuleDoc]:
    return {d.name: d for d in catalog().values()}


@cache
def by_hadolint() -> dict[str, tuple[RuleDoc, ...]]:
    """Our rules by the hadolint code they map to (each document's `hadolint` list)."""
    out: dict[str, tuple[RuleDoc, ...]] = {}
    for d in catalog().values():
        for dl in d.hadolint:
            out[dl.upper()] = out.get(dl.upper(), ()) + (d,)
    return out


def lookup(ident: str) -> RuleDoc | None:
    """A rule by code (any case) or name."""
    ident = ident.strip()
    return catalog().get(ident.upper()) or by_name().get(ident.lower())


def resolve(idents, *, where: str = "") -> set[str]:
    """Codes for a list of codes, names, code prefixes (`DKL2`), hadolint codes that map to
    a rule (`DL3009`, from each document's `hadolint` list) or `ALL`; each item may hold
    several, comma-separated.  An unknown one raises KeyError with a one-line message.

    Every form selects rules that are not in the default set too (`DKL5` and `ALL` take
    DKL501), as ruff's prefixes take E501: naming a group of codes is an explicit choice,
    while running with no selection gives only the default set (default_codes)."""
    codes: set[str] = set()
    for raw in idents:
        for ident in str(raw).split(","):
            ident = ident.strip()
            if not ident:
                continue
            if ident.upper() == "ALL":
                codes.update(catalog())
                continue
            doc = lookup(ident)
            if doc:
                codes.add(doc.code)
                continue
            mapped = by_hadolint().get(ident.upper())
            if mapped:
                codes.update(d.code for d in mapped)
                continue
            if re.fullmatch(r"(DL|SC)\d{4}", ident, re.I):
                raise KeyError(f"unknown rule {ident!r}{where} (hadolint's {ident.upper()} has no dockerlint rule)")
            pref = [c for c in catalog() if c.startswith(ident.upper())] if ident.upper().startswith("DKL") else []
            if pref:
                codes.update(pref)
                continue
            raise KeyError(f"unknown rule {ident!r}{where}")
    return codes
