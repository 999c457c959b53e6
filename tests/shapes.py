"""Dockerfile shapes that stress one dimension each (issue 12): many stages, one stage of many
RUNs, many ENV lines, ENV and RUN alternating, one long heredoc, one long continuation chain,
and one stage of many RUNs that all differ (shell.parse_shell reuses the parse of a repeated
script, so "runs" alone would hide what a RUN of its own costs).

``shape(name, size)`` returns the text of that shape, about ``size`` bytes long (never less, at
most one block more).  Used by tests/test_robustness.py (linear time, at small sizes) and
bench/shapes.py (time and memory at 1 MB and 10 MB).
"""

from __future__ import annotations

# (head, block, tail): the file is head + block * n + tail ({i} in a block: its number)
SHAPES: dict[str, tuple[str, str, str]] = {
    "stages": ("", "FROM debian:bookworm AS s\nRUN apt-get update && apt-get install -y gcc\n", ""),
    "runs": ("FROM debian:bookworm\n", "RUN apt-get update && apt-get install -y gcc libpq-dev curl\n", ""),
    "env": ("FROM debian:bookworm\n", "ENV VARIABLE_NAME_X=some_value_here_abc\n", ""),
    "envrun": ("FROM debian:bookworm\n", "ENV A=1\nRUN echo $A && apt-get install -y gcc\n", ""),
    "heredoc": ("FROM debian\nRUN <<EOF\n", "apt-get install -y gcc && echo hello world\n", "EOF\n"),
    "cont": ("FROM debian\nRUN apt-get install -y \\\n", "  gcc \\\n", "  make\n"),
    # {i}: the block's number, so that no two blocks are the same text
    "runs-distinct": ("FROM debian:bookworm\n",
                      "RUN apt-get update && apt-get install -y gcc libpq-dev curl && touch /{i}\n", ""),
}


def shape(name: str, size: int) -> str:
    """The `name` shape (a key of SHAPES) of about `size` bytes; KeyError for an unknown name."""
    head, block, tail = SHAPES[name]
    if "{i}" in block:
        parts, have, i = [head], len(head) + len(tail), 0
        while have < size or i == 0:
            parts.append(block.replace("{i}", str(i)))
            have += len(parts[-1])
            i += 1
        return "".join(parts) + tail
    n = max(1, -(-(size - len(head) - len(tail)) // len(block)))
    return head + block * n + tail
