"""A throw-away OpenStack Swift with its S3 API (``s3api``) on loopback, for tests against a real
S3-compatible server (issue 18, item 8).

Debian's packages (``swift-proxy swift-object swift-container swift-account``; ``make system-deps``)
provide the servers; this module writes everything else into a folder of the test's: ``swift.conf``
(its own hash prefix and suffix), one-replica account, container and object rings with a single
device, the four servers' configurations, and starts the servers as the current user with
``workers = 0`` (one process each, no fork)::

    with SwiftServer.start(tmp_path) as swift:
        swift.make_bucket("evidence")
        env = swift.env("evidence")  # HOSO_BLOB_STORE=s3://evidence/evidence, endpoint, credentials

Swift reads the hash prefix and suffix from ``/etc/swift/swift.conf`` (its ``swift_dir`` option only
places the rings), so the servers are not run through the ``swift-*-server`` scripts but through a few
lines that point ``swift.common.utils.SWIFT_CONF_FILE`` at the test's own ``swift.conf`` first, then
call the same ``run_wsgi``: nothing outside the test's folder is read or written. The rings are built
with Swift's ``RingBuilder`` (what ``swift-ring-builder create/add/rebalance/write_ring`` runs), all three
in one interpreter, ~0.5 s instead of 4.5 s for nine ``swift-ring-builder`` commands.

The object server keeps metadata in ``user.`` extended attributes: the device folder is placed in the
test's folder when its file system supports them, else under ``/dev/shm`` or the temporary folder
(removed by :meth:`SwiftServer.stop`). No memcached: the proxy's ``cache`` middleware is in the
pipeline (tempauth wants it) and simply misses. Each server dies with the process that started it
(``PR_SET_PDEATHSIG``: the *thread* that called :meth:`start`, so start it from a thread that lives as
long as the server should), so an interrupted test run leaves no server behind.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["SwiftServer"]

SERVERS = ("account", "container", "object")
START_TIMEOUT_SECONDS = 30.0

# Run one Swift server: our swift.conf before anything reads /etc/swift/swift.conf, then run_wsgi.
_LAUNCH = """
import ctypes, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: die with the test
swift_dir, conf, section = sys.argv[1:4]
from swift.common import utils
utils.SWIFT_CONF_FILE = swift_dir + "/swift.conf"
utils.HASH_PATH_PREFIX = utils.HASH_PATH_SUFFIX = b""
utils.validate_configuration()
from swift.common import storage_policy
storage_policy.reload_storage_policies()
from swift.common.wsgi import run_wsgi
options = {}
if section == "object-server":
    from swift.obj import server
    options["global_conf_callback"] = server.global_conf_callback
sys.exit(run_wsgi(conf, section, verbose=True, **options))
"""

_BUILD_RINGS = """
import sys
from swift.common.ring import RingBuilder
swift_dir = sys.argv[1]
for name, port in zip(("account", "container", "object"), sys.argv[2:5]):
    builder = RingBuilder(part_power=4, replicas=1, min_part_hours=0)
    builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port),
                     "device": "d1", "weight": 100.0, "meta": ""})
    builder.rebalance()
    builder.save(f"{swift_dir}/{name}.builder")
    builder.get_ring().save(f"{swift_dir}/{name}.ring.gz")
"""

_PROXY_PIPELINE = (
    "catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl ratelimit "
    "s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server"
)


def _swift_python() -> str | None:
    """The interpreter Debian's Swift scripts run with (their shebang), or None."""
    script = shutil.which("swift-proxy-server")
    if script is None:
        return None
    with open(script, "rb") as handle:
        first = handle.readline().decode(errors="replace")
    if not first.startswith("#!"):
        return None
    words = first[2:].split()
    return words[0] if words and os.access(words[0], os.X_OK) else None


def _supports_xattrs(folder: str | Path) -> bool:
    try:
        with tempfile.NamedTemporaryFile(dir=folder) as probe:
            os.setxattr(probe.name, "user.swift.probe", b"1")
            return os.getxattr(probe.name, "user.swift.probe") == b"1"
    except OSError:
        return False


def _xattr_folder() -> str | None:
    for candidate in (tempfile.gettempdir(), "/dev/shm", "/tmp", "/var/tmp"):
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK) and _supports_xattrs(candidate):
            return candidate
    return None


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _self_signed(folder: Path) -> Path:
    """A self-signed certificate for 127.0.0.1 (``proxy.pem``, its key ``proxy.key``); its path."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hoso test Swift")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    (folder / "proxy.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (folder / "proxy.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return folder / "proxy.pem"


class SwiftServer:
    """A running throw-away Swift (account, container, object and proxy servers) with S3 on loopback."""

    ACCOUNT, USER, KEY = "test", "tester", "testing"
    REGION = "us-east-1"  # s3api's default `location`: what SigV4 must be signed for

    def __init__(
        self,
        base_dir: Path,
        endpoint_url: str,
        processes: dict,
        scratch: str | None,
        ca_file: Path | None = None,
    ) -> None:
        self.base_dir = base_dir
        self.endpoint_url = endpoint_url
        self.ca_file = ca_file  # with tls=True: the certificate the proxy serves, for AWS_CA_BUNDLE
        self.access_key = f"{self.ACCOUNT}:{self.USER}"  # tempauth's S3 access key is account:user
        self.secret_key = self.KEY
        self.processes = processes  # name -> Popen
        self._scratch = scratch  # a device folder made outside base_dir (no xattrs there), removed at stop

    # --- availability and start ----------------------------------------------------------------------

    @staticmethod
    @functools.cache
    def unavailable() -> str | None:
        """Why Swift cannot run here (a reason to skip), or None."""
        python = _swift_python()
        if python is None:
            return (
                "OpenStack Swift is not installed (no swift-proxy-server on PATH): "
                "`make system-deps` installs swift-proxy swift-object swift-container swift-account"
            )
        if shutil.which("swift-ring-builder") is None:
            return "swift-ring-builder is not on PATH (Debian package `swift`)"
        modules = "swift.common.middleware.s3api.s3api, swift.proxy.server, swift.obj.server, "
        modules += "swift.account.server, swift.container.server, swift.common.ring"
        probe = subprocess.run([python, "-c", f"import {modules}"], capture_output=True, text=True)
        if probe.returncode:
            return f"Swift's Python modules do not import with {python}: {probe.stderr.strip()[-300:]}"
        if _xattr_folder() is None:
            return "no writable folder supports user.* extended attributes, which Swift's object server needs"
        try:
            pwd.getpwuid(os.getuid())
        except KeyError:
            return f"the current user id {os.getuid()} has no name, which Swift's `user` option needs"
        return None

    @classmethod
    def start(cls, base_dir: Path, *, tls: bool = False) -> SwiftServer:
        """Configure and start Swift in ``base_dir``; return once S3 answers a signed request. With
        ``tls`` the proxy serves https with a self-signed certificate for 127.0.0.1 (``ca_file``;
        :meth:`env` then gives ``AWS_CA_BUNDLE``): boto3 behaves differently over https."""
        reason = cls.unavailable()
        if reason:
            raise RuntimeError(f"Swift cannot run here: {reason}")
        python = _swift_python()
        base_dir = Path(base_dir)
        swift_dir = base_dir / "etc"
        swift_dir.mkdir(parents=True, exist_ok=True)
        scratch = None
        if _supports_xattrs(base_dir):
            devices = base_dir / "devices"
        else:
            scratch = tempfile.mkdtemp(prefix="hoso-swift-", dir=_xattr_folder())
            devices = Path(scratch) / "devices"
        (devices / "d1").mkdir(parents=True, exist_ok=True)
        ports = dict(zip((*SERVERS, "proxy"), _free_ports(4), strict=True))
        ca_file = _self_signed(swift_dir) if tls else None
        cls._write_configs(swift_dir, devices, ports, tls=tls)
        subprocess.run(
            [python, "-c", _BUILD_RINGS, str(swift_dir), *(str(ports[n]) for n in SERVERS)],
            check=True,
            capture_output=True,
        )
        processes = {}
        scheme = "https" if tls else "http"
        server = cls(base_dir, f"{scheme}://127.0.0.1:{ports['proxy']}", processes, scratch, ca_file)
        try:
            for name in (*SERVERS, "proxy"):
                log = open(base_dir / f"{name}-server.log", "ab")  # noqa: SIM115 (closed in stop)
                processes[name] = subprocess.Popen(
                    [python, "-c", _LAUNCH, str(swift_dir), str(swift_dir / f"{name}-server.conf"),
                     f"{name}-server"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=base_dir,
                )  # fmt: skip
                processes[name].log = log
            server._wait_until_ready(ports)
        except BaseException:
            server.stop()
            raise
        return server

    @staticmethod
    def _write_configs(swift_dir: Path, devices: Path, ports: dict[str, int], *, tls: bool = False) -> None:
        token = secrets.token_hex(8)
        (swift_dir / "swift.conf").write_text(
            "[swift-hash]\n"
            f"swift_hash_path_prefix = hoso-test-{token}\n"
            f"swift_hash_path_suffix = hoso-test-{token}\n\n"
            "[storage-policy:0]\nname = Policy-0\ndefault = yes\n"
        )
        user = pwd.getpwuid(os.getuid()).pw_name
        common = (
            "[DEFAULT]\n"
            f"bind_ip = 127.0.0.1\nworkers = 0\nuser = {user}\nswift_dir = {swift_dir}\n"
            f"devices = {devices}\nmount_check = false\nlog_level = INFO\n"
        )
        for name in SERVERS:
            (swift_dir / f"{name}-server.conf").write_text(
                f"{common}bind_port = {ports[name]}\n\n"
                f"[pipeline:main]\npipeline = healthcheck {name}-server\n\n"
                "[filter:healthcheck]\nuse = egg:swift#healthcheck\n\n"
                f"[app:{name}-server]\nuse = egg:swift#{name}\n\n"
                f"[{name}-replicator]\n[{name}-auditor]\n"
            )
        (swift_dir / "proxy-server.conf").write_text(
            f"{common}bind_port = {ports['proxy']}\n"
            + (f"cert_file = {swift_dir}/proxy.pem\nkey_file = {swift_dir}/proxy.key\n" if tls else "")
            + f"\n[pipeline:main]\npipeline = {_PROXY_PIPELINE}\n\n"
            "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n\n"
            "[filter:tempauth]\nuse = egg:swift#tempauth\n"
            f"user_{SwiftServer.ACCOUNT}_{SwiftServer.USER} = {SwiftServer.KEY} .admin\n\n"
            f"[filter:s3api]\nuse = egg:swift#s3api\nlocation = {SwiftServer.REGION}\n\n"
            "[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:1\n\n"
            + "".join(
                f"[filter:{f}]\nuse = egg:swift#{f.replace('-', '_')}\n\n"
                for f in (
                    "catch_errors",
                    "gatekeeper",
                    "healthcheck",
                    "proxy-logging",
                    "listing_formats",
                    "bulk",
                    "tempurl",
                    "ratelimit",
                    "copy",
                    "slo",
                    "dlo",
                    "versioned_writes",
                )
            )  # fmt: skip
        )

    def _wait_until_ready(self, ports: dict[str, int]) -> None:
        """Every server answers its /healthcheck, then S3 answers a signed ListBuckets."""
        import ssl
        import urllib.request

        context = ssl.create_default_context(cafile=self.ca_file) if self.ca_file else None
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        waiting = dict(ports)
        last_error: Exception | None = None
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"Swift's {name} server exited ({process.returncode}):\n{self.logs(name)}"
                    )
            for name, port in list(waiting.items()):
                url = (
                    f"{self.endpoint_url}/healthcheck"
                    if name == "proxy"
                    else f"http://127.0.0.1:{port}/healthcheck"
                )
                try:
                    with urllib.request.urlopen(url, timeout=1, context=context) as answer:
                        if answer.status == 200:
                            del waiting[name]
                except OSError as exc:
                    last_error = exc
            if not waiting:
                try:
                    self.client().list_buckets()
                    return
                except Exception as exc:  # the auth middleware or the account server still starting
                    last_error = exc
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"Swift did not answer within {START_TIMEOUT_SECONDS:.0f} s ({last_error!r}):\n"
                    + "\n".join(self.logs(n) for n in self.processes)
                )
            time.sleep(0.05)

    # --- use ----------------------------------------------------------------------------------------

    def client(self):
        """A boto3 S3 client for this server (path-style addresses, as Swift has no bucket host names)."""
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint_url,
            verify=str(self.ca_file) if self.ca_file else None,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.REGION,
            config=Config(
                s3={"addressing_style": "path"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def make_bucket(self, name: str) -> None:
        client = self.client()
        with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
            client.create_bucket(Bucket=name)

    def env(self, bucket: str, prefix: str = "evidence") -> dict[str, str]:
        """What a hoso process needs to keep its evidence in ``bucket`` under ``prefix``."""
        return {
            "HOSO_BLOB_STORE": f"s3://{bucket}/{prefix}" if prefix else f"s3://{bucket}",
            "HOSO_S3_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.REGION,
            **({"AWS_CA_BUNDLE": str(self.ca_file)} if self.ca_file else {}),
        }

    def logs(self, name: str) -> str:
        path = self.base_dir / f"{name}-server.log"
        text = path.read_text(errors="replace") if path.is_file() else ""
        return f"--- {name} server ---\n{text[-3000:]}"

    @property
    def running(self) -> bool:
        return bool(self.processes) and all(p.poll() is None for p in self.processes.values())

    def stop(self) -> None:
        """Stop every server (SIGTERM, then SIGKILL after 5 s) and remove the scratch device folder."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.log.close()
        self.processes.clear()
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> SwiftServer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


if __name__ == "__main__":  # python tests/objectstore.py: start one, time it, stop it
    why = SwiftServer.unavailable()
    if why:
        sys.exit(why)
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, SwiftServer.start(Path(folder)) as swift:
        print(f"Swift answers S3 at {swift.endpoint_url} after {time.monotonic() - began:.2f} s")
