"""Helpers for testing code that uses gdprkit, and for testing gdprkit backends.

* :class:`FixedClock`: a clock that stands still until moved (from :mod:`gdprkit.clock`).
* :mod:`gdprkit.testing.conformance`: the store conformance suite that every
  ``Store`` backend, built-in or third-party, runs. It imports pytest, so it is not
  imported here; import it from your tests.
"""

from gdprkit.clock import FixedClock

__all__ = ["FixedClock"]
