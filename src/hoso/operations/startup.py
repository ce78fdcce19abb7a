"""Starting the gateway safely: `hoso init` serialised across processes and machines, `hoso serve`
refusing a database that is behind, and the gunicorn command line (trusted proxies).

- Any number of `hoso init` (or `hoso demo`) may run at once against one database: the first takes
  the init lock and migrates and loads the reference data, the others wait for it and then find
  nothing left to do. On PostgreSQL the lock is a transaction-level advisory lock (``INIT_LOCK_KEY``)
  taken in a transaction that a connection of its own keeps open for the whole init, so that nothing
  migrate does to Django's connection can drop it, and so that it also holds through a transaction-mode
  pooler (PgBouncer gives a client one server session for the length of a transaction only: a
  session-level lock taken through it would stay with a pooled session, never released); on SQLite an
  exclusive ``flock`` on ``DATA_DIR/init.lock`` (SQLite's own lock is per transaction, and migrate runs
  many).
- `hoso serve` never migrates: it compares the migrations on disk with those recorded in the database
  (Django's migration executor, as ``runserver`` does) and refuses to start when any is not applied.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# pg_advisory_lock's key (a bigint): the bytes b"hosoinit". Advisory locks are per database, so two
# gateways with databases of their own on one PostgreSQL server never wait for each other. Never change
# it: during an upgrade, an `hoso init` of one version must exclude one of the next.
INIT_LOCK_KEY = 0x686F736F_696E6974
INIT_LOCK_FILE = "init.lock"  # in the data directory (SQLite)

WAITING_MESSAGE = (
    "Một lệnh `hoso init` khác đang chạy trên cơ sở dữ liệu này; đang chờ lệnh đó xong… "
    "/ Another `hoso init` is running on this database; waiting for it to finish…"
)


def _say_waiting() -> None:
    print(WAITING_MESSAGE, file=sys.stderr, flush=True)


@contextmanager
def init_lock(on_wait: Callable[[], None] = _say_waiting) -> Iterator[None]:
    """Hold the init lock of the configured database for the body; ``on_wait`` is called once if
    another process holds it (then this one waits, however long that takes)."""
    from django.db import DEFAULT_DB_ALIAS, connections

    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        with _advisory_lock(on_wait):
            yield
    else:
        with _file_lock(on_wait):
            yield


@contextmanager
def _advisory_lock(on_wait: Callable[[], None]) -> Iterator[None]:
    from django.db import DEFAULT_DB_ALIAS, connections

    holder = connections.create_connection(DEFAULT_DB_ALIAS)  # a session of its own
    try:
        holder.ensure_connection()
        raw = holder.connection  # the driver's connection: the transaction is ours, not Django's
        raw.autocommit = False
        with raw.cursor() as cursor:
            # However long the other init takes: no statement, lock or idle timeout set for the role or
            # in DATABASE_URL may end the wait or the transaction that holds the lock. SET LOCAL: nothing
            # outlives the transaction (a pooled server session is left as it was found).
            cursor.execute("SET LOCAL statement_timeout = 0")
            cursor.execute("SET LOCAL lock_timeout = 0")
            cursor.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [INIT_LOCK_KEY])
            if not cursor.fetchone()[0]:
                on_wait()
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INIT_LOCK_KEY])
        try:
            yield
        finally:
            raw.rollback()  # ends the transaction, which releases the lock (it changed nothing)
    finally:
        holder.close()  # ends the session, which would release the lock in any case


@contextmanager
def _file_lock(on_wait: Callable[[], None]) -> Iterator[None]:
    import fcntl

    from django.conf import settings

    fd = os.open(Path(settings.DATA_DIR) / INIT_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield  # released when the descriptor is closed (or the process ends)
    finally:
        os.close(fd)


# --- `hoso serve`: is the database up to date? --------------------------------------------------------


@dataclass(frozen=True)
class SchemaState:
    initialised: bool  # any migration recorded in the database
    pending: tuple[str, ...]  # "app.migration" on disk and not applied, in the order they would run

    @property
    def current(self) -> bool:
        return self.initialised and not self.pending

    def refusal(self) -> str:
        """Why `hoso serve` will not start, in Vietnamese then English."""
        if not self.initialised:
            return (
                "Cơ sở dữ liệu chưa được khởi tạo: hãy chạy `hoso init` trước khi chạy `hoso serve`.\n"
                "The database has not been initialised: run `hoso init` before `hoso serve`."
            )
        names = ", ".join(self.pending[:5]) + (", …" if len(self.pending) > 5 else "")
        count = len(self.pending)
        return (
            f"Cơ sở dữ liệu chưa được cập nhật cho phiên bản này: còn {count} bước chuyển đổi (migration) "
            f"chưa áp dụng ({names}). Hãy chạy `hoso init` rồi chạy lại `hoso serve`.\n"
            f"The database is behind this version: {count} migration{'s' if count > 1 else ''} not "
            f"applied ({names}). Run `hoso init`, then `hoso serve` again."
        )


def schema_state() -> SchemaState:
    """Compare the migrations on disk with those the database records (reads only; never migrates).

    An SQLite file that does not exist yet is not created: it is simply not initialised."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name != ":memory:" and not name.startswith("file:") and not Path(name).exists():
            return SchemaState(initialised=False, pending=())
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return SchemaState(
        initialised=bool(executor.loader.applied_migrations),
        pending=tuple(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan),
    )


# --- the gunicorn command line ------------------------------------------------------------------------


def forwarded_allow_ips(trusted_proxies: Iterable[str] | str | None) -> str:
    """gunicorn's ``--forwarded-allow-ips`` from HOSO_TRUSTED_PROXIES: the addresses and networks (CIDR)
    joined by commas, or "" — nobody — when none is configured.

    gunicorn's own default trusts 127.0.0.1 and ::1 (or the FORWARDED_ALLOW_IPS variable). The gateway
    passes its setting instead, always: a peer not listed cannot make a request look HTTPS
    (X-Forwarded-Proto) or set the forwarder headers; a reverse proxy on the same machine is listed like
    any other (``127.0.0.1``, ``::1``)."""
    if trusted_proxies is None:
        trusted_proxies = []
    elif isinstance(trusted_proxies, str):
        trusted_proxies = trusted_proxies.split(",")
    values = [str(value).strip() for value in trusted_proxies if str(value).strip()]
    for value in values:
        if value == "*":
            continue  # gunicorn: trust every peer (only when nothing else can reach the server)
        try:
            ipaddress.ip_network(value)  # strict, as gunicorn checks: 10.0.0.1/8 is refused
        except ValueError:
            raise SystemExit(
                f"HOSO_TRUSTED_PROXIES: {value!r} không phải địa chỉ IP hay dải mạng (CIDR, ví dụ "
                f"10.0.0.0/8). / {value!r} is not an IP address or network (CIDR, e.g. 10.0.0.0/8)."
            ) from None
    return ",".join(values)


def gunicorn_command(
    *, host: str, port: int, workers: int, trusted_proxies: Iterable[str] | str | None = ()
) -> list[str]:
    """The command `hoso serve` replaces itself with."""
    return [
        sys.executable, "-m", "gunicorn", "hoso.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(max(1, workers)),
        "--forwarded-allow-ips", forwarded_allow_ips(trusted_proxies),
        "--access-logfile", "-",
        "--graceful-timeout", "20",
        "--timeout", "60",
    ]  # fmt: skip
