import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed"


def corpus_files():
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCES.tsv")


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
needs_seed = pytest.mark.skipif(not SEED.is_dir(), reason="../shared/seed is absent")


@pytest.fixture(scope="session")
def fresh_clone(tmp_path_factory):
    """A `git clone` of this repository: what is committed at HEAD, as a new user gets it."""
    import shutil
    import subprocess

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and this repository as a git checkout")
    dest = tmp_path_factory.mktemp("fresh") / "dockerlint"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True, capture_output=True)
    return dest
