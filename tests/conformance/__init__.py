"""The conformance suite, also shipped in the wheel as `prospecting_conformance.suite`.

`src/prospecting_conformance/suite` is a link to this folder, which setuptools follows when it
builds: one copy of the tests, run here with `tox -e conformance` and from an installed wheel
with `prospecting-conformance run` or `pytest --pyargs prospecting_conformance.suite`. A
package, not a folder of files, so that `--pyargs` can find it.
"""
