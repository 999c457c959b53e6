"""Regenerate rules/knowledge/image_history.json from docker-library/official-images.

    python tools/image_history.py /path/to/official-images > rules/knowledge/image_history.json

For each official image named below it walks the git history of ``library/<name>`` and
records, for every plain version tag (``1.22``, ``3.11.4``) and every ``<version>-alpine`` tag,
the distribution release the tag last pointed at (from the entry's Directory or its sibling
tags: ``1.22/bookworm``, ``3.11.4-bookworm``), and for maven and gradle the JDK major version.
It also records what ``latest`` and the other named tags (lts, current, ...) mean at HEAD.
Only the standard library is used; the output is deterministic for a given checkout.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

NAMES = [
    "buildpack-deps", "docker", "drupal", "eclipse-temurin", "elixir", "erlang", "gcc", "ghost", "golang",
    "gradle", "haproxy", "haskell", "httpd", "mariadb", "maven", "memcached", "mongo", "nextcloud", "nginx",
    "node", "openjdk", "perl", "php", "postgres", "pypy", "python", "rabbitmq", "redis", "ruby", "rust", "tomcat",
    "wordpress",
]
JDK_NAMES = {"maven", "gradle"}
NAMED_TAGS = ("latest", "lts", "current", "stable", "mainline")

DEBIAN = ("hamm slink potato woody sarge etch lenny squeeze wheezy jessie stretch buster bullseye bookworm trixie "
          "forky duke sid").split()
UBUNTU = ("precise trusty utopic vivid wily xenial yakkety zesty artful bionic cosmic disco eoan focal groovy "
          "hirsute impish jammy kinetic lunar mantic noble oracular plucky questing resolute").split()
RELEASES = set(DEBIAN) | set(UBUNTU)
VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)$")
JDK = re.compile(r"(?:^|[-/_])(?:jdk|openjdk|eclipse-temurin|temurin|amazoncorretto|corretto|sapmachine|ibmjava|"
                 r"ibm-semeru|adoptopenjdk|graalvm-community|graalvm-ce|oracle-graalvm|libericaopenjdk|azulzulu|"
                 r"microsoft-openjdk)-?(\d+)(?=$|[-/_])")


def release_of(tokens) -> str | None:
    for t in tokens:
        if t in RELEASES:
            return t
        m = re.fullmatch(r"alpine(\d+\.\d+)", t)
        if m:
            return "alpine" + m.group(1)
    return None


def entries(text: str) -> list[dict[str, str]]:
    out, cur = [], {}
    for line in text.splitlines() + [""]:
        if not line.strip():
            if cur:
                out.append(cur)
            cur = {}
        elif ":" in line and not line[0].isspace():
            k, v = line.split(":", 1)
            cur[k.strip()] = v.strip()
    return out


def tags_of(entry: dict[str, str]) -> list[str]:
    return [t.strip() for t in (entry.get("Tags", "") + "," + entry.get("SharedTags", "")).split(",") if t.strip()]


def linux(entry: dict[str, str]) -> bool:
    arches = [a.strip() for a in entry.get("Architectures", "amd64").split(",")]
    return not all(a.startswith("windows") for a in arches)


def mine(repo: str, name: str) -> tuple[dict[str, tuple[str | None, str | None]], list[dict[str, str]]]:
    """tag -> (release, jdk) at the tag's last appearance; and the entries at HEAD."""
    log = subprocess.run(["git", "-C", repo, "log", "--reverse", "--format=%H", "--", f"library/{name}"],
                         capture_output=True, text=True, check=True).stdout.split()
    cat = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    seen: dict[str, tuple[str | None, str | None]] = {}
    body = ""
    for sha in log:
        cat.stdin.write(f"{sha}:library/{name}\n".encode())
        cat.stdin.flush()
        header = cat.stdout.readline().decode()
        if header.endswith("missing\n"):
            continue
        body = cat.stdout.read(int(header.split()[2])).decode(errors="replace")
        cat.stdout.read(1)
        if "Tags:" not in body:  # the 2014-2016 format: "<tag>: <git url>@<commit> <directory>"
            for line in body.splitlines():
                m = re.match(r"^([\w.-]+):\s*\S+@\S+\s*(\S*)", line)
                if m:
                    tag, directory = m.group(1), m.group(2)
                    tokens = re.split(r"[/_-]", directory.lower()) + tag.lower().split("-")
                    jdk = JDK.search(directory.lower()) or JDK.search(tag.lower())
                    seen[tag] = (release_of(tokens), jdk.group(1) if jdk else None)
            continue
        for e in entries(body):
            if not linux(e):
                continue
            tags = tags_of(e)
            directory = e.get("Directory", "").lower()
            sibling = sorted({tok for t in tags for tok in t.lower().split("-")})
            rel = release_of(re.split(r"[/_-]", directory)) or release_of(sibling)
            for t in tags:
                jdk = JDK.search(directory) or JDK.search(t.lower())
                seen[t] = (rel, jdk.group(1) if jdk else None)
    cat.stdin.close()
    cat.wait()
    return seen, [e for e in entries(body) if linux(e)]


def vkey(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def series(values: dict[str, str | None]) -> dict[str, list[str]]:
    """{"3.11": ["3.11 trixie", "3.11.0 bullseye", "3.11.4 bookworm", ...]}: the series tag's own value
    first, then the patch versions at which the value changes."""
    groups: dict[str, dict[str, str]] = {}
    for v, val in values.items():
        if val is None:
            continue
        k = vkey(v)
        key = ".".join(map(str, k[:2]))
        groups.setdefault(key, {})[v] = val
    out = {}
    for key in sorted(groups, key=vkey):
        vals = groups[key]
        items = [f"{key} {vals.get(key, '?')}"]
        prev = None
        for v in sorted((v for v in vals if v != key), key=vkey):
            if vals[v] != prev:
                items.append(f"{v} {vals[v]}")
                prev = vals[v]
        out[key] = items
    return out


def main(repo: str) -> None:
    head = subprocess.run(["git", "-C", repo, "log", "-1", "--format=%H %cs"], capture_output=True, text=True,
                          check=True).stdout.split()
    out: dict[str, object] = {
        "_source": f"https://github.com/docker-library/official-images library/<name>, git history to {head[0]} "
                   f"({head[1]}); generated by tools/image_history.py",
        "_format": "release/release_alpine/jdk: {series: [\"<series> <value at the series tag>\", "
                   "\"<patch> <value from this patch on>\", ...]}; named: {tag: [version tags sharing its entry "
                   "at HEAD]}",
    }
    for name in NAMES:
        seen, head_entries = mine(repo, name)
        default: dict[str, str | None] = {}
        alpine: dict[str, str | None] = {}
        jdk: dict[str, str | None] = {}
        for tag, (rel, j) in seen.items():
            m = VERSION.match(tag)
            if m:
                default[m.group(1)] = rel
                jdk[m.group(1)] = j
            elif tag.endswith("-alpine") and VERSION.match(tag[:-7]):
                alpine[VERSION.match(tag[:-7]).group(1)] = rel
        record: dict[str, object] = {}
        if any(default.values()):
            record["release"] = series(default)
        a = {v: r for v, r in alpine.items() if r and r.startswith("alpine")}
        if a:
            record["release_alpine"] = series(a)
        if name in JDK_NAMES:
            record["jdk"] = series(jdk)
        named = {}
        for e in head_entries:
            tags = tags_of(e)
            for n in NAMED_TAGS:
                if n in tags:
                    named[n] = [t.lstrip("v") for t in tags if VERSION.match(t)]
        record["named"] = named
        out[name] = record
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: image_history.py OFFICIAL_IMAGES_CHECKOUT")
    main(sys.argv[1])
