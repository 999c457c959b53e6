"""SARIF 2.1.0 reporter, shaped for GitHub code scanning (`--format sarif`).

One run; the driver lists every rule of the catalogue with its help taken from the
rule's Markdown document; each finding is a result with a region, its fix (when it
has concrete edits or a rewrite) and, for an ignore comment, an in-source suppression.
Errors of the run are tool execution notifications.

sarif_om is imported inside render_sarif so that the text and JSON paths never load it.
"""

from __future__ import annotations

import json
import os
from urllib.parse import quote_from_bytes

from . import __version__, catalog
from .engine import FileResult
from .findings import Finding
from .report import relative_path, visible_region

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# pyproject.toml has no project URL; this is the project's home.
INFORMATION_URI = "https://github.com/dockerlint/dockerlint"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000  # GitHub code scanning keeps at most 25,000 results per run
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# Fields worth writing even when they hold sarif_om's default value.
_ALWAYS = {"level"}
# Keys written first, in this order, so the log reads top-down; the rest follow in sarif_om's order.
_FIRST = ("$schema", "version", "id", "name", "ruleId", "ruleIndex", "level", "message", "locations",
          "physicalLocation", "artifactLocation", "uri", "uriBaseId", "region",
          "startLine", "startColumn", "endLine", "endColumn")
_RANK = {k: i for i, k in enumerate(_FIRST)}


def artifact_uri(path: str, cwd: str | None = None) -> tuple[str, str | None]:
    """(uri, uriBaseId) for a reported path: relative to %SRCROOT% (the working directory)
    when inside it, an absolute file:// URI otherwise; standard input is `stdin`."""
    if path == "-":
        return "stdin", None
    rel = relative_path(path, cwd)
    if rel is not None:
        return quote_from_bytes(os.fsencode(rel), safe="/"), SRCROOT
    return _file_uri(os.path.abspath(path)), None


def _file_uri(absolute: str) -> str:
    p = absolute.replace(os.sep, "/")
    if not p.startswith("/"):  # C:/x -> /C:/x
        p = "/" + p
    return "file://" + quote_from_bytes(os.fsencode(p), safe="/:" if os.name == "nt" else "/")


def _directory_uri(cwd: str) -> str:
    uri = _file_uri(cwd)
    return uri if uri.endswith("/") else uri + "/"


def _serialise(obj):
    """attrs objects of sarif_om -> JSON values: schema property names, no None or default values."""
    import attr

    if attr.has(type(obj)):
        out = {}
        for a in attr.fields(type(obj)):
            value = getattr(obj, a.name)
            if value is None:
                continue
            default = a.default
            if isinstance(default, attr.Factory):
                default = default.factory()
            if a.name not in _ALWAYS and default is not attr.NOTHING and value == default:
                continue
            out[a.metadata.get("schema_property_name", a.name)] = _serialise(value)
        return dict(sorted(out.items(), key=lambda kv: _RANK.get(kv[0], len(_RANK))))
    if isinstance(obj, dict):
        return {k: _serialise(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_serialise(v) for v in obj]
    return obj


def render_sarif(results: list[FileResult], errors: list[str]) -> str:
    import sarif_om as om

    docs = catalog.catalog()
    rule_index = {code: i for i, code in enumerate(docs)}
    rules = []
    for d in docs.values():
        body = d.body.strip()
        what = d.sections.get("What it does") or d.summary
        rules.append(om.ReportingDescriptor(
            id=d.code,
            name=d.name,
            short_description=om.MultiformatMessageString(text=d.summary),
            full_description=om.MultiformatMessageString(text=what),
            help=om.MultiformatMessageString(text=body, markdown=body),
            help_uri=f"{INFORMATION_URI}/blob/main/rules/{d.code}.md",
            # enabled=False: the rule is not in the default set (it ran only if selected)
            default_configuration=om.ReportingConfiguration(level=LEVELS.get(d.severity, "warning"),
                                                            enabled=d.default),
            properties={"tags": ["dockerfile", *d.tags], "precision": d.precision},
        ))
    driver = om.ToolComponent(
        name="dockerlint",
        version=__version__,
        semantic_version=__version__,
        information_uri=INFORMATION_URI,
        rules=rules,
    )

    texts = {r.path: r.text for r in results}
    findings = sorted((f for r in results for f in r.findings), key=Finding.sort_key)
    notifications = []
    if len(findings) > MAX_RESULTS:
        notifications.append(om.Notification(
            level="warning",
            message=om.Message(text=f"Results were truncated: {len(findings)} findings, "
                                    f"only the first {MAX_RESULTS} are in this log."),
        ))
        findings = findings[:MAX_RESULTS]
    notifications.extend(om.Notification(level="error", message=om.Message(text=e)) for e in errors)

    out_results = []
    for f in findings:
        uri, base = artifact_uri(f.path)
        where = om.ArtifactLocation(uri=uri, uri_base_id=base)
        sl, sc, el, ec = visible_region(f.span)
        res = om.Result(
            rule_id=f.code,
            rule_index=rule_index.get(f.code, -1),
            level=LEVELS.get(f.severity, "warning"),
            message=om.Message(text=f.message_with_fix),
            locations=[om.Location(physical_location=om.PhysicalLocation(
                artifact_location=where,
                region=om.Region(start_line=sl, start_column=sc, end_line=el, end_column=ec),
            ))],
        )
        if f.related:
            related = []
            for k, span in enumerate(f.related, 1):
                rl, rc, rel, rec = visible_region(span)
                related.append(om.Location(id=k, physical_location=om.PhysicalLocation(
                    artifact_location=where,
                    region=om.Region(start_line=rl, start_column=rc, end_line=rel, end_column=rec))))
            res.related_locations = related
        fix = _fix(om, f, where, texts.get(f.path))
        if fix is not None:
            res.fixes = [fix]
        if f.suppressed:
            res.suppressions = [om.Suppression(kind="inSource", justification=f.suppress_reason)]
        out_results.append(res)

    run = om.Run(
        tool=om.Tool(driver=driver),
        results=out_results,
        column_kind="unicodeCodePoints",
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=_directory_uri(os.getcwd()))},
        invocations=[om.Invocation(
            execution_successful=not errors,
            tool_execution_notifications=notifications or None,
        )],
    )
    log = om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run])
    return json.dumps(_serialise(log), indent=2, ensure_ascii=False) + "\n"


def _fix(om, f: Finding, where, text: str | None):
    """A SARIF fix for the finding's concrete edits, or for its whole-file rewrite."""
    if f.fix is None:
        return None
    if f.fix.edits:
        replacements = [
            om.Replacement(
                deleted_region=om.Region(start_line=e.span.line, start_column=e.span.column,
                                         end_line=e.span.end_line, end_column=e.span.end_column),
                inserted_content=om.ArtifactContent(text=e.text),
            )
            for e in f.fix.edits
        ]
    elif f.fix.rewrite is not None and text is not None:
        replacements = [om.Replacement(
            deleted_region=om.Region(char_offset=0, char_length=len(text)),
            inserted_content=om.ArtifactContent(text=f.fix.rewrite),
        )]
    else:
        return None
    return om.Fix(
        description=om.Message(text=f.fix.title),
        artifact_changes=[om.ArtifactChange(artifact_location=where, replacements=replacements)],
        properties={"safety": f.fix.safety},
    )
