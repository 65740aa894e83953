"""`python -m fasterapi ...`: the same as the `fasterapi` console script, for when the venv's
bin directory is not on PATH."""

import sys

from fasterapi.cli import main

if __name__ == "__main__":
    sys.exit(main())
