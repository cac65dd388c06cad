"""`python -m app` runs the protokoll command line."""

import sys

from app.cli import main

sys.exit(main())
