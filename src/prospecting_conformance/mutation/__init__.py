"""The mutation matrix: the suite against the reference server once per fault.

matrix.py   the command line (`python -m prospecting_conformance.mutation[.matrix]`)
plan.py     every run the matrix makes, and its label
runs.py     one conformance run, forked (forked.py), and its summary read back
score.py    killed, survived, false alarm: mutation.json's verdicts and scores
report.py   mutation.json, the control's reports, the printed table
"""
