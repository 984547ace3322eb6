import sys

from symnn.cli import main

sys.exit(main())
