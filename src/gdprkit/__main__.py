"""``python -m gdprkit``: the same as the ``gdprkit`` command."""

import sys

from gdprkit.cli import main

sys.exit(main())
