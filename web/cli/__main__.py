"""`python -m web.cli` runs the `klageflow` command."""

import sys

from web.cli import main

sys.exit(main())
