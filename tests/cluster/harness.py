"""A hoso cluster on one machine, started from the deployment files of deploy/ (issue 18, items 7 and 9).

What an office installs is what runs here: the systemd units' own ``ExecStart=`` and
``EnvironmentFile=`` (only the paths of the virtual environment, the data directory and the environment
file replaced, and the port), ``deploy/hoso.env.example`` with this cluster's values put in, and nginx and
PgBouncer with ``deploy/nginx/hoso.conf`` and ``deploy/pgbouncer/pgbouncer.ini`` (addresses, ports and
paths replaced). Topology:

    clients ──TLS──▶ nginx (round robin) ──▶ hoso serve A (data dir A) ─┐
                                         └─▶ hoso serve B (data dir B) ─┼─▶ PgBouncer (transaction) ─▶ PostgreSQL
                     hoso worker A, hoso worker B (job workers) ─────────┘        (its own instance)
    shared: the evidence store, the gateway's key and certificate, the trust anchors, the secret key
    a test CA whose CRLs a loopback HTTP server publishes at its certificates' distribution points

Used by tests/cluster/ and bench/intake.py (``--servers 2``); production code never imports it. Everything
listens on 127.0.0.1 only. PostgreSQL and PgBouncer refuse to run as root: when the tests run as root they
run as the ``postgres`` user, in a folder of their own under a world-readable temporary directory.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.pki_fixtures import CrlServer, make_crl

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
VENV = Path(sys.prefix)  # the virtual environment running this (bin/hoso is its console script)
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"
DB_PASSWORD = "cluster-test-password"  # noqa: S105 — a throw-away database on loopback
SECRET_KEY = "cluster-secret-" + "k" * 50  # noqa: S105 — the one secret key of the test cluster

# Where the units and the env file name things on a real machine, and what the cluster puts instead.
UNIT_VENV, UNIT_DATA_DIR, UNIT_ENV_FILE = "/opt/hoso/venv", "/var/lib/hoso", "/etc/hoso/hoso.env"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def missing_tools() -> list[str]:
    """What this machine lacks to run a cluster (empty: everything is there)."""
    tools = {
        "initdb": PG_BIN / "initdb",
        "pg_ctl": PG_BIN / "pg_ctl",
        "pgbouncer": shutil.which("pgbouncer"),
        "nginx": shutil.which("nginx"),
    }
    return [name for name, path in tools.items() if not path or not Path(path).exists()]


# --- the deployment files ------------------------------------------------------------------------------


def replace_all(text: str, replacements: list[tuple[str, str]], what: str) -> str:
    """``text`` with each (old, new) replaced; an ``old`` not found is an error (the file changed: the
    harness must follow, not silently test something else)."""
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"{what}: {old!r} not found; deploy/ and tests/cluster/harness.py disagree")
        text = text.replace(old, new)
    return text


def unit_service(path: Path) -> dict[str, list[str]]:
    """The ``[Service]`` section of a systemd unit: key -> values (a key may repeat)."""
    section, found = None, {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]" and "=" in line:
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def unit_command(path: Path, *, venv: Path, data_dir: Path, env_file: Path, port: int | None = None):
    """(argv, environment files, working directory) of a unit, with its paths (and port) replaced."""
    service = unit_service(path)
    (command,) = service["ExecStart"]
    command = command.replace(UNIT_VENV, str(venv))
    if port is not None:
        command = replace_all(
            command, [("--host 0.0.0.0", f"--host {HOST}"), ("--port 8000", f"--port {port}")], path.name
        )
    env_files = [
        Path(f.lstrip("-").replace(UNIT_ENV_FILE, str(env_file))) for f in service["EnvironmentFile"]
    ]
    workdir = Path(service["WorkingDirectory"][0].replace(UNIT_DATA_DIR, str(data_dir)))
    return command.split(), env_files, workdir


def read_env_file(path: Path) -> dict[str, str]:
    """A systemd EnvironmentFile: KEY=VALUE lines, # and ; comments, optional quotes."""
    env = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[key.strip()] = value
    return env


def render_env_file(values: dict[str, str | None]) -> str:
    """deploy/hoso.env.example with ``values`` put in: a variable of the example is given its value (None:
    the line is dropped); a variable the example does not have is added at the end."""
    lines, seen = [], set()
    for raw in (DEPLOY / "hoso.env.example").read_text().splitlines():
        match = re.match(r"#?([A-Z][A-Z0-9_]*)=", raw)
        if match and match[1] in values:
            seen.add(match[1])
            if values[match[1]] is not None:
                lines.append(f"{match[1]}={values[match[1]]}")
            continue
        lines.append(raw)
    lines += [f"{k}={v}" for k, v in values.items() if k not in seen and v is not None]
    return "\n".join(lines) + "\n"


# --- processes -----------------------------------------------------------------------------------------


def _as_postgres() -> list[str]:
    """The command prefix that runs a PostgreSQL tool as a non-root user (initdb, postgres and PgBouncer
    refuse root)."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _give_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kill_group(process: subprocess.Popen | None, sig=signal.SIGKILL, timeout: float = 30) -> None:
    """Signal the process group of ``process`` (started with start_new_session) and wait until every
    member is gone."""
    if process is None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    deadline = time.monotonic() + timeout
    while _group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _group_alive(process.pid):
        os.killpg(process.pid, signal.SIGKILL)
        time.sleep(0.2)


def cpu_seconds(pids) -> float:
    """User + system CPU seconds of these processes, their ended children included (cutime, cstime)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / tick
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Postgres:
    """A PostgreSQL 15 instance of its own (initdb in a temporary folder, a free port): a restart or a
    crash here touches no other test's database."""

    def __init__(self, base: Path) -> None:
        self.base, self.port = base, free_port()
        self.data = base / "data"

    def _ctl(self, *args: str, timeout: float = 120) -> None:
        subprocess.run(
            [*_as_postgres(), str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "postgres.log"), *args],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip

    def start(self) -> Postgres:
        self.base.mkdir(parents=True)
        _give_to_postgres(self.base)
        subprocess.run(
            [*_as_postgres(), str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-E", "UTF8",
             "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        # The superuser over the socket of this folder (trust, the DBA's way in); everyone else over TCP
        # with a password (SCRAM), as PgBouncer and the app servers come.
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses={HOST} -c max_connections=120 -c fsync=on"
        )
        self._ctl("-w", "-o", options, "start")
        return self

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session is ended, PostgreSQL starts again."""
        self._ctl("-w", "-m", "fast", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            try:
                self._ctl("-w", "-m", "immediate", "stop", timeout=60)
            except subprocess.CalledProcessError:
                pass

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [*_as_postgres(), "psql", "-h", str(self.base), "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-Atc", sql],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return result.stdout.strip()

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def cpu_seconds(self) -> float:
        """CPU of the postmaster and its current backends (each backend's own; an ended backend's is in
        the postmaster's cutime/cstime)."""
        pid = self.postmaster_pid()
        return cpu_seconds([pid, *children(pid)])


class PgBouncer:
    """deploy/pgbouncer/pgbouncer.ini, rendered (the database's address, the listening port, the files)."""

    def __init__(self, base: Path, postgres: Postgres, pool_mode: str = "transaction") -> None:
        self.base, self.postgres, self.port = base, postgres, free_port()
        self.pool_mode = pool_mode  # deploy/'s transaction, or session (bench/intake.py --pgbouncer session)
        self.process: subprocess.Popen | None = None

    def start(self) -> PgBouncer:
        self.base.mkdir(parents=True)
        _give_to_postgres(self.base)
        secret = self.postgres.psql("SELECT rolpassword FROM pg_authid WHERE rolname = 'hoso'")
        userlist = self.base / "userlist.txt"
        userlist.write_text(f'"hoso" "{secret}"\n')
        text = replace_all(
            (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text(),
            [
                (
                    "host=127.0.0.1 port=5432 dbname=hoso",
                    f"host={HOST} port={self.postgres.port} dbname=hoso",
                ),
                ("listen_addr = 0.0.0.0", f"listen_addr = {HOST}"),
                ("listen_port = 6432", f"listen_port = {self.port}"),
                ("unix_socket_dir = /var/run/postgresql", f"unix_socket_dir = {self.base}"),
                ("/etc/pgbouncer/userlist.txt", str(userlist)),
                ("/var/log/postgresql/pgbouncer.log", str(self.base / "pgbouncer.log")),
                ("/var/run/postgresql/pgbouncer.pid", str(self.base / "pgbouncer.pid")),
                ("pool_mode = transaction", f"pool_mode = {self.pool_mode}"),
            ],
            "pgbouncer.ini",
        )
        ini = self.base / "pgbouncer.ini"
        ini.write_text(text)
        for path in (userlist, ini):
            _give_to_postgres(path)
        self.process = subprocess.Popen(
            [*_as_postgres(), "pgbouncer", str(ini)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        _wait_port(self.port, self.process, "PgBouncer", self.base / "pgbouncer.log")
        return self

    def stop(self) -> None:
        kill_group(self.process, signal.SIGTERM)


def _wait_port(port: int, process: subprocess.Popen, name: str, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise RuntimeError(f"{name} did not start:\n{tail}")


class Nginx:
    """Debian's nginx-light with deploy/nginx/hoso.conf (http context) included by a minimal nginx.conf of
    its own prefix: pid, logs and temporary folders here, in the foreground (daemon off)."""

    def __init__(self, base: Path, upstreams: list[int], static: Path) -> None:
        self.base, self.upstreams, self.static = base, upstreams, static
        self.port, self.http_port = free_port(), free_port()
        self.access_log = base / "hoso.access.log"
        self.process: subprocess.Popen | None = None
        self.cert = base / "fullchain.pem"

    def configure(self) -> list[str]:
        """Write the configuration and check it (``nginx -t``); the command that runs it."""
        self.base.mkdir(parents=True)
        _self_signed(self.cert, self.base / "privkey.pem")
        servers = "\n".join(
            f"    server {HOST}:{port} max_fails=2 fail_timeout=10s;" for port in self.upstreams
        )
        text = replace_all(
            (DEPLOY / "nginx" / "hoso.conf").read_text(),
            [
                ("    server 10.0.0.11:8000 max_fails=2 fail_timeout=10s;\n"
                 "    server 10.0.0.12:8000 max_fails=2 fail_timeout=10s;", servers),
                ("listen 80;", f"listen {HOST}:{self.http_port};"),
                ("listen 443 ssl;", f"listen {HOST}:{self.port} ssl;"),
                ("    listen [::]:80;\n", ""),  # no IPv6 on every test machine
                ("    listen [::]:443 ssl;\n", ""),
                ("/var/log/nginx/hoso.access.log", str(self.access_log)),
                ("/etc/ssl/hoso/fullchain.pem", str(self.cert)),
                ("/etc/ssl/hoso/privkey.pem", str(self.base / "privkey.pem")),
                ("/var/lib/hoso/static/", f"{self.static}/"),
            ],
            "hoso.conf",
        )  # fmt: skip
        (self.base / "hoso.conf").write_text(text)
        temp = "\n".join(
            f"    {kind}_temp_path {self.base / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.base / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {self.base / 'nginx.pid'};\n"
            f"error_log {self.base / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"    sendfile on;\n{temp}\n    include {self.base / 'hoso.conf'};\n}}\n"
        )
        command = [
            "nginx",
            "-p",
            str(self.base),
            "-c",
            str(self.base / "nginx.conf"),
            "-e",
            str(self.base / "error.log"),
        ]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration:\n{check.stderr}")
        return command

    def start(self) -> Nginx:
        command = self.configure()
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        _wait_port(self.port, self.process, "nginx", self.base / "error.log")
        return self

    def tls(self) -> ssl.SSLContext:
        """A client context that trusts this nginx's certificate (and checks the host name)."""
        return ssl.create_default_context(cafile=str(self.cert))

    def log_lines(self) -> list[str]:
        return self.access_log.read_text(errors="replace").splitlines() if self.access_log.exists() else []

    def stop(self) -> None:
        kill_group(self.process, signal.SIGQUIT)


def _self_signed(cert_path: Path, key_path: Path) -> None:
    """A certificate for 127.0.0.1 and localhost (ECDSA P-256: cheap handshakes on 2 cores)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hoso cluster test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)


class Unit:
    """A hoso process started as systemd starts the unit: its ExecStart= (paths and port replaced), the
    environment of its EnvironmentFile= and nothing else (no variable of the test run leaks in), its
    WorkingDirectory=, in a process group of its own."""

    def __init__(
        self, unit: str, *, data_dir: Path, env_file: Path, port: int | None = None, name: str = ""
    ) -> None:
        self.unit, self.data_dir, self.env_file, self.port = unit, data_dir, env_file, port
        self.name = name or unit
        self.argv, env_files, self.workdir = unit_command(
            DEPLOY / "systemd" / unit, venv=VENV, data_dir=data_dir, env_file=env_file, port=port
        )
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        for path in env_files:
            self.env |= read_env_file(path)
        self.log = data_dir.parent / f"{self.name}.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, wait: bool = True, timeout: float = 120) -> Unit:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if wait and self.port is not None:
            self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status, _, _ = get(self.port, "/healthz", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL to the whole process group (gunicorn's master and workers): no shutdown code runs."""
        kill_group(self.process, signal.SIGKILL)

    def stop(self) -> None:
        """As systemd's KillMode=mixed: SIGTERM to the main process, then SIGKILL to what is left."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        kill_group(self.process, signal.SIGKILL)

    def pids(self) -> list[int]:
        if self.process is None or self.process.poll() is not None:
            return []
        return [self.process.pid, *children(self.process.pid)]

    def log_tail(self, lines: int = 60) -> str:
        return (
            "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""
        )


def get(port: int, path: str, *, host: str = HOST, timeout: float = 10) -> tuple[int, dict, bytes]:
    """A plain HTTP GET straight to one app server (as a load balancer's probe)."""
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# --- the test CA's CRL distribution point ------------------------------------------------------------------


class CaServer(CrlServer):
    """The test CA's publication point (tests.pki_fixtures.CrlServer: CRLs at the addresses its
    certificates name, every request recorded); ``files`` may be replaced at any time."""

    @property
    def base_url(self) -> str:
        return self.base

    def fetches(self) -> int:
        return len(self.requests)

    def stop(self) -> None:
        self.close()


# --- the cluster -------------------------------------------------------------------------------------------


@dataclass
class Cluster:
    """Two app servers (separate data directories, as two machines), their job workers, nginx, PgBouncer,
    PostgreSQL, a test CA. :meth:`start` brings it all up (``hoso init`` run once per machine, at once),
    :meth:`stop` ends every process it started."""

    servers: int = 2
    workers_per_server: int = 2  # gunicorn workers of each `hoso serve` (each waits on the object store)
    job_workers: bool = True
    pool_mode: str = "transaction"  # PgBouncer's pool_mode
    env: dict = field(default_factory=dict)  # extra or changed variables of hoso.env
    base: Path = field(default=None)
    postgres: Postgres = field(default=None, init=False)
    pgbouncer: PgBouncer = field(default=None, init=False)
    nginx: Nginx = field(default=None, init=False)
    web: list = field(default_factory=list, init=False)
    worker: list = field(default_factory=list, init=False)
    ca: CaServer = field(default=None, init=False)
    ocsp: object = field(default=None, init=False)  # tests.ocsp_responder.OpensslResponder: the CA's OCSP
    pki: object = field(default=None, init=False)
    site: dict = field(default_factory=dict, init=False)  # what setup made: I-VAN keys, units, users
    crl_number: int = field(default=1, init=False)
    swift: object = field(default=None, init=False)  # tests.objectstore.SwiftServer, when installed
    store_note: str = field(default="", init=False)  # why the evidence is in a shared folder instead

    # --- set-up
    def start(self) -> Cluster:
        self.base = Path(tempfile.mkdtemp(prefix="hoso-cluster-"))
        self.base.chmod(0o755)  # PostgreSQL and PgBouncer run as postgres under it
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        from hoso.signature.pki import make_demo_pki
        from tests.ocsp_responder import OpensslResponder

        self.ca = CaServer()
        shared = self.base / "shared"  # what every machine has the same copy of (or reaches: the store)
        ocsp_port = free_port()  # the units' certificates name the issuing CA's OCSP responder
        self.pki = make_demo_pki(
            shared / "pki", crl_base_url=self.ca.base_url, ocsp_url=f"http://{HOST}:{ocsp_port}/"
        )
        self.publish_crls()
        (self.base / "ocsp").mkdir()
        self.ocsp = OpensslResponder(self.pki, self.base / "ocsp", ocsp_port).start()
        for folder, source in (
            ("anchors", self.pki.root.cert_path),
            ("intermediates", self.pki.issuing.cert_path),
        ):
            (shared / "trust" / folder).mkdir(parents=True)
            shutil.copy(source, shared / "trust" / folder / source.name)
        self.store_env = self._object_store(shared)

        self.postgres = Postgres(self.base / "postgres").start()
        self.postgres.psql(f"CREATE ROLE hoso LOGIN PASSWORD '{DB_PASSWORD}'")
        self.postgres.psql("CREATE DATABASE hoso OWNER hoso")
        # The web's statement timeout, as deploy/README.md has the DBA set it (PgBouncer takes no options).
        self.postgres.psql("ALTER ROLE hoso SET statement_timeout = '30s'")
        self.pgbouncer = PgBouncer(self.base / "pgbouncer", self.postgres, self.pool_mode).start()

        self.ports = [free_port() for _ in range(self.servers)]
        self.data_dirs = [self.base / f"server{i + 1}" / "data" for i in range(self.servers)]
        self.env_files = []
        for i, data_dir in enumerate(self.data_dirs):
            data_dir.mkdir(parents=True)
            self.env_files.append(self._env_file(i, data_dir, shared))
        self.static = self.data_dirs[0] / "static"

        # `hoso init` on every machine at once (their start-up scripts), through PgBouncer: one migrates.
        inits = [self.command(i, "init", wait=False) for i in range(self.servers)]
        for i, process in enumerate(inits):
            out, _ = process.communicate(timeout=300)
            if process.returncode != 0:
                raise RuntimeError(f"hoso init on server {i + 1} failed:\n{out[-3000:]}")
        self.site = self.python(0, "setup", json.dumps({"ivans": 10, "pki": str(self.pki.out)}))
        self.command(0, "manage", "collectstatic", "--noinput", "--verbosity", "0")

        for i in range(self.servers):
            self.web.append(Unit("hoso-web.service", data_dir=self.data_dirs[i], env_file=self.env_files[i],
                                 port=self.ports[i], name=f"web{i + 1}"))  # fmt: skip
            if self.job_workers:
                self.worker.append(Unit("hoso-worker.service", data_dir=self.data_dirs[i], env_file=self.env_files[i],
                                        name=f"worker{i + 1}"))  # fmt: skip
        for unit in self.web + self.worker:
            unit.start(wait=False)
        for unit in self.web:
            unit.wait_healthy()
        self.nginx = Nginx(self.base / "nginx", self.ports, self.static).start()

    def _object_store(self, shared: Path) -> dict:
        """The evidence store every server writes to: the real S3-compatible server (OpenStack Swift with
        s3api, tests/objectstore.py), or where Swift is not installed, one folder all servers share."""
        from tests.objectstore import SwiftServer

        if (why := SwiftServer.unavailable()) is None:
            self.swift = SwiftServer.start(self.base / "swift")
            self.swift.make_bucket("hoso-evidence")
            return self.swift.env("hoso-evidence", "hanoi")
        self.store_note = why
        (shared / "blobs").mkdir()
        return {"HOSO_BLOB_STORE": str(shared / "blobs"), "HOSO_S3_ENDPOINT_URL": None, "AWS_ACCESS_KEY_ID": None,
                "AWS_SECRET_ACCESS_KEY": None, "AWS_DEFAULT_REGION": None}  # fmt: skip

    def _env_file(self, index: int, data_dir: Path, shared: Path) -> Path:
        values = {
            "DATABASE_URL": f"postgresql://hoso:{DB_PASSWORD}@{HOST}:{self.pgbouncer.port}/hoso",
            "HOSO_SECRET_KEY": SECRET_KEY,
            "HOSO_ALLOWED_HOSTS": f"{HOST},localhost",
            "HOSO_TRUSTED_PROXIES": HOST,
            **self.store_env,
            "HOSO_GATEWAY_KEY": str(self.pki["gateway"].key_path),
            "HOSO_GATEWAY_CERT": str(self.pki["gateway"].cert_path),
            "HOSO_TRUST_ANCHORS": str(shared / "trust" / "anchors"),
            "HOSO_TRUST_INTERMEDIATES": str(shared / "trust" / "intermediates"),
            "HOSO_DATA_DIR": str(data_dir),
            "HOSO_SERVER_NAME": f"app{index + 1}",
            "HOSO_WORKERS": str(self.workers_per_server),
            "HOSO_LOG_FORMAT": "text",
            **self.env,
        }
        path = data_dir.parent / "hoso.env"
        path.write_text(render_env_file(values))
        path.chmod(0o640)
        return path

    # --- commands on a machine (the environment of its env file, as an administrator runs them)
    def environment(self, index: int) -> dict:
        return {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **read_env_file(self.env_files[index])}

    def command(self, index: int, *args: str, wait: bool = True, timeout: float = 300):
        process = subprocess.Popen(
            [str(VENV / "bin" / "hoso"), *args], env=self.environment(index), cwd=self.data_dirs[index],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        if not wait:
            return process
        out, _ = process.communicate(timeout=timeout)
        if process.returncode != 0:
            raise RuntimeError(f"hoso {' '.join(args)} failed:\n{out[-3000:]}")
        return out

    def python(self, index: int, step: str, argument: str = "{}", timeout: float = 300) -> dict:
        """A server-side step of tests/cluster/site.py, in machine ``index``'s environment."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.cluster.site", step, argument], env=self.environment(index), cwd=REPO,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"site {step} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def wait_database(self, timeout: float = 30) -> None:
        """Until a statement goes through PgBouncer to PostgreSQL again (after a restart PgBouncer refuses
        new server logins for server_login_retry, 1 s, once one failed)."""
        import psycopg

        url = read_env_file(self.env_files[0])["DATABASE_URL"]
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(url, connect_timeout=2, autocommit=True) as connection:
                    connection.execute("SELECT 1")
                return
            except psycopg.Error:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    # --- the test CA
    def revoke(self, serial: int) -> None:
        """The CA revokes a certificate: a new CRL at its distribution point, and its OCSP responder
        (restarted on the new index, as a CA's would read it) answers "revoked"."""
        self.publish_crls(revoked=[serial])
        self.ocsp.revoked.add(serial)
        self.ocsp.start()

    def publish_crls(self, *, revoked=(), lifetime: timedelta = timedelta(hours=2)) -> None:
        """New CRLs of both test CAs at their distribution points. Their nextUpdate is within a day, so
        the revocation job fetches them at every run (its rule): the fetches count the runs."""
        now = datetime.now(UTC).replace(microsecond=0)
        self.crl_number += 1
        window = {
            "this_update": now,  # newer than any OCSP answer held: the job asks the responder again
            "next_update": now + lifetime,
            "number": self.crl_number,
        }
        self.ca.files = {
            "/issuing-ca.crl": make_crl(self.pki.issuing, revoked, **window),
            "/root-ca.crl": make_crl(self.pki.root, (), **window),
        }

    # --- clients
    @property
    def url_port(self) -> int:
        return self.nginx.port

    def upstream_of(
        self, request_ids: set[str] | None = None, marker: str | None = None
    ) -> list[tuple[str, str]]:
        """(upstream address, status) of nginx's log lines holding ``marker`` (e.g. a user agent)."""
        found = []
        for line in self.nginx.log_lines():
            if marker is None or marker in line:
                upstream = re.search(r"upstream=(\S+)", line)
                status = re.search(r'" (\d{3}) ', line)
                found.append((upstream[1] if upstream else "-", status[1] if status else "-"))
        return found

    def errors(self, lines: int = 40) -> str:
        """The end of every traceback the app servers and job workers logged (for assertion messages)."""
        found = []
        for unit in self.web + self.worker:
            text = unit.log.read_text(errors="replace") if unit.log.exists() else ""
            for block in text.split("Traceback (most recent call last):")[1:]:
                found.append(f"--- {unit.name}:\n" + "\n".join(block.splitlines()[-lines:]))
        return "\n".join(found[-3:])

    # --- tear-down
    def processes(self) -> list[subprocess.Popen]:
        units = [u.process for u in self.web + self.worker]
        others = [p.process for p in (self.nginx, self.pgbouncer) if p is not None]
        return [p for p in units + others if p is not None]

    def stop(self) -> None:
        for unit in self.web + self.worker:
            unit.stop()
        for part in (self.nginx, self.pgbouncer):
            if part is not None:
                part.stop()
        if self.postgres is not None:
            self.postgres.stop()
        if self.swift is not None:
            self.swift.stop()
        if self.ca is not None:
            self.ca.stop()
        if self.ocsp is not None:
            self.ocsp.stop()

    def leftovers(self) -> list[str]:
        """Processes of this cluster still alive after :meth:`stop` (empty when the tear-down is clean):
        any process whose command line names the cluster's folder, and the process groups it started."""
        found = []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            try:
                cwd = os.readlink(proc / "cwd")
            except OSError:
                cwd = ""
            mine = self.base is not None and (str(self.base) in cmdline or cwd.startswith(str(self.base)))
            if mine and int(proc.name) != os.getpid():
                found.append(f"{proc.name}: {cmdline[:200]}")
        found += [f"group {p.pid}" for p in self.processes() if _group_alive(p.pid)]
        return found

    def remove(self) -> None:
        if self.base is not None:
            shutil.rmtree(self.base, ignore_errors=True)
