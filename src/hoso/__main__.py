import sys

from hoso.cli import main

sys.exit(main())
