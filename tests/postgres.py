"""A fresh database on the run's PostgreSQL (the ``postgres_server`` fixture), for a test of its own."""

from __future__ import annotations

import itertools

_NUMBERS = itertools.count(1)


def fresh_database(server) -> str:
    name = f"test_{next(_NUMBERS)}"
    server.psql(f"CREATE DATABASE {name};")
    return server.get_uri(name)
