"""Record base classes: what the `dataclasses` module gave our value types, without its cost.

Decorating a class with `@dataclass` writes and `exec`-compiles its `__init__`, `__repr__` and
`__eq__` when the module is imported, and importing `dataclasses` pulls in `inspect`, `ast` and
`tokenize`: together about 60 ms of a one-file run's start-up (issue 12).  Our record classes
instead spell out `_fields` and `__init__` in their own source (compiled once into the .pyc)
and take the rest from a base here:

- `Frozen`: immutable (assigning or deleting an attribute raises AttributeError, as a frozen
  dataclass's FrozenInstanceError does), identity equality and hash (`eq=False`), pickles by
  its constructor (the process pool returns findings across processes).  `__init__` sets
  fields with `setfield(self, name, value)` (`object.__setattr__`).
- `Value(Frozen)`: also equal when the classes are the same and the fields compare equal, and
  hashable over the fields (`frozen=True`); `_nocompare` names fields left out of both,
  `_nohash` fields left out of the hash only (dataclasses' `compare=False` / `hash=False`).
- `Mutable`: equal by fields and unhashable (a plain `@dataclass`).
- `Record`: the common base (a `__repr__` over `_fields`); alone it is `@dataclass(eq=False)`.

Frozen ones have `__slots__ = _fields`; mutable ones keep a `__dict__` (callers cache on it).
`replace` and `asdict` stand in for `dataclasses.replace` / `asdict` (shallow: fields only).
"""

from __future__ import annotations

from operator import attrgetter
from reprlib import recursive_repr  # loaded already: collections imports it

setfield = object.__setattr__


def _getter(names: tuple[str, ...]):
    """A function of an instance giving the tuple of those fields (a tuple even for one)."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    if not names:
        return lambda obj: ()
    return attrgetter(*names)


class Record:
    """Base of our record classes: `_fields` (the constructor's parameters, in order) and a
    `__repr__` like a dataclass's: `Name(field=value, ...)`."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    @recursive_repr()  # `...` for a record met again inside itself, as a dataclass's repr
    def __repr__(self) -> str:
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in self._fields)
        return f"{type(self).__qualname__}({inner})"


class Frozen(Record):
    """An immutable record compared by identity (see the module's docstring)."""

    __slots__ = ()

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of frozen {type(self).__qualname__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of frozen {type(self).__qualname__}")

    def __reduce__(self):
        return type(self), tuple(getattr(self, n) for n in self._fields)


class Value(Frozen):
    """An immutable record equal to another of its class with equal fields, and hashable."""

    __slots__ = ()
    _nocompare: tuple[str, ...] = ()
    _nohash: tuple[str, ...] = ()

    def __init_subclass__(cls, **kw) -> None:
        # closures over one attrgetter each: as fast as dataclasses' generated methods, no exec
        super().__init_subclass__(**kw)
        compared = tuple(n for n in cls._fields if n not in cls._nocompare)
        key = _getter(compared)
        hkey = _getter(tuple(n for n in compared if n not in cls._nohash))

        def __eq__(self, other):
            if other.__class__ is self.__class__:
                return key(self) == key(other)
            return NotImplemented

        def __hash__(self) -> int:
            return hash(hkey(self))

        cls.__eq__ = __eq__
        cls.__hash__ = __hash__


class Mutable(Record):
    """A mutable record equal to another of its class with equal fields; not hashable."""

    __slots__ = ()

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return all(getattr(self, n) == getattr(other, n) for n in self._fields)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def replace(obj: Record, **changes):
    """A copy of `obj` with some fields changed (dataclasses.replace); TypeError for a name
    that is not a field."""
    kw = {n: getattr(obj, n) for n in obj._fields}
    for name in changes:
        if name not in kw:
            raise TypeError(f"{type(obj).__qualname__} has no field {name!r}")
    kw.update(changes)
    return type(obj)(**kw)


def asdict(obj: Record) -> dict:
    """{field: value} of `obj`, shallow (its fields hold plain values where this is used)."""
    return {n: getattr(obj, n) for n in obj._fields}
