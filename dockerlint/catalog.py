"""The rule catalogue: one Markdown document per rule in rules/, the single source of its docs.

A document starts with TOML front matter between `+++` lines (code, name,
severity, summary, fix, hadolint, tags, precision, and `default = false` for a rule
that runs only when selected) followed by ruff's sections.
--explain, --list-rules, the README table and SARIF's rule help are all made
from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Known problems",
            "Fix safety", "References")


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    severity: str
    summary: str
    fix: str  # "safe", "unsafe", "safe or unsafe" (depends on the case) or "none"
    hadolint: tuple[str, ...]
    tags: tuple[str, ...]
    precision: str
    body: str  # Markdown after the front matter
    path: Path
    # In the default rule set: runs when nothing is selected.  A rule with `default = false`
    # runs only when a selection names it (code, name, prefix, hadolint code) or says ALL.
    default: bool = True

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


def rules_dir() -> Path:
    here = Path(__file__).parent
    installed = here / "_rules"
    return installed if installed.is_dir() else here.parent / "rules"


def _parse(path: Path) -> RuleDoc:
    text = path.read_text("utf-8")
    m = re.match(r"\+\+\+\n(.*?)\n\+\+\+\n", text, re.S)
    if not m:
        raise ValueError(f"{path}: no +++ front matter")
    meta = tomllib.loads(m.group(1))
    return RuleDoc(
        code=meta["code"], name=meta["name"], severity=meta["severity"], summary=meta["summary"],
        fix=meta.get("fix", "none"), hadolint=tuple(meta.get("hadolint", ())),
        tags=tuple(meta.get("tags", ())), precision=meta.get("precision", "high"),
        body=text[m.end():], path=path, default=_default(meta.get("default", True), path),
    )


def _default(value, path: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{path}: `default` must be true or false, not {value!r}")
    return value


def default_codes() -> list[str]:
    """Codes of the rules that run when no selection is given, in code order."""
    return [c for c, d in catalog().items() if d.default]


@cache
def catalog() -> dict[str, RuleDoc]:
    """All rule documents by code, in code order."""
    docs = [_parse(p) for p in sorted(rules_dir().glob("DKL*.md"))]
    return {d.code: d for d in docs}


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
