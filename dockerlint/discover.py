"""Which files to lint: explicit paths as given, directories searched for Dockerfiles."""

from __future__ import annotations

import fnmatch
import os

# Patterns are matched case-sensitively except the bare names, which people spell both ways.
PATTERNS = ("Dockerfile", "Dockerfile.*", "Dockerfile-*", "*.Dockerfile", "*.dockerfile",
            "Containerfile", "Containerfile.*", "Containerfile-*", "dockerfile")
SKIP_DIRS = frozenset({".git", "node_modules", ".hg", ".svn", ".venv", "__pycache__", ".tox"})


def is_dockerfile_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in PATTERNS)


def find_dockerfiles(root: str) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for f in sorted(filenames):
            if is_dockerfile_name(f):
                out.append(os.path.join(dirpath, f))
    return out
