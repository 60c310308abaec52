"""The suite's HTTP client for the Prospecting API."""
