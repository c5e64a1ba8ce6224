"""How a signed-in person is loaded on each request.

Every signed-in request reads the user, their organisation (scoping, navigation, "Signed in for")
and their roles (every permission). They are read in one query whose SQL is made once per process
and database from the models' own fields, rather than put together by the ORM on each request: the
ORM's query building costs about a millisecond here, a tenth of a typical page's CPU under load
(`make bench`). The rows become model instances exactly as the ORM's would (Django's converters
for each column, then `Model.from_db`), so nothing else can tell the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from django.db.models import Model

from accounts.models import Organisation, RoleGrant, User

# The roles, joined with commas in one column (a role holds no comma).
_JOINED_ROLES = {
    "postgresql": "STRING_AGG({role}, ',')",
    "sqlite": "GROUP_CONCAT({role}, ',')",
}


class UserBackend(ModelBackend):
    """Django's ModelBackend, loading the user with their organisation and roles in one query."""

    def get_user(self, user_id: Any) -> Any:
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def signed_in_user(user_id: Any) -> User | None:
    """The user `user_id` (as kept in the session) with their organisation and roles, or None."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    alias = router.db_for_read(User)
    query = _query(alias)
    if query is None:  # a database without a statement above: the ORM's way
        users = User._default_manager.db_manager(alias).select_related("organisation")
        return users.filter(pk=pk).first()
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(query.sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    user_end = len(query.user.fields)
    org_end = user_end + len(query.organisation.fields)
    user = query.user.instance(row[:user_end], connection)
    if user.organisation_id is None:
        user.organisation = None
        user.roles = frozenset()
    else:
        user.organisation = query.organisation.instance(
            row[user_end:org_end], connection
        )
        user.roles = frozenset(filter(None, (row[org_end] or "").split(",")))
    return user


@dataclass(frozen=True)
class _Columns:
    """One model's columns in the statement, and how a row's values become an instance."""

    model: type[Model]
    fields: tuple[Any, ...]
    sql: str
    converters: tuple[tuple[Any, list[Any]], ...]

    @classmethod
    def of(cls, model: type[Model], table: str, connection: Any) -> _Columns:
        quote = connection.ops.quote_name
        fields = tuple(model._meta.concrete_fields)
        converters = []
        for field in fields:
            column = field.get_col(table)
            converters.append(
                (
                    column,
                    connection.ops.get_db_converters(column)
                    + column.get_db_converters(connection),
                )
            )
        return cls(
            model=model,
            fields=fields,
            sql=", ".join(f"{quote(table)}.{quote(f.column)}" for f in fields),
            converters=tuple(converters),
        )

    def instance(self, values: tuple[Any, ...], connection: Any) -> Any:
        converted = []
        for value, (column, converters) in zip(values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            converted.append(value)
        return self.model.from_db(
            connection.alias, [f.attname for f in self.fields], converted
        )


@dataclass(frozen=True)
class _Query:
    sql: str
    user: _Columns
    organisation: _Columns


@cache
def _query(alias: str) -> _Query | None:
    connection = connections[alias]
    joined = _JOINED_ROLES.get(connection.vendor)
    if joined is None:
        return None
    quote = connection.ops.quote_name

    def column(model: type[Model], name: str) -> str:
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
        return f"{quote(model._meta.db_table)}.{quote(field.column)}"

    user = _Columns.of(User, User._meta.db_table, connection)
    organisation = _Columns.of(Organisation, Organisation._meta.db_table, connection)
    roles = joined.format(role=column(RoleGrant, "role"))
    # Identifiers only, each from the models and quoted by the database's own rules; the one
    # value (the user's id) is a parameter.
    sql = (
        f"SELECT {user.sql}, {organisation.sql}, "  # nosec B608
        f"(SELECT {roles} FROM {quote(RoleGrant._meta.db_table)} "
        f"WHERE {column(RoleGrant, 'user')} = {column(User, 'pk')}) "
        f"FROM {quote(User._meta.db_table)} "
        f"LEFT OUTER JOIN {quote(Organisation._meta.db_table)} "
        f"ON {column(Organisation, 'pk')} = {column(User, 'organisation')} "
        f"WHERE {column(User, 'pk')} = %s"
    )
    return _Query(sql=sql, user=user, organisation=organisation)
