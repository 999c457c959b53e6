"""DKL201 apt-lists-not-cleaned: apt's package lists left in a shipped layer."""

from __future__ import annotations

from ..edits import append_command
from ..findings import Fix, Hit

CLEANUP = "rm -rf /var/lib/apt/lists/*"
LISTS = "/var/lib/apt/lists"


def _removes_lists(argv: tuple[str, ...]) -> bool:
    if not argv:
        return False
    name = argv[0].rsplit("/", 1)[-1]
    if name == "rm":
        return any(a.rstrip("/*") in (LISTS, "/var/lib/apt") or a.startswith(LISTS + "/") or a.startswith(LISTS + "*")
                   for a in argv[1:] if not a.startswith("-"))
    if name in ("apt-get", "apt") and "dist-clean" in argv[1:]:
        return True
    if name == "find" and len(argv) > 1 and argv[1].rstrip("/") == LISTS and "-delete" in argv:
        return True
    return False


def check(model):
    for stage in model.shipped:
        for run in stage.runs:
            if run.is_cached(LISTS):
                continue
            ops = [op for op in run.package_ops if op.manager == "apt" and op.action in ("update", "install", "upgrade")
                   and not (op.action == "install" and op.packages and all(p.endswith(".deb") or "/" in p for p in op.packages))]
            if not ops:
                continue
            last = max(op.command_index for op in ops)
            cmds = run.commands
            if any(c.index > last and _removes_lists(c.argv) for c in cmds):
                continue
            first = ops[0]
            cmd = next(c for c in cmds if c.index == first.command_index)
            what = f"{first.tool} {first.action}" if first.action != "upgrade" else f"{first.tool} upgrade"
            edit = append_command(run, CLEANUP)
            fix = Fix(f"Append `{CLEANUP}` to this RUN", "safe", (edit,)) if edit else None
            yield Hit(
                cmd.span,
                f"`{what}` leaves apt's package lists in /var/lib/apt/lists in this layer "
                f"(tens of MB); remove them at the end of the same RUN",
                fix,
                None if fix else f"end this RUN with `{CLEANUP}` or use a cache mount "
                "(`--mount=type=cache,target=/var/lib/apt/lists`)",
            )
