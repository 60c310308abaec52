"""The mutation matrix: the suite against the reference server once per fault."""
