"""The checks: one module per family of rules (their ids live in core/rules.py).

envelope.py     E1-E6, any response on its own
schema.py       S1, S2 against the spec; `check_response` runs every per-response check
status.py       the status a test expected, for whichever rule it checks
auth.py         A3's permission matrix, A4's tenancy
precedence.py   A6, which answer wins when a request breaks several conditions
undeclared.py   U1, the surface the spec does not declare
identity.py     S5, an answer for an id carries that id, compared exactly
spelling.py     H1 equivalent spellings of a request, H3 paths spelled otherwise and redirects
negotiation.py  H2, the JSON envelope whatever Accept the client sends
jobs.py         L1, L9 and a job's status as a test sees it
lifecycle.py    the job state machine (L2, L3, L8) across successive observations
job_history.py  every job the run has seen, judged again on every response
rate.py         R1, R2
lookup.py       P1
"""
