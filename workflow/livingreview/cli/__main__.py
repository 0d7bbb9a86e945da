"""``python -m livingreview.cli``: the same as the ``livingreview`` console script."""

import sys

from livingreview.cli import main

sys.exit(main())
