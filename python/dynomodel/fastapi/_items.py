"""Items addressed by the path (`item(Order)`), and optimistic locking over HTTP: the `ETag`
of a `Version` field, and `If-Match` (`IfMatch`) on the writes that need it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine, Mapping
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Header, HTTPException, Request, Response
from fastapi import Path as PathParameter
from pydantic import BaseModel

from .._api.decorator import table_of
from .._schema.keys import KeyRole
from .._schema.markers import FieldMarker
from ..exceptions import ModelDefinitionError
from ._app import ClientDep

__all__ = ["IfMatch", "expected_version", "item", "set_etag"]

M = TypeVar("M", bound=BaseModel)

_CLIENT = "dynomodel_client"
_RESPONSE = "dynomodel_response"
_IF_MATCH_STATE = "dynomodel_if_match"


def item(
    model: type[M],
    *,
    path: Mapping[str, str] | None = None,
    consistent_read: bool | None = None,
) -> Callable[..., Coroutine[Any, Any, M]]:
    """A dependency that loads the `model` item the request's path names:
    `order: Annotated[Order, Depends(item(Order))]`.

    The key fields are read from the path parameters of the same names, or of the names
    `path` maps them to (`item(Order, path={"pk": "customer_id"})`), and validated with the
    fields' own types and constraints: a bad value is a 422 naming the parameter, before any
    call. Then one GetItem (0.5 RCU per 4 KB, 1 with `consistent_read`) through the request's
    client (`ClientDep`); no item is a 404. For a model with a `Version` field, the response
    carries the version as its `ETag` (a route that writes a new version sets it again with
    `set_etag`). Works for `DynamoModel`s and `@dynamo_table` models, in `async def` and
    `def` routes alike.

    Raises:
        ModelDefinitionError: `model` is not mapped to a table, or `path` names a field that is
            not one of its keys.
    """
    table = table_of(model)
    mapping = table.mapping
    renamed = dict(path or {})
    stray = sorted(set(renamed) - set(mapping.key_fields))
    if stray:
        raise ModelDefinitionError(
            f"item({model.__name__}): path maps {', '.join(stray)}, which are not its key "
            f"fields ({', '.join(mapping.key_fields)})"
        )
    names = {field: renamed.get(field, field) for field in mapping.key_fields}
    version_field = mapping.version_field

    async def load(**arguments: Any) -> M:
        response: Response = arguments[_RESPONSE]
        key = {field: arguments[parameter] for field, parameter in names.items()}
        found = await table.get(consistent_read=consistent_read, **key)
        if found is None:
            raise HTTPException(status_code=404, detail=f"{model.__name__} not found")
        if version_field is not None:
            set_etag(response, found)
        return found

    parameters = [
        inspect.Parameter(
            parameter,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_path_parameter(model, field, parameter),
        )
        for field, parameter in names.items()
    ]
    parameters += [
        inspect.Parameter(_RESPONSE, inspect.Parameter.KEYWORD_ONLY, annotation=Response),
        inspect.Parameter(_CLIENT, inspect.Parameter.KEYWORD_ONLY, annotation=ClientDep),
    ]
    load.__signature__ = inspect.Signature(parameters, return_annotation=model)  # type: ignore[attr-defined]
    load.__name__ = f"load_{model.__name__}"
    return load


def _path_parameter(model: type[BaseModel], field: str, parameter: str) -> Any:
    """The path parameter of a key field: its type with its constraints (not dynomodel's own
    markers), described in the OpenAPI schema."""
    info = model.model_fields[field]
    kept = [m for m in info.metadata if not isinstance(m, KeyRole | FieldMarker)]
    described = PathParameter(description=info.description or f"{model.__name__}.{field}")
    return cast(Any, Annotated)[(info.annotation, *kept, described)]


def set_etag(response: Response, instance: BaseModel) -> None:
    """Put `instance`'s version in `response`'s `ETag` header (`"3"`), as `item()` does when it
    loads one: after a write, so the client holds the version it must send back in `If-Match`.

    Raises:
        ModelDefinitionError: the model has no `Version` field.
    """
    field = table_of(type(instance)).mapping.version_field
    if field is None:
        raise ModelDefinitionError(f"{type(instance).__name__} has no Version field to tag")
    response.headers["ETag"] = f'"{getattr(instance, field) or 0}"'


def expected_version(request: Request) -> int | None:
    """The version `IfMatch` read from this request's `If-Match` header, if it ran."""
    version = getattr(request.state, _IF_MATCH_STATE, None)
    return version if isinstance(version, int) else None


def _if_match(
    request: Request,
    if_match: Annotated[
        str | None,
        Header(
            description="The ETag of the version read: the write happens only if it is "
            "still the stored one (412 otherwise)."
        ),
    ] = None,
) -> int:
    """The version in `If-Match`: 428 without one, 400 when it is not an ETag we issued."""
    if if_match is None or if_match.strip() == "*":
        raise HTTPException(
            status_code=428,
            detail="this write needs an If-Match header holding the ETag of the version read",
        )
    text = if_match.strip()
    if text.startswith("W/"):
        # If-Match compares strongly (RFC 9110): a weak tag never matches.
        raise HTTPException(status_code=412, detail="a weak ETag never matches If-Match")
    digits = text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else ""
    if not digits.isascii() or not digits.isdigit():
        raise HTTPException(status_code=400, detail="If-Match holds no ETag this API issued")
    version = int(digits)
    setattr(request.state, _IF_MATCH_STATE, version)
    return version


IfMatch = Annotated[int, Depends(_if_match)]
"""The version a write expects, from the `If-Match` header (`"3"`, the `ETag` of a read):
`version: IfMatch`. Set it on the instance before writing (`order.version = version`) and the
write is conditioned on it; if the stored version changed meanwhile, the
`ConditionalCheckFailedError` is answered 412 (with `install_error_handlers`). No header (or
`*`) is a 428; a weak or foreign tag a 412 or 400."""
