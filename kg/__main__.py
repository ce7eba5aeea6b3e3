"""Allow ``python -m kg`` as well as the ``iokg`` console script."""

import sys

from kg.cli import main

sys.exit(main())
