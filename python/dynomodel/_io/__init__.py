"""Talking to DynamoDB: the step driver that runs operations async or blocking, the client
(connection and table administration) and what calls cost."""
