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
from ._expressions import Condition, RawCondition, UpdateAction
from ._indexes import GlobalIndex, LocalIndex
from ._keys import PartitionKey, SortKey
from ._model import DynamoModel
from ._native import __version__
from ._paths import Attr, Path, attr, size
from ._reads import Index, Results, SyncResults
from ._table import CallCost, Table, TableStats, table_of
from ._types import AttributeValue, Item

__all__ = [
    "Attr",
    "AttributeValue",
    "CallCost",
    "Condition",
    "DynamoClient",
    "DynamoModel",
    "GlobalIndex",
    "Index",
    "Item",
    "KeyDefinition",
    "LocalIndex",
    "PartitionKey",
    "Path",
    "RawCondition",
    "Results",
    "SortKey",
    "SyncResults",
    "Table",
    "TableDescription",
    "TableStats",
    "UpdateAction",
    "__version__",
    "attr",
    "dynamo_table",
    "exceptions",
    "get_default_client",
    "set_default_client",
    "size",
    "table_of",
    "unknown_attributes",
]
