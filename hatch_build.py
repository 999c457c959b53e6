"""Build hook: compile rules/ (knowledge tables, rule front matter) into dockerlint/_compiled/.

Runs for `pip install .` and `pip install -e .` (hatchling wheel and editable builds), so that a
start-up reads marshal data instead of parsing TOML (issue 12).  dockerlint/compiled.py falls back
to the sources when a compiled file is missing or older than rules/.  The files are generated
(and git-ignored), so each is declared an artifact for the wheel to include.
"""

import os
import sys

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileTablesHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        sys.path.insert(0, self.root)
        try:
            from dockerlint.compiled import build
        finally:
            sys.path.pop(0)
        out = os.path.join(self.root, "dockerlint", "_compiled")
        for path in build(out, os.path.join(self.root, "rules")):
            build_data["artifacts"].append(os.path.relpath(path, self.root).replace(os.sep, "/"))
