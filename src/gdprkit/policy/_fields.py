"""Small shared pieces of the policy model: bilingual text, converters and validators.

Validators here raise :class:`~gdprkit.errors.PolicyError` with a path, so a policy
built in Python fails the same way as one loaded from TOML.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from gdprkit.errors import PolicyError, Problem

__all__ = ["Text", "enum_converter", "identifier", "non_negative", "optional_text", "to_text", "tuple_of"]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@attrs.frozen(kw_only=True)
class Text:
    """A human-readable text in English and, where the organisation writes Swedish, Swedish.

    Notices are generated in every language the organisation declares (Art. 12(1): clear
    and plain language the subject understands), so each declared text carries both.

    Attributes:
        en: The English text.
        sv: The Swedish text, or ``None`` where the organisation does not write Swedish.
    """

    en: str
    sv: str | None = None

    def get(self, language: str) -> str:
        """Return the text in *language* (``"en"`` or ``"sv"``), falling back to English."""
        if language == "sv" and self.sv:
            return self.sv
        return self.en

    def __str__(self) -> str:
        return self.en


def to_text(value: Text | str | dict[str, str]) -> Text:
    """Accept a :class:`Text`, a plain English string, or ``{"en": ..., "sv": ...}``."""
    if isinstance(value, Text):
        return value
    if isinstance(value, str):
        return Text(en=value)
    if isinstance(value, dict):
        unknown = set(value) - {"en", "sv"}
        if unknown:
            msg = f"unknown language key(s) {sorted(unknown)}; use 'en' and 'sv'"
            raise PolicyError(Problem(path="text", message=msg))
        if "en" not in value:
            raise PolicyError(Problem(path="text.en", message="English text is required"))
        return Text(en=value["en"], sv=value.get("sv"))
    raise PolicyError(Problem(path="text", message=f"expected text, got {type(value).__name__}"))


def optional_text(value: Text | str | dict[str, str] | None) -> Text | None:
    """Like :func:`to_text`, but ``None`` stays ``None``."""
    return None if value is None else to_text(value)


def enum_converter(enum_type: type[E]) -> Callable[[Any], E]:
    """Return a converter that turns a member or its string value into *enum_type*."""

    def convert(value: Any) -> E:  # noqa: ANN401 - converters accept anything and check it
        if isinstance(value, enum_type):
            return value
        try:
            return enum_type(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum_type)
            msg = f"unknown value {value!r}; expected one of: {allowed}"
            raise PolicyError(Problem(path=enum_type.__name__, message=msg)) from None

    convert.__name__ = f"to_{enum_type.__name__}"
    return convert


def optional_enum(enum_type: type[E]) -> Callable[[Any], E | None]:
    """Like :func:`enum_converter`, but ``None`` stays ``None``."""
    inner = enum_converter(enum_type)

    def convert(value: Any) -> E | None:  # noqa: ANN401 - see enum_converter
        return None if value is None else inner(value)

    return convert


def tuple_of(convert: Callable[[Any], T] | None = None) -> Callable[[Iterable[Any]], tuple[T, ...]]:
    """Return a converter that makes any iterable (not a bare string) into a tuple."""

    def to_tuple(values: Iterable[Any]) -> tuple[T, ...]:
        if isinstance(values, (str, bytes)):
            msg = "expected a list, got a single string"
            raise PolicyError(Problem(path="list", message=msg))
        items = tuple(values)
        return items if convert is None else tuple(convert(v) for v in items)

    return to_tuple


def identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an id: lowercase letters, digits and underscores, starting with a letter."""
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        owner = type(instance).__name__
        msg = "must be lowercase letters, digits and '_', starting with a letter (max 63)"
        raise PolicyError(Problem(path=f"{owner}.{attribute.name}", message=msg))


def non_negative(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a whole number that is zero or more (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        owner = type(instance).__name__
        msg = "must be a whole number, zero or more"
        raise PolicyError(Problem(path=f"{owner}.{attribute.name}", message=msg))
