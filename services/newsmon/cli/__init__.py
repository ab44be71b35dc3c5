"""The `newsmon` command: one sub-command per operator task.

Each sibling module registers its commands on the shared app when imported here.
"""

from newsmon.cli._app import app
from newsmon.cli import admin as _admin  # noqa: F401  (registers commands)
from newsmon.cli import run as _run  # noqa: F401
from newsmon.cli import stack as _stack  # noqa: F401
from newsmon.cli import workers as _workers  # noqa: F401
from newsmon.cli import crawl as _crawl  # noqa: F401
from newsmon.cli import sources as _sources  # noqa: F401
from newsmon.cli import search as _search  # noqa: F401
from newsmon.cli import replay as _replay  # noqa: F401
from newsmon.cli import page as _page  # noqa: F401
from newsmon.cli import text as _text  # noqa: F401
from newsmon.cli import taxonomy as _taxonomy  # noqa: F401
from newsmon.cli import kibana as _kibana  # noqa: F401
from newsmon.cli import demo as _demo  # noqa: F401
from newsmon.cli import health as _health  # noqa: F401

__all__ = ["app"]
