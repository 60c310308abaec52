"""The schemathesis layer: generated and stateful cases judged by the suite's rules."""
