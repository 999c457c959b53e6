"""Which ARG/ENV names hold a secret, and which values are one (DKL502's facts).

The word lists and why each is there live in rules/knowledge/security.toml
([secret_names], [secret_values]); this module only splits names into words and applies
them.
"""

from __future__ import annotations

import functools
import re

from .lazyre import LazyRe

_HUMPS = LazyRe(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = LazyRe(r"[_\-.]+")


@functools.cache
def _facts() -> dict:
    from .knowledge import load_table

    t = load_table("security")
    n = t["secret_names"]
    return {
        "words": frozenset(n["words"]), "suffixes": tuple(n["suffixes"]), "key_words": frozenset(n["key_words"]),
        "not_words": frozenset(n["not_words"]), "not_if": frozenset(n["not_if"]),
        "public_key": frozenset(n["public_key"]), "secret_refs": frozenset(n["secret_refs"]),
        "secret_backends": frozenset(n["secret_backends"]),
        "placeholders": frozenset(t["secret_values"]["placeholders"]),
    }


def words(name: str) -> list[str]:
    """`GITHUB_TOKEN` -> ["github", "token"]; `adminPassword` -> ["admin", "password"]."""
    name = name.strip("\"'")
    return [w.lower() for part in _SPLIT.split(name) for w in _HUMPS.split(part) if w]


def is_secret_name(name: str) -> bool:
    """Whether an ARG/ENV name says its value is a secret (password, token, API key, …).

    Not: names about a secret (`*_FILE`, `*_PATH`, `*_URL`, `*_USER`, `*_VERSION`), public
    key material and IDs (`GPG_KEY`, `*_KEY_ID`, `*_PUBLIC_KEY`), switches and sizes
    (`ALLOW_EMPTY_PASSWORD`), and the bare working-directory variable `PWD`.
    """
    f = _facts()
    ws = words(name)
    if not ws or len(ws) == 1 and ws[0] in ("pwd", "pass", "key"):
        return False
    if len(ws) >= 2 and ws[-1] == "secret" and ws[-2] in f["secret_refs"]:
        return False  # FTPUSER_PASSWORD_SECRET, KUBERNETES_SECRET: the name of a secret kept elsewhere
    if any(w in f["not_if"] for w in ws):
        return False
    for i, w in enumerate(ws):
        if w == "key" and (i > 0 and ws[i - 1] in f["public_key"] or ws[i + 1:i + 2] in (["id"], ["ids"])):
            return False
    for i, w in enumerate(ws):
        if w in f["not_words"]:
            continue
        if w == "secret" and ws[i + 1:i + 2] and ws[i + 1] in f["secret_backends"]:
            continue  # GLUU_SECRET_VAULT_*, PHP_SECRET_RDS: settings of a secret store
        if w in f["words"]:
            return True
        if any(w.endswith(s) and len(w) > len(s) for s in f["suffixes"]):
            return True
        if w == "key" and (i > 0 and ws[i - 1] in f["key_words"] or i + 1 < len(ws) and ws[i + 1] in f["key_words"]):
            return True
        if w.endswith("key") and w[:-3] in f["key_words"]:  # APIKEY, SSKEY, SECRETKEY
            return True
    return False


def literal_secret(value: str, name: str = "") -> bool:
    """Whether an ARG/ENV value (as written, quotes and all) is a literal that can be a secret:
    not empty, not a placeholder (`none`, `**None**`, `<token>`, `XXXXXXXX`, `0000…`, the
    variable's own name), not a path, not only `$VAR`s."""
    v = value.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        v = v[1:-1].strip()
    if not v or v.lower() in _facts()["placeholders"]:
        return False
    if v.startswith("**") and v.endswith("**"):
        return False  # **None**, **Random**, **ChangeMe**: the entrypoint's "not set" markers
    if len(set(v.replace("-", ""))) == 1:
        return False  # XXXXXXXX, 00000000-0000-…
    if name and re.sub(r"[-_]", "", v).lower() == re.sub(r"[-_]", "", name).lower():
        return False  # BRAINTREE_CLIENT_TOKEN=BRAINTREE-CLIENT-TOKEN
    if v.startswith(("/", "./", "~/", "$HOME/", "${HOME}/")):
        return False
    if re.fullmatch(r"(\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*)+", v):
        return False
    if v.startswith("<") and v.endswith(">"):
        return False  # <your-token>
    return True
