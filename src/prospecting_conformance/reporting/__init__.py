"""What a run leaves behind for CI, release managers and QA (reports/).

summary.py      the run's verdict and facts, as JSON (validated by reports/summary.schema.json)
baseline.py     accepted known issues: new findings fail, known ones do not, gone ones are fixed
baseline_merge.py  a new run's findings added to a baseline, old tickets kept
latency.py      per-operation response times, and their change since a baseline
har.py          every exchange of the run as HAR 1.2 (exchanges.har)
curl.py         a finding's request as a curl command, keys as $VARIABLES
drafts.py       one Markdown regression draft per root cause, with a replay script
markdown.py     the run in a few Markdown lines for a CI job page (summary.md)
html.py         the self-contained HTML report
write.py        writes them all from one run
"""
