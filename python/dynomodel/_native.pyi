"""The Rust extension: the codec's compiled plans."""

from collections.abc import Iterable
from typing import Any, final

__all__ = ["UNKNOWN_ATTRIBUTES", "Codec", "__version__"]
__version__: str
UNKNOWN_ATTRIBUTES: str

@final
class Codec:
    """One model's compiled storage plan."""

    def __new__(cls, spec: Any) -> Codec: ...
    def encode(self, instance: Any) -> dict[str, Any]:
        """The item in DynamoDB's wire form; raises if a value breaks a DynamoDB rule."""
    def item_size(self, instance: Any) -> int:
        """The size of the encoded item by DynamoDB's rules, in bytes."""
    def decode(self, item: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """`(data, unknown)`: the data to validate and the undeclared attributes (or None)."""
    def decode_many(
        self, items: Iterable[Any]
    ) -> tuple[list[dict[str, Any]], list[tuple[int, dict[str, Any]]]]:
        """`(data, unknown)` for a page: a list of data, and `(index, attributes)` pairs for
        the items that carry undeclared attributes."""
