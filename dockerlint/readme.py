"""Keeps the README's rule tables and sample outputs in step: `python -m dockerlint.readme` rewrites them.

The tables sit between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers; a test
fails when the README differs from what this module generates.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import catalog


def rules_table() -> str:
    rows = ["| code | name | severity | fix | summary |", "|---|---|---|---|---|"]
    for d in catalog.catalog().values():
        rows.append(f"| [{d.code}](rules/{d.code}.md) | {d.name} | {d.severity} | {d.fix} | "
                    f"{d.summary.replace('|', chr(92) + '|')} |")
    return "\n".join(rows)


def hadolint_table() -> str:
    rows = ["| hadolint | dockerlint | `# hadolint ignore=` is honoured as |", "|---|---|---|"]
    for dl, docs in sorted(catalog.by_hadolint().items()):
        for d in docs:
            rows.append(f"| [{dl}](https://github.com/hadolint/hadolint/wiki/{dl}) | {d.code} {d.name} | "
                        f"`# dockerlint ignore={d.code}` |")
    return "\n".join(rows)


TABLES = {"rules-table": rules_table, "hadolint-table": hadolint_table}

#: README sample outputs: the ```text block right after a `<!-- sample: COMMAND -->` line holds
#: what COMMAND prints in the repository's root (colour off).
_SAMPLE = re.compile(r"(<!-- sample: (dockerlint [^>]*?) -->\n```text\n)(.*?)(```)", re.S)


def sample_output(command: str, root: Path) -> str:
    """What `command` (a dockerlint command line) prints on stdout when run in ``root``."""
    import os
    import subprocess

    r = subprocess.run([sys.executable, "-m", "dockerlint", *command.split()[1:]], cwd=root,
                       capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    return r.stdout


def regenerate_samples(text: str, root: Path) -> str:
    return _SAMPLE.sub(lambda m: m.group(1) + sample_output(m.group(2), root) + m.group(4), text)


def regenerate(text: str) -> str:
    for name, make in TABLES.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no <!-- {name}:start --> … <!-- {name}:end --> markers")
        text = pattern.sub(lambda m, t=make(): m.group(1) + t + "\n" + m.group(2), text)
    return text


def main() -> int:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    old = path.read_text("utf-8")
    new = regenerate_samples(regenerate(old), path.resolve().parent)
    if new != old:
        path.write_text(new, "utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
