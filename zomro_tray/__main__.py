"""``python -m zomro_tray``: the same as the ``zomro-tray`` command."""

import sys

from zomro_tray.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
