"""Turn plain data (parsed TOML or JSON) into policy objects and back.

Both directions are driven by the attrs classes' own fields and type hints, so a
policy loaded from TOML and one built in Python are built by the same constructors
and compare equal. Structuring collects every problem with its path into the
document (``purposes.invoicing.legal_basis``) before giving up.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from gdprkit.errors import PolicyError, Problem
from gdprkit.policy._fields import Text
from gdprkit.policy.model import DataCategory, Policy, SubjectCategory
from gdprkit.policy.taxonomy import BUILTIN_CATEGORIES, BUILTIN_SUBJECT_CATEGORIES

__all__ = ["structure", "structure_policy", "unstructure"]

_BUILTINS: Mapping[type, Mapping[str, Any]] = {
    DataCategory: BUILTIN_CATEGORIES,
    SubjectCategory: BUILTIN_SUBJECT_CATEGORIES,
}


class _Invalid:
    """Marks a value that could not be structured; its problems are already recorded."""


_INVALID = _Invalid()


def structure_policy(data: Mapping[str, Any], *, source: str | None = None) -> Policy:
    """Build a validated :class:`Policy` from plain data.

    Raises:
        PolicyError: listing every problem, each with its path and the *source* file.
    """
    problems: list[Problem] = []
    policy = _structure(data, Policy, "", problems)
    if problems or not isinstance(policy, Policy):
        raise PolicyError(problems, source=source)
    return policy


def structure(data: object, cls: type[Any], *, path: str = "") -> Any:  # noqa: ANN401 - generic
    """Build an instance of the attrs class *cls* from plain data, or raise ``PolicyError``."""
    problems: list[Problem] = []
    result = _structure(data, cls, path, problems)
    if problems or result is _INVALID:
        raise PolicyError(problems)
    return result


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _describe(value: object) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _structure(value: object, tp: Any, path: str, problems: list[Problem]) -> Any:  # noqa: ANN401, C901, PLR0911 - one dispatch over the type forms
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _structure(value, args[0], path, problems)
    if origin is tuple:
        (item_type, _) = typing.get_args(tp)
        if not isinstance(value, list | tuple):
            problems.append(Problem(path=path, message=f"expected a list, got {_describe(value)}"))
            return _INVALID
        items = []
        for index, item in enumerate(value):
            label = item.get("id") if isinstance(item, dict) else None
            item_path = _join(path, label if isinstance(label, str) else str(index))
            items.append(_structure(item, item_type, item_path, problems))
        return tuple(items)
    if tp is Text:
        if isinstance(value, str):
            return Text(en=value)
        if isinstance(value, dict):
            return _structure_attrs(value, Text, path, problems)
        problems.append(Problem(path=path, message=f"expected text, got {_describe(value)}"))
        return _INVALID
    if attrs.has(tp):
        return _structure_attrs(value, tp, path, problems)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in tp)
            problems.append(
                Problem(path=path, message=f"unknown value {value!r}; expected one of: {allowed}")
            )
            return _INVALID
    return _structure_scalar(value, tp, path, problems)


def _structure_scalar(value: object, tp: Any, path: str, problems: list[Problem]) -> Any:  # noqa: ANN401
    if tp is dt.date:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        problems.append(Problem(path=path, message="expected a date such as 2026-01-01"))
        return _INVALID
    if tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is str:
        ok = isinstance(value, str)
    else:  # pragma: no cover - a field type the model does not use
        msg = f"cannot structure {tp!r}"
        raise TypeError(msg)
    if not ok:
        problems.append(
            Problem(path=path, message=f"expected {tp.__name__}, got {_describe(value)}")
        )
        return _INVALID
    return value


def _structure_attrs(  # noqa: C901, PLR0912 - reports each kind of problem separately
    value: object,
    cls: type[Any],
    path: str,
    problems: list[Problem],
) -> Any:  # noqa: ANN401 - builds any attrs class
    if not isinstance(value, dict):
        problems.append(Problem(path=path, message=f"expected a table, got {_describe(value)}"))
        return _INVALID
    builtins = _BUILTINS.get(cls)
    builtin_id = value.get("id") if set(value) == {"id"} else None
    if builtins is not None and isinstance(builtin_id, str) and builtin_id in builtins:
        return builtins[builtin_id]
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in attrs.fields(cls) if f.init}
    before = len(problems)
    for key in value:
        if key not in fields:
            known = ", ".join(sorted(fields))
            problems.append(
                Problem(path=_join(path, key), message=f"unknown key; expected one of: {known}")
            )
    kwargs: dict[str, Any] = {}
    for name, field in fields.items():
        if name not in value:
            if field.default is attrs.NOTHING:
                hint = ""
                if builtins is not None and name == "label":
                    hint = " (or use a built-in id: " + ", ".join(sorted(builtins)) + ")"
                problems.append(Problem(path=_join(path, name), message=f"required{hint}"))
            continue
        kwargs[name] = _structure(value[name], hints[name], _join(path, name), problems)
    if len(problems) > before:
        return _INVALID
    try:
        return cls(**kwargs)
    except PolicyError as exc:
        prefix = f"{cls.__name__}."
        for problem in exc.problems:
            if problem.path.startswith(prefix):
                located = _join(path, problem.path.removeprefix(prefix))
                problems.append(attrs.evolve(problem, path=located))
            else:
                problems.append(problem)
        return _INVALID


def unstructure(value: object) -> object:
    """Return *value* (a policy object) as JSON-compatible data; ``None`` fields are left out."""
    if attrs.has(type(value)):
        result: dict[str, object] = {}
        for field in attrs.fields(typing.cast("type[attrs.AttrsInstance]", type(value))):
            if not field.init:
                continue
            item = getattr(value, field.name)
            if item is not None:
                result[field.name] = unstructure(item)
        return result
    if isinstance(value, tuple | list):
        return [unstructure(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
