"""The Rust extension: the codec's compiled plans."""

from collections.abc import Callable, Iterable
from typing import Any, final

__all__ = ["UNKNOWN_ATTRIBUTES", "Codec", "__version__"]
__version__: str
UNKNOWN_ATTRIBUTES: str

@final
class Codec:
    """One model's compiled storage plan."""

    def __new__(cls, spec: Any, validate: Callable[[dict[str, Any]], Any]) -> Codec: ...
    def encode(self, instance: Any) -> dict[str, Any]:
        """The item in DynamoDB's wire form; raises if a value breaks a DynamoDB rule."""
    def item_size(self, instance: Any) -> int:
        """The size of the encoded item by DynamoDB's rules, in bytes."""
    def load(self, item: Any) -> Any:
        """Decode and validate one wire item into a model instance."""
    def load_many(self, items: Iterable[Any]) -> list[Any]:
        """Decode and validate a page of wire items, in one call: each item is validated as soon as
        it is decoded, so no page-sized intermediate is ever built."""
