"""`fields`: the one convention for keeping responses small, on every endpoint.

`?fields=title,url,tags` keeps those top-level fields of each object returned (the
object itself on a detail endpoint, each result on a list); unknown names are a 400
that lists the known ones. Without it (or empty) every field comes. The whole object
is built (and kept, articles/fragments.py) either way; the choice is applied last.
"""

import functools

from .problems import BadParameter

PARAMETER = "fields"


class SparseFieldsMixin:
    """Marks a serializer whose top-level fields `fields` may leave out (the schema
    then requires none of them: articles/api/schema.py)."""


@functools.cache
def names_of(serializer_class) -> tuple[str, ...]:
    return tuple(serializer_class().fields)


def wanted(request, serializer_class) -> set[str] | None:
    """The fields asked for, checked against `serializer_class`'s; None: all."""
    value = request.query_params.get(PARAMETER) if request is not None else None
    names = {name.strip() for name in (value or "").split(",") if name.strip()}
    if not names:
        return None
    known = names_of(serializer_class)
    unknown = sorted(names - set(known))
    if unknown:
        raise BadParameter(
            PARAMETER,
            f"Unknown field(s) {', '.join(unknown)}; this endpoint has: "
            f"{', '.join(sorted(known))}.",
        )
    return names


def keep(data: dict, names: set[str] | None) -> dict:
    return data if names is None else {k: v for k, v in data.items() if k in names}


def parameter_schema(serializer_class) -> dict:
    """`fields` in the schema: the names this endpoint's objects have, comma-separated."""
    names = "|".join(sorted(names_of(serializer_class)))
    return {"type": "string", "pattern": f"^(({names})(,({names}))*)?$"}
