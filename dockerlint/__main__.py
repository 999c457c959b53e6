"""The process entry: `dockerlint` (the console script) and `python -m dockerlint`.

The cyclic garbage collector is off from the first line, before the imports whose garbage it
would otherwise scan: a run is short-lived and cli.main ends it with os._exit.  Import this
module only to start a run.
"""

import gc

gc.disable()

from .cli import main  # noqa: E402

if __name__ == "__main__":
    main()
