"""Root conftest: loads the suite's pytest plugin, which holds every fixture and option."""

pytest_plugins = ["prospecting_conformance.plugin.hooks"]
