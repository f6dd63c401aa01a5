"""dynomodel: typed pydantic models for Amazon DynamoDB, with a Rust codec underneath."""

from __future__ import annotations

from . import exceptions
from ._codec import unknown_attributes
from ._decorator import dynamo_table
from ._keys import PartitionKey, SortKey
from ._model import DynamoModel
from ._native import __version__
from ._table import Table, table_of
from ._types import AttributeValue, Item

__all__ = [
    "AttributeValue",
    "DynamoModel",
    "Item",
    "PartitionKey",
    "SortKey",
    "Table",
    "__version__",
    "dynamo_table",
    "exceptions",
    "table_of",
    "unknown_attributes",
]
