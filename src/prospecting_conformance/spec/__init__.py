"""The OpenAPI spec as the suite reads it, and whether it still says what the docs say."""
