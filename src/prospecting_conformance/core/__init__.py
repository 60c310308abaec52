"""The values every layer shares: findings, observed responses, the rules, secrets,
redaction, time."""
