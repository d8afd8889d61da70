"""`python -m helpers.cli …` runs the `yibao` command."""

import sys

from . import main

sys.exit(main())
