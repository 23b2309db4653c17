"""Event handlers: work that follows an event runs here, from SQS queues and DynamoDB streams."""
