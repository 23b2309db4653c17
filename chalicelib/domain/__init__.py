"""Business rules: no Chalice and no boto3 here."""
