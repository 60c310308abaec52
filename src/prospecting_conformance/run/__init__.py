"""One run: its preflight, its context, what it recorded, its jobs, settle and the verdict."""
