#!/usr/bin/env python3
"""growbase's one entry point: `python run.py` serves; `python run.py --help` lists commands."""

import sys
from pathlib import Path

# platform/ is a source root, never a package: a package named `platform` would
# shadow the standard library module of that name.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))

from growbase.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
