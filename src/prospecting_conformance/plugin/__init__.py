"""The thin pytest layer over the library."""
