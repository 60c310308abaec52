"""The reference server's HTTP layer: how a request to an operation becomes an answer.

app.py              the Starlette app: routes, the order of the checks, framework answers
guard.py            the key, its quota, its scopes, its group: one guard for every operation
scopes.py           the scopes each operation requires, read from the spec
precedence.py       the faults that run a check out of order
handlers.py         the five operations, behind the guard
start_body.py       what makes a start-job body valid
representations.py  jobs, saved searches and prospects as JSON
responses.py        the envelope, with a fresh traceId
envelope_faults.py  the faults that bend the envelope, as one layer
front_faults.py     the faults of a lenient front end: loose routes, Accept misread
"""
