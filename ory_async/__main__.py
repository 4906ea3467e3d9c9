"""``python -m ory_async``: the ory-async command."""

import sys

from ._cli.main import main

sys.exit(main())
