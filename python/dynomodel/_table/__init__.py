"""What a table is, no I/O: the mapping of a model to a table (keys, codec, special fields,
indexes, item identity) and the requests it builds."""
