"""OpenSSL's own OCSP responder (`openssl ocsp`) answering for a test CA, for tests that need a real
responder: the issuing CA's certificates are in its index file, valid (V) or revoked (R)."""

from __future__ import annotations

import socket
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OpensslResponder:
    """`openssl ocsp` answering for the issuing CA from an index file (V = valid, R = revoked)."""

    def __init__(self, pki, folder: Path, port: int) -> None:
        self.pki, self.folder, self.port = pki, folder, port
        self.process: subprocess.Popen | None = None
        self.revoked: set[int] = set()

    def _index(self) -> str:
        lines = []
        for issued in self.pki.entities.values():
            cert = issued.certificate
            if cert.issuer != self.pki.issuing.certificate.subject:
                continue
            serial = format(cert.serial_number, "X")
            serial = serial if len(serial) % 2 == 0 else "0" + serial
            expiry = cert.not_valid_after_utc.strftime("%y%m%d%H%M%SZ")
            subject = "/" + "/".join(a.rfc4514_string() for a in cert.subject)
            if cert.serial_number in self.revoked:
                when = (datetime.now(UTC) - timedelta(hours=1)).strftime("%y%m%d%H%M%SZ")
                lines.append(f"R\t{expiry}\t{when}\t{serial}\tunknown\t{subject}")
            else:
                lines.append(f"V\t{expiry}\t\t{serial}\tunknown\t{subject}")
        return "\n".join(lines) + "\n"

    def start(self, *, signer=None) -> OpensslResponder:
        """Serve the index as it is now (a responder reads it at start); ``signer`` another key pair."""
        self.stop()
        (self.folder / "index.txt").write_text(self._index())
        cert, key = signer or (self.pki.issuing.cert_path, self.pki.issuing.key_path)
        log = self.folder / "responder.log"
        with log.open("w") as output:
            self.process = subprocess.Popen(
                ["openssl", "ocsp", "-index", str(self.folder / "index.txt"), "-port", str(self.port),
                 "-rsigner", str(cert), "-rkey", str(key), "-CA", str(self.pki.issuing.cert_path),
                 "-nmin", "120", "-ignore_err"],
                stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        # Ready when it says so: a probe connection would hold the one-request-at-a-time responder.
        deadline = time.monotonic() + 10
        while "waiting for OCSP client connections" not in log.read_text():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"openssl ocsp did not start: {log.read_text()!r}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
