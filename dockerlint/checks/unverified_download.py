"""DKL503 unverified-download: a download runs without being checked, or ADD fetches a URL without --checksum."""

from __future__ import annotations

import re

from ..findings import Hit
from ..lazyre import LazyRe

_GIT_URL = LazyRe(r"^(?:git@[^:]+:|git://|ssh://|https?://[^#]+\.git(?:[#?]|$))")
_COMMIT = LazyRe(r"#[0-9a-fA-F]{40}(?::|$)")
# A file of a GitHub repository at a full commit id: GitHub serves that commit's blob, which
# cannot change (raw.githubusercontent.com/OWNER/REPO/<sha>/path, github.com/OWNER/REPO/raw/<sha>/path
# or /blob/<sha>/path?raw=…).  A branch or tag name in the same place can move.
_PINNED_RAW = LazyRe(r"^https://(?:raw\.githubusercontent\.com/[^/]+/[^/]+|github\.com/[^/]+/[^/]+/(?:raw|blob))"
                         r"/[0-9a-fA-F]{40}/[^?#]")


def pinned_url(url: str | None) -> bool:
    """Whether a download URL names content that cannot change (a GitHub file at a full commit id)."""
    return bool(url) and _PINNED_RAW.match(url) is not None


def _remote(src: str) -> str | None:
    """'http' or 'git' when an ADD source is remote, else None."""
    if _GIT_URL.match(src):
        return "git"
    if src.startswith(("http://", "https://")):
        return "http"
    return None


_MAX_URL = 8192

_VERIFIERS = frozenset({"sha1sum", "sha224sum", "sha256sum", "sha384sum", "sha512sum", "md5sum", "b2sum", "shasum",
                        "gpgv", "cosign", "minisign", "signify"})


def _checked_names(stage) -> dict[str, int]:
    """Words of the stage's RUNs that run a checksum or signature tool (`sha256sum -c`, `gpg
    --verify`, `cosign verify-blob`, …) -> the position of the last such RUN in the stage."""

    out: dict[str, int] = {}
    runs = {id(r.instruction): r for r in stage.runs}
    for k, ins in enumerate(stage.instructions):
        if ins.keyword != "RUN":
            continue
        run = runs.get(id(ins))
        if run is None or run.script is None:
            continue
        if not any(c.name in _VERIFIERS or c.name in ("gpg", "gpg2") and "--verify" in c.argv
                   for c in run.commands):
            continue
        for word in re.split(r"[\s\"'/=;&|()]+", run.script[0]):
            if word:
                out[word] = k
    return out


def _verified_later(checked: dict[str, int], position: int, ins, src: str) -> bool:
    """A later RUN of the stage checks the file this ADD fetched: it runs a checksum or signature
    tool and names the file (by the URL's last part or the destination's)."""
    dest = ins.args[-1].text
    url_name = src.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    names = {n for n in (url_name, dest.rstrip("/").rsplit("/", 1)[-1]) if n and "$" not in n and len(n) > 2}
    return any(checked.get(n, -1) > position for n in names)


def _add_hits(stage, model):
    from ..expand import expand

    if not any(ins.keyword == "ADD" for ins in stage.instructions):
        return
    env: dict[str, str] = {}  # the known values in scope: enough to see `ADD $URL /x` with ARG URL=https://…
    checked = None
    for position, ins in enumerate(stage.instructions):
        if ins.keyword in ("ARG", "ENV"):
            for name, val in ins.pairs:
                if val is not None:
                    # values past URL length are dropped: `ENV P=$P:/x` chains would otherwise
                    # grow with every line, quadratic in the file
                    v = expand(val.text, env, model.escape)[0]
                    env[name.text] = v if len(v) <= _MAX_URL else ""
                elif ins.keyword == "ARG" and model.global_args.get(name.text) is not None:
                    env.setdefault(name.text, model.global_args[name.text])
            continue
        if ins.keyword != "ADD" or ins.flag("checksum") is not None or len(ins.args) < 2:
            continue
        for word in ins.args[:-1]:
            src = expand(word.text, env, model.escape)[0]
            kind = _remote(src)
            if kind is None:
                continue
            if checked is None:
                checked = _checked_names(stage)
            if _verified_later(checked, position, ins, src):
                continue
            shown = f"`ADD {word.text}`" + (f" ({src})" if src != word.text else "")
            if kind == "git":
                if _COMMIT.search(src):
                    continue  # pinned to a commit: the content cannot change
                yield Hit(word.span,
                          f"{shown} fetches a Git ref that can move, and nothing checks which commit it gets",
                          None,
                          "pin the commit: `ADD --checksum=<commit sha> …` (Dockerfile syntax 1.17 or later: "
                          "`# syntax=docker/dockerfile:1.17`), or name the commit in the URL "
                          "(`…repo.git#<40-hex sha>`)")
            elif not pinned_url(src):
                yield Hit(word.span,
                          f"{shown} downloads a file without `--checksum`: the build takes whatever the server "
                          "sends",
                          None,
                          "add `--checksum=sha256:<digest>` (Dockerfile syntax 1.6 or later: "
                          "`# syntax=docker/dockerfile:1.6`); get the digest with "
                          "`curl -fsSL <url> | sha256sum`")


def check(model):
    from ..downloads import run_downloads

    for stage in model.stages:
        img = stage.root_image
        windows = img is not None and img.is_windows
        yield from _add_hits(stage, model)
        if windows:
            continue
        for run in stage.runs:
            if run.shell_kind != "posix":
                continue
            for d in run_downloads(run):
                if pinned_url(d.url):
                    continue  # a file at a commit id: what runs is what the commit holds
                target = d.url or "the download"
                interp = d.interpreter.name
                how = {"pipe": f"is piped into `{interp}`",
                       "substitution": f"is run by `{interp} -c \"$(…)\"`",
                       "process-substitution": f"is run by `{interp} <(…)`"}[d.how]
                msg = (f"`{d.download.name}` fetches {target} and it {how}: whatever the server sends runs, and "
                       "nothing later in the build can check what already ran")
                yield Hit(d.download.span, msg, None,
                          "download to a file, check it (`echo \"<sha256>  file\" | sha256sum -c -`, or "
                          "`gpg --verify` against a pinned key), then run it; or install a package instead",
                          (d.interpreter.span,))
