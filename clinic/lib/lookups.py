"""``field__any_of=[…]``: membership in a list of integers passed as one value.

On PostgreSQL it is ``field = ANY(%s)`` with the list as a single array parameter, so a
thousand ids cost one parameter instead of a thousand (Django's ``__in`` builds and binds one
placeholder per id); elsewhere it is an ordinary ``IN`` list. Used for a person's object grants
in the case scope.
"""

from __future__ import annotations

from typing import Any

from django.db import models


@models.Field.register_lookup
class AnyOf(models.Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(item) for item in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]
        if not ids:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]
