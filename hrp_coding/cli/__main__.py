"""``python -m hrp_coding.cli``: the ``hrp-coding`` command without its script.

Useful where the console script is not on PATH (a checkout run with
``PYTHONPATH``, a kernel's environment).
"""

import sys

from hrp_coding.cli import main

sys.exit(main())
