"""The thin pytest layer over the library, one module per concern.

- `options`: the command line, made from the table in `target/options.py`;
- `bootstrap`: on the controller, the settings, the target, the preflight and the seed;
- `fixtures`: the run context, the target, the client and the skips the tests share;
- `outcomes`: each test's findings (or spent budget), in the process that ran it;
- `controller`: the end of the run (merge, settle, verdict, reports), with `terminal` and
  `interruption` (Ctrl-C);
- `state`: what they keep on the pytest config, and which runs include the suite;
- `entry`: the `pytest11` entry point, which loads them all in any venv with the package.

`PLUGINS` is what a conftest loads (`pytest_plugins`), each module before any that imports
it: pytest rewrites the asserts of a plugin module only if it loads it first.
"""

PLUGINS = (
    "prospecting_conformance.plugin.options",
    "prospecting_conformance.plugin.fixtures",
    "prospecting_conformance.plugin.outcomes",
    "prospecting_conformance.plugin.controller",
    "prospecting_conformance.plugin.bootstrap",
)
