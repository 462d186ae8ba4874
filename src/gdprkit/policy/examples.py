"""The example policies encoding the two Swedish privacy policies gdprkit was commissioned from.

Wheels carry them inside the package (``gdprkit/examples``); a source checkout keeps them
in the repository's ``examples/`` folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from gdprkit.errors import NotFoundError

__all__ = ["EXAMPLES", "example_path"]

EXAMPLES = ("true_fiction_production", "the_art_of_planning")
"""The names of the bundled examples."""


def example_path(name: str) -> Path:
    """Return the path of the bundled example policy *name* (see :data:`EXAMPLES`).

    Raises:
        NotFoundError: no such example, or the installation does not include it.
    """
    if name not in EXAMPLES:
        msg = f"no example named {name!r}; choose one of {', '.join(EXAMPLES)}"
        raise NotFoundError(msg)
    filename = f"{name}.toml"
    packaged = Path(str(resources.files("gdprkit"))) / "examples" / filename
    checkout = Path(__file__).resolve().parents[3] / "examples" / filename
    for candidate in (packaged, checkout):
        if candidate.is_file():
            return candidate
    msg = f"example {name!r} is not installed with this copy of gdprkit"
    raise NotFoundError(msg)
