"""Root conftest: loads the suite's pytest plugin, which holds every fixture and option.

`pytester` runs small pytest sessions inside a unit test (the plugin's own tests).
"""

pytest_plugins = ["prospecting_conformance.plugin.hooks", "pytester"]
