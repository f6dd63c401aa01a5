"""The model layer, no I/O: key and field markers, the storage plan derived from pydantic's core
schema, the compiled codec, hooks and the wire types."""
