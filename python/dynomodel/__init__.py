"""dynomodel: typed pydantic models for Amazon DynamoDB, with a Rust codec underneath."""

from __future__ import annotations

from . import exceptions
from ._batches import BatchGetResults, BatchWrite, KeyInput
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
from ._markers import TTL, Version, expires_in
from ._model import DynamoModel
from ._native import __version__
from ._paths import Attr, Path, attr, size
from ._reads import Index, Results, SyncResults
from ._table import CallCost, Table, TableStats, table_of
from ._transactions import Transaction, sync_transact_get, transact_get, transaction
from ._types import AttributeValue, Item

__all__ = [
    "TTL",
    "Attr",
    "AttributeValue",
    "BatchGetResults",
    "BatchWrite",
    "CallCost",
    "Condition",
    "DynamoClient",
    "DynamoModel",
    "GlobalIndex",
    "Index",
    "Item",
    "KeyDefinition",
    "KeyInput",
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
    "Transaction",
    "UpdateAction",
    "Version",
    "__version__",
    "attr",
    "dynamo_table",
    "exceptions",
    "expires_in",
    "get_default_client",
    "set_default_client",
    "size",
    "sync_transact_get",
    "table_of",
    "transact_get",
    "transaction",
    "unknown_attributes",
]
