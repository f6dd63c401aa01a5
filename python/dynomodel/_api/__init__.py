"""The typed front doors: `Table[M]`, `Index[M]`, `DynamoModel` and `@dynamo_table`."""
