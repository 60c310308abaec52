"""The values every layer shares: findings, observed responses, secrets, redaction, time."""
