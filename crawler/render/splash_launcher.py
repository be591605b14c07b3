"""Starts Splash 3.5 (``python -m splash.server``) with the fixes it needs on today's Python and
libraries; run by the Python of the Splash environment that `scrapy splash install` makes.

Standalone: that environment has Splash, Debian's PyQt5 and lupa, and neither Scrapy nor this
project, so this file imports nothing of ours. Its arguments are Splash's own.
"""

import json
import sys


def use_lua52() -> None:
    """lupa 2.x loads the newest Lua it carries (5.5) for ``import lupa``; Splash's Lua sandbox
    is written for Lua 5.2, and under 5.5 every script fails (``'LuaRender' object has no
    attribute 'splash'``). Splash is given lupa's Lua 5.2 module in its place."""
    import lupa.lua52

    sys.modules["lupa"] = lupa.lua52


def int_timers() -> None:
    """Splash starts Qt timers with float milliseconds (``splash:wait(0.5)`` gives 500.0);
    PyQt5 5.15 refuses a float (``argument 1 has unexpected type 'float'``). A QTimer whose
    ``start`` rounds its interval replaces PyQt5's before Splash imports it."""
    from PyQt5 import QtCore

    class IntervalTimer(QtCore.QTimer):
        def start(self, *args):
            if args and isinstance(args[0], float):
                args = (round(args[0]), *args[1:])
            return super().start(*args)

    QtCore.QTimer = IntervalTimer


def json_without_encoding() -> None:
    """Splash reads JSON POST bodies (all that scrapy-splash sends) with ``json.loads(text,
    encoding="utf8")``; Python 3.9 removed that argument, so every such request is answered
    500. Splash's option reader is given a ``json`` whose ``loads`` drops it."""
    import types

    from splash import render_options

    def loads(text, *args, encoding=None, **kwargs):
        return json.loads(text, *args, **kwargs)

    render_options.json = types.SimpleNamespace(**{**vars(json), "loads": loads})


def main() -> None:
    use_lua52()
    int_timers()
    json_without_encoding()
    from splash import server

    server.main()


if __name__ == "__main__":
    main()
