"""``python -m ory_async``: the ory-async command."""

import sys

from .cli import main

sys.exit(main())
