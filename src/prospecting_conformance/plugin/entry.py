"""The `pytest11` entry point: in any venv with the package, pytest loads the suite's plugin.

So `pytest --pyargs prospecting_conformance.suite`, `prospecting-conformance run` and the
checkout's `tox -e conformance` all run with the same options and hooks. Every hook does
nothing unless the run includes the suite (`state.uses_target`). The checkout's conftest.py
loads the same modules, for a pytest started with `PYTEST_DISABLE_PLUGIN_AUTOLOAD`.
"""

from prospecting_conformance.plugin import PLUGINS

pytest_plugins = list(PLUGINS)
