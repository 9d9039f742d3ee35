"""The SQL behind a gap-free feed, and fragments for writing events set-based.

**Why a horizon.** Event ids come from a sequence at insert, but transactions commit
in any order: T1 takes id 10, T2 takes id 11 and commits first. A reader that served
11 then would move its cursor past 10 and never see it. So readers only serve ids up to
a *horizon* below which no transaction still in flight holds an id.

**PostgreSQL.** Before it inserts, a writer takes a shared, transaction-scoped advisory
lock whose key is the sequence's next value (a lower bound of every id it will get);
the lock vanishes when its transaction commits or rolls back, and other sessions see it
in ``pg_locks`` at once. A reader (1) reads the last id handed out, (2) reads the lowest
such marker held by another session, (3) serves ids up to the smaller of the last id
and (lowest marker - 1), in later statements (fresh snapshots). Any id at or below that
horizon was allocated before (1), so its writer had published its marker before (2);
no marker below it means its transaction had already ended, committed (visible to (3))
or rolled back (gone). The horizon never moves backwards, and readers never block writers.

**SQLite.** Writers are serialised: every transaction is ``BEGIN IMMEDIATE`` (settings),
so it holds the one write lock from its first statement to commit, and ids commit in
order. There is no horizon (``None``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.backends.signals import connection_created

from margin_project.money import plain

# Advisory-lock keys of our markers: this tag in the top 16 bits, the id in the low 48.
MARKER_TAG = 0x4556  # "EV"
_MARKER_BASE = MARKER_TAG << 48
_sequences: dict[str, str] = {}


def _event_sequence() -> str:
    """The name of the sequence behind ``events_event.id`` (found once per database)."""
    name = connection.settings_dict["NAME"]
    if name not in _sequences:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('events_event', 'id')")
            _sequences[name] = cursor.fetchone()[0]
    return _sequences[name]


def writer_marker_take() -> None:
    """PostgreSQL: publish, until this transaction ends, a lower bound of the ids it is about to take."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock_shared(%s + (SELECT last_value + CASE WHEN is_called "
            f"THEN 1 ELSE 0 END FROM {_event_sequence()}))",
            [_MARKER_BASE],
        )


_LOWEST_MARKER = """
    SELECT MIN(((l.classid::bigint & 65535) << 32) | l.objid::bigint)
      FROM pg_locks l
     WHERE l.locktype = 'advisory' AND l.objsubid = 1
       AND (l.classid::bigint >> 16) = %s
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.pid <> pg_backend_pid()
"""


def feed_horizon() -> int | None:
    """The highest event id a reader may serve now without skipping one later (None: no limit).

    Run the query that reads events *after* this, in its own statement. The reader's own
    uncommitted events (a test's transaction) do not hold it back: it sees them itself.
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {_event_sequence()}")
        last_value, is_called = cursor.fetchone()
        allocated = last_value if is_called else last_value - 1
        cursor.execute(_LOWEST_MARKER, [MARKER_TAG])
        lowest = cursor.fetchone()[0]
    return allocated if lowest is None else min(allocated, lowest - 1)


# --- fragments for events written by INSERT ... SELECT ------------------------------------


def json_object(pairs: dict[str, str]) -> str:
    """SQL building a JSON object from ``{"key": sql expression}`` on this backend."""
    args = ", ".join(f"'{key}', {expression}" for key, expression in pairs.items())
    if connection.vendor == "postgresql":
        return f"jsonb_build_object({args})"
    return f"json_object({args})"


def decimal_text(expression: str) -> str:
    """SQL for a decimal column as the payload's decimal string ("1.5", never "1.500000")."""
    if connection.vendor == "postgresql":
        return f"trim_scale({expression})::text"
    return f"events_decimal_text({expression})"


def date_text(expression: str) -> str:
    """SQL for a date column as "YYYY-MM-DD"."""
    if connection.vendor == "postgresql":
        return f"to_char({expression}, 'YYYY-MM-DD')"
    return f"substr({expression}, 1, 10)"


def _decimal_text(value) -> str | None:
    return None if value is None else plain(Decimal(str(value)))


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("events_decimal_text", 1, _decimal_text, deterministic=True)


def register() -> None:
    """Install the SQLite function on every new connection (called from the AppConfig)."""
    connection_created.connect(_register, dispatch_uid="margin_project.events.sql")
