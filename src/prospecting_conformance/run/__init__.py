"""One run: its context, what it recorded, its jobs, settle and the verdict."""
