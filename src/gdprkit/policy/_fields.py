"""Small shared pieces of the policy model: bilingual text, converters and validators.

Validators here raise :class:`~gdprkit.errors.PolicyError` with a path, so a policy
built in Python fails the same way as one loaded from TOML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

import attrs

from gdprkit.errors import PolicyError, Problem

__all__ = ["Text", "as_tuple", "identifier", "non_negative", "optional_text", "to_text"]

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


def as_tuple(values: Iterable[T]) -> tuple[T, ...]:
    """Make any iterable (but not a bare string, a common slip) into a tuple."""
    if isinstance(values, str | bytes):
        msg = "expected a list, got a single string"
        raise PolicyError(Problem(path="list", message=msg))
    return tuple(values)


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
