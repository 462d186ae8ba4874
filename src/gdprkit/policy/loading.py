"""Load a policy from a TOML file (stdlib ``tomllib``) or from JSON-compatible data.

A syntax error is reported with the file and line; a semantic error with the file and
the path inside the policy. Either way the error is one
:class:`~gdprkit.errors.PolicyFileError` or :class:`~gdprkit.errors.PolicyError`, and
its message never repeats the file's contents.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gdprkit.errors import PolicyFileError, Problem
from gdprkit.policy.model import Policy
from gdprkit.policy.serialize import structure_policy

__all__ = ["load_policy", "loads_policy", "policy_from_dict"]


def load_policy(path: str | os.PathLike[str]) -> Policy:
    """Read, parse and validate the TOML policy file at *path*.

    Raises:
        PolicyFileError: the file cannot be read, or is not valid TOML (with its line).
        PolicyError: the policy is invalid (every problem, with its path).
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        problem = Problem(
            path="<file>", message=f"cannot read: {exc.strerror or type(exc).__name__}"
        )
        raise PolicyFileError(problem, source=str(file)) from None
    except UnicodeDecodeError:
        problem = Problem(path="<file>", message="not UTF-8 text")
        raise PolicyFileError(problem, source=str(file)) from None
    return loads_policy(text, source=str(file))


def loads_policy(text: str, *, source: str = "<string>") -> Policy:
    """Parse and validate a TOML policy given as a string; *source* names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message names the line and column, never the offending text.
        problem = Problem(path="<toml>", message=f"TOML syntax error: {exc}")
        raise PolicyFileError(problem, source=source) from None
    return policy_from_dict(data, source=source)


def policy_from_dict(data: Mapping[str, Any] | str, *, source: str | None = None) -> Policy:
    """Build a policy from parsed TOML, a dict, or JSON text as written by ``Policy.to_json``."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            problem = Problem(
                path="<json>", message=f"JSON syntax error at line {exc.lineno}, column {exc.colno}"
            )
            raise PolicyFileError(problem, source=source) from None
    if not isinstance(data, Mapping):
        raise PolicyFileError(
            Problem(path="<root>", message="expected a table at the top level"), source=source
        )
    return structure_policy(data, source=source)
