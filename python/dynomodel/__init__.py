"""dynomodel: typed pydantic models for Amazon DynamoDB, with a Rust codec underneath."""

from __future__ import annotations

from . import exceptions
from ._client import (
    DynamoClient,
    KeyDefinition,
    TableDescription,
    get_default_client,
    set_default_client,
)
from ._codec import unknown_attributes
from ._decorator import dynamo_table
from ._keys import PartitionKey, SortKey
from ._model import DynamoModel
from ._native import __version__
from ._table import CallCost, RawCondition, Table, TableStats, table_of
from ._types import AttributeValue, Item

__all__ = [
    "AttributeValue",
    "CallCost",
    "DynamoClient",
    "DynamoModel",
    "Item",
    "KeyDefinition",
    "PartitionKey",
    "RawCondition",
    "SortKey",
    "Table",
    "TableDescription",
    "TableStats",
    "__version__",
    "dynamo_table",
    "exceptions",
    "get_default_client",
    "set_default_client",
    "table_of",
    "unknown_attributes",
]
