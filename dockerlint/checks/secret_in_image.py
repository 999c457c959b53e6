"""DKL502 secret-in-image: a secret-named ARG or ENV of the shipped image keeps its value in the image."""

from __future__ import annotations

from ..findings import Hit

MOUNT_HELP = ("pass it as a build secret instead: `RUN --mount=type=secret,id={id},env={name} …` (BuildKit; "
              "`env=` needs Dockerfile syntax 1.10, `# syntax=docker/dockerfile:1.10`; older ones read "
              "/run/secrets/{id}) and `docker build --secret id={id},env={name}`")
RUNTIME_HELP = "set it when the container starts (`docker run -e {name}=…`, an orchestrator secret) instead"


def _last_run(stage) -> int:
    """Position of the stage's last RUN among its instructions (-1: none)."""
    return max((k for k, i in enumerate(stage.instructions) if i.keyword == "RUN"), default=-1)


def _references(value: str) -> list[str]:
    from ..variables import references

    return [r.name for r in references(value)]


def check(model):
    from ..secrets import is_secret_name, literal_secret

    global_lines = {}
    for ins in model.parsed.instructions:
        if ins.keyword == "FROM":
            break
        if ins.keyword == "ARG":
            for name, val in ins.pairs:
                global_lines[name.text] = (ins.start_line, val.text if val is not None else None)
    for stage in model.shipped:
        args: set[str] = set()
        last_run = _last_run(stage)
        for position, ins in enumerate(stage.instructions):
            if ins.keyword not in ("ARG", "ENV"):
                continue
            for name, val in ins.pairs:
                key = name.text
                value_text = val.text if val is not None else None
                if key[:1] and key[0] in "\"'" and value_text is not None and value_text.endswith(key[0]):
                    # ENV "NAME=value": the quotes go around the whole pair
                    key, value_text = key[1:], value_text[:-1]
                if ins.keyword == "ARG":
                    args.add(key)
                if not is_secret_name(key):
                    continue
                id_ = key.lower()
                if ins.keyword == "ENV":
                    if value_text is None:
                        continue
                    if literal_secret(value_text, key):
                        yield Hit(name.span, f"ENV `{key}` writes a secret into the image's configuration: anyone "
                                             "who can pull the image reads it (`docker inspect`), in every container "
                                             "and every image built on it", None, RUNTIME_HELP.format(name=key))
                        continue
                    used = [n for n in _references(value_text) if n in args]
                    if used:
                        yield Hit(name.span, f"ENV `{key}` copies the build argument `{used[0]}` into the image's "
                                             "configuration: its value stays readable by anyone who can pull the "
                                             "image (`docker inspect`)", None, MOUNT_HELP.format(id=id_, name=key))
                    continue
                # ARG
                value = value_text
                where = ""
                if value is None and key in global_lines:
                    where_line, value = global_lines[key]
                    where = f" (the global default at line {where_line})"
                if value is not None and literal_secret(value, key):
                    yield Hit(name.span, f"ARG `{key}` has a literal secret as its default{where}: it is in the "
                                         "Dockerfile, and BuildKit records it in the history of every later RUN "
                                         "(`docker history`)", None, MOUNT_HELP.format(id=id_, name=key))
                elif last_run > position:
                    yield Hit(name.span, f"ARG `{key}` is in scope for the RUNs after it: BuildKit records its value "
                                         "(what `--build-arg` gave it) in their history, which ships with the image "
                                         "(`docker history`)", None, MOUNT_HELP.format(id=id_, name=key))
