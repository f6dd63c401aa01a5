"""Side-by-side benchmarks: dynomodel against pydynox, PynamoDB and boto3 + pydantic."""
