"""dynomodel: typed pydantic models for Amazon DynamoDB, with a Rust codec underneath.

The package is layered, each layer importing only those below it: `_schema` (markers, the plan
derived from pydantic's schema, the codec), `_expr` (paths, conditions, the expression
compiler), `_table` (the model-to-table mapping and the requests it builds), `_io` (the step
driver, the client, call costs), `_ops` (each operation, written once as steps) and `_api` (the
typed front doors). This module re-exports the public names.
"""

from __future__ import annotations

from . import exceptions
from ._api.collection import Collection
from ._api.decorator import dynamo_table, table_of
from ._api.index import Index
from ._api.model import DynamoModel
from ._api.table import Table
from ._expr.nodes import Condition, RawCondition, UpdateAction
from ._expr.paths import Attr, Path, attr, size
from ._io.client import (
    CreateOptions,
    DynamoClient,
    KeyDefinition,
    TableDescription,
    get_default_client,
    set_default_client,
    use_client,
)
from ._io.costs import CallCost, TableStats
from ._io.limits import (
    Adaptive,
    BudgetSnapshot,
    RateLimit,
    RateLimiter,
    RateLimits,
    RateLimitsConfig,
    RateSnapshot,
)
from ._io.objects import S3Object
from ._io.observe import Metrics, OperationMetrics
from ._io.sealing import KeyCache
from ._io.statements import BatchStatementResults, StatementError, StatementPage
from ._native import __version__
from ._ops.batches import (
    BatchGetOptions,
    BatchGetResults,
    BatchWrite,
    KeyInput,
    batch_get,
    batch_write,
    sync_batch_get,
)
from ._ops.collections import CollectionItems, CollectionResults
from ._ops.progress import ProgressBar, TransferProgress
from ._ops.reads import Results
from ._ops.transactions import Transaction, sync_transact_get, transact_get, transaction
from ._ops.transfer import (
    TransferReport,
    export_table,
    import_table,
    sync_export_table,
    sync_import_table,
)
from ._schema.codec import unknown_attributes
from ._schema.external import Encrypted, InS3
from ._schema.keys import PartitionKey, SortKey
from ._schema.markers import TTL, StoredAs, Version, expires_in
from ._schema.templates import KeyTemplate
from ._schema.wire import AttributeValue, Item
from ._table.indexes import GlobalIndex, LocalIndex
from ._table.reads import CountOptions, QueryOptions, ReadOptions, ScanOptions

__all__ = [
    "TTL",
    "Adaptive",
    "Attr",
    "AttributeValue",
    "BatchGetOptions",
    "BatchGetResults",
    "BatchStatementResults",
    "BatchWrite",
    "BudgetSnapshot",
    "CallCost",
    "Collection",
    "CollectionItems",
    "CollectionResults",
    "Condition",
    "CountOptions",
    "CreateOptions",
    "DynamoClient",
    "DynamoModel",
    "Encrypted",
    "GlobalIndex",
    "InS3",
    "Index",
    "Item",
    "KeyCache",
    "KeyDefinition",
    "KeyInput",
    "KeyTemplate",
    "LocalIndex",
    "Metrics",
    "OperationMetrics",
    "PartitionKey",
    "Path",
    "ProgressBar",
    "QueryOptions",
    "RateLimit",
    "RateLimiter",
    "RateLimits",
    "RateLimitsConfig",
    "RateSnapshot",
    "RawCondition",
    "ReadOptions",
    "Results",
    "S3Object",
    "ScanOptions",
    "SortKey",
    "StatementError",
    "StatementPage",
    "StoredAs",
    "Table",
    "TableDescription",
    "TableStats",
    "Transaction",
    "TransferProgress",
    "TransferReport",
    "UpdateAction",
    "Version",
    "__version__",
    "attr",
    "batch_get",
    "batch_write",
    "dynamo_table",
    "exceptions",
    "expires_in",
    "export_table",
    "get_default_client",
    "import_table",
    "set_default_client",
    "size",
    "sync_batch_get",
    "sync_export_table",
    "sync_import_table",
    "sync_transact_get",
    "table_of",
    "transact_get",
    "transaction",
    "unknown_attributes",
    "use_client",
]
