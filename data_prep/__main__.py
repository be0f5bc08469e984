"""`python -m data_prep`: see data_prep.cli."""
import sys

from .cli import main

sys.exit(main())
