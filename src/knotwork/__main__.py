import sys

from knotwork.cli import main

sys.exit(main())
