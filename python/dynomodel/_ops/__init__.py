"""The operations, each written once as a generator of native calls: items, reads, batches and
transactions, against a table bound to a client."""
