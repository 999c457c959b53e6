#!/usr/bin/env python3
"""Make rules/knowledge/cache_sizes.toml: what pip's, uv's, npm's, Yarn 1's and pnpm's caches keep
for common packages, measured on this machine.

How the committed table was made
    On 2026-11-30 (UTC), on Debian 12 with CPython 3.11.7 (linux x86_64), from the repository
    root:

        python tools/cache_sizes.py measure --work /tmp/m pip pip setuptools wheel requests flask ...
        python tools/cache_sizes.py measure --work /tmp/m npm express nodemon pm2 typescript ...
        python tools/cache_sizes.py write /tmp/m/results2.jsonl

    `measure` needs pip and uv in <work>/tools (a venv: `python -m venv <work>/tools &&
    <work>/tools/bin/pip install pip uv`) and yarn@1 and pnpm@9 in <work>/ntools
    (`npm install --prefix <work>/ntools yarn@1 pnpm@9`); the versions used are in the table's meta.

What each figure is (MB = 10^6 bytes of files on disk, as `du -sb` counts them)
    pip   What pip's HTTP cache keeps after `pip install NAME`: the wheels it downloads for NAME and
          its dependencies (`pip download NAME`, then `du -sb` of the files) plus the index pages
          it fetches for each of them (PyPI's JSON simple API, `curl -H 'Accept:
          application/vnd.pypi.simple.v1+json'`). This is rebuilt from the downloads because the
          package mirror this machine reaches sends no caching headers, so pip here caches nothing;
          from pypi.org both the files and the index pages are cacheable and are kept.
    uv    `uv pip install NAME` into a fresh venv with a fresh --cache-dir: `du -sb venv cache` minus
          `du -sb venv`, i.e. the cache's files that are not hard links of the installed ones (what
          the layer really loses).
    npm / yarn
          `npm install NAME` / `yarn add NAME` in an empty project with a fresh --cache /
          --cache-folder: `du -sb` of the cache. A Yarn figure more than five times node_modules is
          left out as not understood (typescript: 748 MB).
    pnpm  `pnpm add NAME` with a fresh --store-dir: `du -sb node_modules store` minus `du -sb
          node_modules` (the store's files that are not hard links of node_modules').
    deps  the distributions (pip) or node_modules entries (npm) the install brought, so that a RUN
          naming a package and one of its dependencies counts the dependency once.

Figures are for the releases current on the date above; a RUN that pins another version exactly
gets no figure (dockerlint/caches.py measured_mb).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys


def du(*paths: str) -> int:
    p = subprocess.run(["du", "-sbc", *paths], capture_output=True, text=True)
    return int(p.stdout.strip().splitlines()[-1].split()[0]) if p.stdout else 0


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = "/dev/null"  # no local find-links or mirrors: what a build would fetch
    return env


def index_bytes(name: str) -> int:
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{size_download}", "-H",
                        "Accept: application/vnd.pypi.simple.v1+json", f"https://pypi.org/simple/{name}/"],
                       capture_output=True, text=True)
    return int(p.stdout or 0)


def pip_pkg(work: str, pkg: str) -> dict:
    d = f"{work}/dl"
    shutil.rmtree(d, ignore_errors=True)
    p = subprocess.run([f"{work}/tools/bin/pip", "--isolated", "download", "-q", "--no-cache-dir", "-d", d, pkg],
                       env=_env(), capture_output=True, text=True)
    if p.returncode:
        return {"manager": "pip", "package": pkg, "error": p.stderr[-300:]}
    files = sorted(os.listdir(d))
    dists = sorted({re.split(r"-\d", f, 1)[0].lower().replace("_", "-") for f in files})
    out = {"manager": "pip", "package": pkg, "dists": dists, "files": files, "wheel_bytes": du(d),
           "index_bytes": sum(index_bytes(n) for n in dists)}
    uc, venv = f"{work}/uc", f"{work}/uv_v"
    shutil.rmtree(uc, ignore_errors=True)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([f"{work}/tools/bin/uv", "venv", "-q", venv], capture_output=True)
    q = subprocess.run([f"{work}/tools/bin/uv", "pip", "install", "-q", "--cache-dir", uc, "--python",
                        f"{venv}/bin/python", pkg], capture_output=True, text=True, env={**_env(), "UV_NO_CONFIG": "1"})
    if q.returncode == 0:
        v = du(venv)
        out.update(uv_cache_bytes=du(uc), uv_venv_bytes=v, uv_unlinked_bytes=du(venv, uc) - v)
    return out


def npm_pkg(work: str, pkg: str) -> dict:
    res = {"manager": "npm", "package": pkg}
    for tool in ("npm", "yarn", "pnpm"):
        proj, cache = f"{work}/p-{tool}", f"{work}/c-{tool}"
        shutil.rmtree(proj, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        os.makedirs(proj)
        with open(f"{proj}/package.json", "w") as fh:
            fh.write("{}")
        cmd = {"npm": ["npm", "install", "-s", "--no-audit", "--no-fund", "--cache", cache, pkg],
               "yarn": [f"{work}/ntools/node_modules/.bin/yarn", "add", "-s", "--cache-folder", cache, pkg],
               "pnpm": [f"{work}/ntools/node_modules/.bin/pnpm", "add", "--store-dir", cache, pkg]}[tool]
        p = subprocess.run(cmd, cwd=proj, capture_output=True, text=True)
        if p.returncode:
            res[f"{tool}_error"] = (p.stderr or p.stdout)[-200:]
            continue
        nm = du(f"{proj}/node_modules")
        res[f"{tool}_cache_bytes"] = du(cache)
        res[f"{tool}_node_modules_bytes"] = nm
        res[f"{tool}_unlinked_bytes"] = du(f"{proj}/node_modules", cache) - nm
        if tool == "npm":
            res["dists"] = sorted(x for x in os.listdir(f"{proj}/node_modules") if not x.startswith("."))
    return res


def measure(work: str, which: str, packages: list[str]) -> None:
    with open(f"{work}/results2.jsonl", "a") as out:
        for pkg in packages:
            r = pip_pkg(work, pkg) if which == "pip" else npm_pkg(work, pkg)
            r["measured"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            out.write(json.dumps(r) + "\n")
            out.flush()


def _mb(n: int) -> float:
    return round(n / 1e6, 1)


def _toml_str(s: str) -> str:
    return json.dumps(s)


def write(results: str, meta: dict, dest: str) -> None:
    rows = [json.loads(line) for line in open(results, encoding="utf-8") if line.strip()]
    tables: dict[str, dict] = {"pip": {}, "uv": {}, "npm": {}, "yarn": {}, "pnpm": {}}
    for r in rows:
        name = r["package"].lower()
        if r["manager"] == "pip" and "wheel_bytes" in r:
            deps = [d for d in r["dists"] if d != name]
            tables["pip"][name] = {"mb": _mb(r["wheel_bytes"] + r["index_bytes"]), "deps": deps,
                                   "measured": r["measured"]}
            if "uv_unlinked_bytes" in r:
                tables["uv"][name] = {"mb": _mb(r["uv_unlinked_bytes"]), "cache_mb": _mb(r["uv_cache_bytes"]),
                                      "deps": deps, "measured": r["measured"]}
        elif r["manager"] == "npm":
            deps = [d for d in r.get("dists", []) if d != name]
            if "npm_cache_bytes" in r:
                tables["npm"][name] = {"mb": _mb(r["npm_cache_bytes"]), "deps": deps, "measured": r["measured"]}
            if "yarn_cache_bytes" in r and r["yarn_cache_bytes"] <= 5 * r["yarn_node_modules_bytes"]:
                tables["yarn"][name] = {"mb": _mb(r["yarn_cache_bytes"]), "deps": deps, "measured": r["measured"]}
            if "pnpm_unlinked_bytes" in r:
                tables["pnpm"][name] = {"mb": _mb(r["pnpm_unlinked_bytes"]), "cache_mb": _mb(r["pnpm_cache_bytes"]),
                                        "deps": deps, "measured": r["measured"]}
    lines = ["# Generated by tools/cache_sizes.py (its docstring says how each figure is measured); do not edit.",
             "# MB = 10^6 bytes on disk. Read by dockerlint/caches.py measured_mb.", "", "[meta]"]
    for k, v in meta.items():
        lines.append(f"{k} = {_toml_str(v)}")
    for manager, table in tables.items():
        for name in sorted(table):
            row = table[name]
            lines.append("")
            lines.append(f"[{manager}.{_toml_str(name)}]")
            for k, v in row.items():
                lines.append(f"{k} = {json.dumps(v)}")
    with open(dest, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def main(argv: list[str]) -> int:
    if argv[:1] == ["measure"]:
        work = argv[argv.index("--work") + 1] if "--work" in argv else "/tmp/m"
        rest = [a for i, a in enumerate(argv[1:], 1) if a != "--work" and argv[i - 1] != "--work"]
        measure(work, rest[0], rest[1:])
        return 0
    if argv[:1] == ["write"]:
        work = os.path.dirname(argv[1])
        versions = open(os.path.join(work, "versions2.txt")).read().split()
        v = dict(zip(versions[0::2], versions[1::2]))
        meta = {"measured": "2026-11-30", "platform": "linux x86_64, CPython 3.11.7",
                "pip": v.get("pip", ""), "uv": v.get("uv", ""), "node": v.get("node", ""), "npm": v.get("npm", ""),
                "yarn": v.get("yarn", ""), "pnpm": v.get("pnpm", ""),
                "how": "tools/cache_sizes.py (docstring): pip = downloaded wheels + index pages; uv and pnpm = "
                       "cache files that are not hard links of the install; npm and yarn = du of the cache"}
        write(argv[1], meta, "rules/knowledge/cache_sizes.toml")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
