"""The registry: every rule's code and the module holding its check.

An explicit table, like ruff's codes.rs: adding a rule means adding a row here,
a module beside this file, and its document in rules/.  DKL001 and DKL002 have no
module: the syntax layer and the suppression pass (suppress.py) produce them.
"""

from __future__ import annotations

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
    "DKL203": "apk_cache_kept",
    "DKL204": "dnf_cache_kept",
    "DKL205": "zypper_cache_kept",
    "DKL206": "pip_cache_kept",
    "DKL207": "npm_cache_kept",
    "DKL208": "conda_cache_kept",
    "DKL301": "copy_from_unknown_stage",
    "DKL401": "exec_form_not_json",
    "DKL402": "shell_form_without_shell",
    "DKL403": "entrypoint_shell_form",
    "DKL404": "undefined_variable",
    "DKL405": "pipe_hides_failure",
    "DKL501": "runs_as_root",
    "DKL502": "secret_in_image",
    "DKL503": "unverified_download",
}


# The cache rules: code -> the package managers whose caches the rule reports.  Each reports only
# RUNs that caches.left_in_shipped gives for its managers (its check reads them from here), so
# where that gives none the rule's module is not even imported: most files leave no apk, dnf,
# zypper, pip, npm or conda cache, and the six modules were 1.5 ms of a one-file run (issue 12).
CACHE_MANAGERS: dict[str, frozenset[str]] = {
    "DKL203": frozenset({"apk"}),
    "DKL204": frozenset({"dnf"}),
    "DKL205": frozenset({"zypper"}),
    "DKL206": frozenset({"pip", "uv", "poetry", "pipenv"}),
    "DKL207": frozenset({"npm", "yarn", "pnpm"}),
    "DKL208": frozenset({"conda"}),
}

_MODULES: dict[str, object] = {}  # code -> its module, imported once: engine asks per rule per file


def check_function(code: str, model=None):
    """The check of rule `code` (a function: model -> iterable of findings.Hit), or None when the
    rule has no module (DKL001, DKL002: the syntax layer and suppress.py make them) or, given the
    file's `model`, cannot report anything on it (a cache rule whose managers leave no cache in
    a shipped RUN: see CACHE_MANAGERS); its module is imported on the first call that needs it."""
    managers = CACHE_MANAGERS.get(code)
    if managers is not None and model is not None:
        from ..caches import left_in_shipped

        if not left_in_shipped(model, managers):
            return None
    mod = _MODULES.get(code)
    if mod is None:
        name = REGISTRY.get(code)
        if name is None:
            return None
        # __import__ with a fromlist gives the submodule itself, as importlib.import_module would;
        # importing the importlib package (and its warnings) cost 0.5 ms of a one-file run
        mod = _MODULES[code] = __import__(f"{__name__}.{name}", fromlist=("check",))
    return mod.check  # looked up each time: a test replaces a rule's check
