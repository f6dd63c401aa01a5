"""Types of DynamoDB's wire form, as boto3's low-level client sends and receives it."""

from __future__ import annotations

from typing import TypeAlias

from typing_extensions import TypedDict

__all__ = ["AttributeValue", "Item"]


class AttributeValue(TypedDict, total=False):
    """One attribute value: exactly one of these keys is present."""

    S: str
    N: str
    B: bytes
    BOOL: bool
    NULL: bool
    SS: list[str]
    NS: list[str]
    BS: list[bytes]
    L: list[AttributeValue]
    M: dict[str, AttributeValue]


Item: TypeAlias = dict[str, AttributeValue]
"""An item: attribute names to attribute values."""
