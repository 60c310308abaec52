"""The rules (DESIGN.md §5): the registry, and one module per family of checks."""
