"""Reading a command's arguments the way its program does: options, the values some options
take as the next word, and operands.

One walk serves apt's subcommand, `go build`'s packages, `useradd`'s user name and the like;
each caller gives the options of its program that take a value (from the program's manual).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence


def operand_indexes(argv: Sequence[str], value_opts: Collection[str], start: int = 1) -> Iterator[int]:
    """Indexes in ``argv`` of the operands from ``start`` on: words that are not options and not
    the value of an option in ``value_opts`` (`-o out`); `--opt=value` and bundled flags are one word."""
    i = start
    n = len(argv)
    while i < n:
        w = argv[i]
        if w in value_opts:
            i += 2
            continue
        if not w.startswith("-"):
            yield i
        i += 1


def operands(argv: Sequence[str], value_opts: Collection[str], start: int = 1) -> list[str]:
    """The operands of ``argv`` (see operand_indexes), in order."""
    return [argv[i] for i in operand_indexes(argv, value_opts, start)]


def first_operand_index(argv: Sequence[str], value_opts: Collection[str], start: int = 1) -> int | None:
    """Index of the first operand (a subcommand such as apt's `install`), or None."""
    return next(operand_indexes(argv, value_opts, start), None)
