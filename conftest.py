"""Root conftest: loads the suite's pytest plugin (its modules hold every fixture and option).

`pytester` runs small pytest sessions inside a unit test (the plugin's own tests).
"""

from prospecting_conformance.plugin import PLUGINS

pytest_plugins = [*PLUGINS, "pytester"]
