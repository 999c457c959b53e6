"""The registry: every rule's code and the module holding its check.

An explicit table, like ruff's codes.rs: adding a rule means adding a row here,
a module beside this file, and its document in rules/.  DKL001 and DKL002 have no
module: the syntax layer and the suppression pass (suppress.py) produce them.
"""

from __future__ import annotations

import importlib

REGISTRY: dict[str, str | None] = {
    "DKL001": None,
    "DKL002": None,
    "DKL101": "single_stage_build",
    "DKL102": "build_only_package",
    "DKL103": "cgo_binary_without_libc",
    "DKL104": "removed_in_later_layer",
    "DKL105": "recursive_chown_copies_layer",
    "DKL201": "apt_lists_not_cleaned",
    "DKL202": "apt_recommends_installed",
}


def check_function(code: str):
    module = REGISTRY.get(code)
    if module is None:
        return None
    return importlib.import_module(f"{__name__}.{module}").check
