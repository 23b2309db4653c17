"""Data access: the only layer that talks to DynamoDB."""
