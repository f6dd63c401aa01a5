"""Expressions, no I/O: typed paths, condition and update nodes, and the compiler that turns
them into DynamoDB expression text over placeholders."""
