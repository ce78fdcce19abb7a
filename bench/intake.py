"""Reception throughput over HTTP: concurrent I-VAN clients submitting signed envelopes to a real
`hoso serve` (several gunicorn worker processes), on SQLite and on PostgreSQL.

For each database it prints dossiers per second, p50 / p99 latency, and the same figures for an
authenticated no-op request (GET /api/v1/ping: key check and rate limit, no dossier) measured in the same
run on the same server — the framework floor — with the ratio of the two. The two kinds run in
alternating rounds, so that other load on the machine weighs on both alike. It also prints the CPU
milliseconds each answered request cost the gunicorn workers, PostgreSQL (every postgres process of the
machine) and this client: steadier than requests per second on a shared machine, and what bounds the
throughput (2 cores / CPU per dossier). Goal (issue 5, item 12):
≥ 170 dossiers/s on PostgreSQL with p99 < 250 ms at 50 concurrent clients (200,000 dossiers, a month of
Hanoi's volume, in under 20 minutes on a 2-core machine).

That run is a closed loop: each client sends again as soon as it is answered, so the latency is the
queue in front of a saturated server (clients / throughput). ``--paced RATE`` adds open-loop runs:
dossiers offered at RATE a second by the same clients, each latency counted from when the dossier was
due (a server that falls behind shows its backlog), which is how long an I-VAN waits at that volume.
Dossiers arrive at random (``--arrivals poisson``, the default: independent senders, bursts and
lulls) or evenly (``--arrivals even``). ``--paced 170`` is the goal's volume.

    .venv/bin/python bench/intake.py                      # SQLite, and PostgreSQL when DATABASE_URL is set
    .venv/bin/python bench/intake.py --dossiers 3000 --clients 50 --workers 5
    .venv/bin/python bench/intake.py --db postgresql --paced 100 --paced 170
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hoso_dev .venv/bin/python bench/intake.py --db postgresql
    .venv/bin/python bench/intake.py --db postgresql --own-postgres   # PostgreSQL CPU of this run alone
    .venv/bin/python bench/intake.py --servers 2 --pgbouncer session  # two servers, prepared statements
    .venv/bin/python bench/intake.py --quick                          # does it still run? (the suite's check)

Everything runs on 127.0.0.1, in throw-away data directories (and a throw-away PostgreSQL database).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests.cluster.harness (--servers 2)

from hoso.commands import default_workers  # noqa: E402
from hoso.testing.loadtest import ARRIVALS, Server, make_envelopes, percentile, prepare, run_clients  # noqa: E402


def _cpu_seconds(pids) -> float:
    """User + system CPU seconds of these processes so far (those that have ended count nothing)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def run_cluster(args) -> dict:
    """The same closed loop through nginx (TLS, round robin) to two `hoso serve`, PgBouncer in transaction
    mode and a PostgreSQL of their own (tests/cluster/harness.py, the deploy/ files): dossiers a second and
    the CPU of that PostgreSQL (postmaster and backends, ended ones included) per dossier."""
    from tests.cluster.harness import Cluster

    from hoso.signature.sign import Pkcs12Signer
    from hoso.testing.envelopes import envelope

    env = {"HOSO_API_RATE": "1000000", "HOSO_API_BURST": "1000000", "HOSO_LOG_LEVEL": "WARNING"}
    if args.pgbouncer == "session":
        # Each worker's connection keeps its server session: statements may be prepared again.
        env["HOSO_PG_PREPARE_THRESHOLD"] = "2"
    cluster = Cluster(
        servers=2, workers_per_server=args.workers, job_workers=False, pool_mode=args.pgbouncer, env=env,
    )  # fmt: skip
    try:
        print("[cluster] starting two servers, nginx, PgBouncer, PostgreSQL…", file=sys.stderr, flush=True)
        cluster.start()
        unit = cluster.site["units"]["unit-valid"]
        signer = Pkcs12Signer.from_file(unit["p12"], cluster.site["password"])
        ivans = sorted(cluster.site["keys"])
        today = time.localtime()
        made = [
            (ivans[i % len(ivans)], envelope(unit_code=unit["code"], tax_code=unit["tax_code"], signer=signer,
                                             ivan=ivans[i % len(ivans)], employees=1 + i % 3, seed=i,
                                             period=time.strftime("%m/%Y", today)))
            for i in range(args.dossiers + args.warmup)
        ]  # fmt: skip
        tls = cluster.nginx.tls()
        from hoso.testing.loadtest import request, run_sessions

        def send(_session, job):
            ivan, raw = job
            return request(cluster.nginx.port, "POST", "/api/v1/dossiers", key=cluster.site["keys"][ivan],
                           body=raw, tls=tls)  # fmt: skip

        run_sessions(range(10), made[: args.warmup], send=send)
        postgres, cpu, started = cluster.postgres.cpu_seconds(), time.process_time(), time.perf_counter()
        results = run_sessions(range(args.clients), made[args.warmup :], send=send)
        seconds = time.perf_counter() - started
        used = {"postgres": cluster.postgres.cpu_seconds() - postgres}
        return {"db": "2 servers", "summary": summarise(results, seconds, time.process_time() - cpu, used)}
    finally:
        cluster.stop()
        cluster.remove()


# With --own-postgres, the CPU seconds of that PostgreSQL alone (tests.cluster.harness.Postgres.cpu_seconds).
_own_postgres_cpu = None


def server_cpu(server: Server) -> dict[str, float]:
    """CPU seconds used so far by the gunicorn workers and by PostgreSQL — every postgres process of the
    machine, or with --own-postgres that PostgreSQL's alone (other databases' load then does not count):
    per request, a figure far steadier on a shared machine than requests per second."""
    workers = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True)
    if _own_postgres_cpu is not None:
        postgres = _own_postgres_cpu()
    else:
        found = subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True)
        postgres = _cpu_seconds(int(p) for p in found.stdout.split())
    return {"workers": _cpu_seconds(int(p) for p in workers.stdout.split()), "postgres": postgres}


def summarise(results, elapsed: float, cpu: float, server: dict | None = None) -> dict:
    ok = [r for r in results if r.status in (200, 201)]
    latencies = [r.seconds for r in ok]
    statuses: dict = {}
    for r in results:
        statuses[r.status or r.error[:40]] = statuses.get(r.status or r.error[:40], 0) + 1
    return {
        "count": len(ok),
        "per_second": len(ok) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.50),
        "p99_ms": 1000 * percentile(latencies, 0.99),
        "statuses": statuses,
        "seconds": elapsed,
        "client_cpu": cpu / elapsed,  # cores used by this client process (the server has the rest)
        # CPU milliseconds per answered request: the workers, PostgreSQL, this client
        "cpu_ms": {k: 1000 * v / max(1, len(ok)) for k, v in {**(server or {}), "client": cpu}.items()},
    }


def measure_interleaved(
    server: Server, key: str, dossier_jobs, noop_jobs, clients: int, rounds: int
) -> tuple:
    """Dossiers and no-ops in alternating rounds (the order flipped each round), so that a change in the
    machine's load during the run weighs on both alike; each kind is summed over its rounds."""
    totals = {"dossiers": ([], 0.0, 0.0), "noop": ([], 0.0, 0.0)}
    used = {"dossiers": {}, "noop": {}}  # server CPU seconds by process kind
    for i in range(rounds):
        batches = {
            "dossiers": dossier_jobs[i * len(dossier_jobs) // rounds : (i + 1) * len(dossier_jobs) // rounds],
            "noop": noop_jobs[i * len(noop_jobs) // rounds : (i + 1) * len(noop_jobs) // rounds],
        }
        for kind in ("dossiers", "noop") if i % 2 == 0 else ("noop", "dossiers"):
            results, seconds, cpu, server_used = timed_run(server, key, batches[kind], clients)
            done, total_seconds, total_cpu = totals[kind]
            totals[kind] = (done + results, total_seconds + seconds, total_cpu + cpu)
            for name, value in server_used.items():
                used[kind][name] = used[kind].get(name, 0.0) + value
    return summarise(*totals["dossiers"], used["dossiers"]), summarise(*totals["noop"], used["noop"])


def timed_run(
    server: Server, key: str, jobs, clients: int, rate: float | None = None, arrivals: str = "even"
) -> tuple:
    """Run ``jobs``: their results, the seconds taken, this client's CPU seconds and the server's."""
    before = server_cpu(server)
    cpu, started = time.process_time(), time.perf_counter()
    results = run_clients(server.port, key, jobs, clients=clients, rate=rate, arrivals=arrivals)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return results, seconds, cpu, {k: v - before[k] for k, v in server_cpu(server).items()}


def own_postgres(base: Path):
    """A PostgreSQL of this run's own (tests/cluster/harness.py: initdb in ``base``, a free port) and a
    superuser URL to it: its CPU is this benchmark's alone, whatever else the machine's PostgreSQL serves."""
    global _own_postgres_cpu
    from tests.cluster.harness import HOST, Postgres

    postgres = Postgres(base).start()
    postgres.psql("CREATE ROLE bench LOGIN SUPERUSER PASSWORD 'bench'")
    _own_postgres_cpu = postgres.cpu_seconds
    return postgres, f"postgresql://bench:bench@{HOST}:{postgres.port}/postgres"


def run(db: str, args) -> dict:
    global _own_postgres_cpu
    if db == "postgresql" and args.own_postgres:
        base = Path(tempfile.mkdtemp(prefix="hoso-bench-pg-"))
        base.chmod(0o755)
        postgres, url = own_postgres(base / "postgres")
        try:
            return _run(db, args, url)
        finally:
            _own_postgres_cpu = None
            postgres.stop()
            shutil.rmtree(base, ignore_errors=True)
    database_url = os.environ.get("DATABASE_URL") if db == "postgresql" else None
    if db == "postgresql" and not database_url:
        raise SystemExit(
            "--db postgresql needs DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/hoso_dev) "
            "or --own-postgres"
        )
    return _run(db, args, database_url)


def _run(db: str, args, database_url: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"hoso-bench-{db}-") as tmp:
        site = prepare(
            Path(tmp),
            database_url=database_url,
            # The rate limit stays on (its cost is part of every request), high enough not to refuse.
            extra_env={"HOSO_API_RATE": "1000000", "HOSO_API_BURST": "1000000", "HOSO_LOG_LEVEL": "WARNING"},
        )
        try:
            print(f"[{db}] signing {args.dossiers} envelopes…", file=sys.stderr, flush=True)
            paced_count = args.paced_dossiers * len(args.paced or [])
            envelopes = make_envelopes(site, args.dossiers + args.warmup + paced_count)
            with Server(site, workers=args.workers) as server:
                warm = [("POST", "/api/v1/dossiers", e) for e in envelopes[: args.warmup]]
                run_clients(server.port, site.key, warm + [("GET", "/api/v1/ping", None)] * 50, clients=10)
                jobs = [("POST", "/api/v1/dossiers", e) for e in envelopes[args.warmup :]]
                jobs, paced_jobs = jobs[: args.dossiers], jobs[args.dossiers :]
                noops = [("GET", "/api/v1/ping", None)] * args.noop
                dossiers, noop = measure_interleaved(server, site.key, jobs, noops, args.clients, args.rounds)
                paced = []
                for i, rate in enumerate(args.paced or []):
                    batch = paced_jobs[i * args.paced_dossiers : (i + 1) * args.paced_dossiers]
                    run = timed_run(server, site.key, batch, args.clients, rate, args.arrivals)
                    paced.append((rate, summarise(*run)))
        finally:
            site.close()
    return {"db": db, "dossiers": dossiers, "noop": noop, "paced": paced}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--dossiers", type=int, default=2000)
    parser.add_argument("--noop", type=int, default=4000, help="no-op requests for the floor")
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=6, help="alternating rounds of dossiers and no-ops")
    parser.add_argument("--workers", type=int, default=default_workers(), help="as `hoso serve` starts")
    parser.add_argument(
        "--paced",
        type=float,
        action="append",
        metavar="RATE",
        help="also offer dossiers at RATE a second (open loop, same clients; latency counted from when "
        "each was due): the wait at a given volume rather than at saturation. Repeatable.",
    )
    parser.add_argument("--paced-dossiers", type=int, default=1000, help="dossiers for each --paced rate")
    parser.add_argument(
        "--servers", type=int, choices=[1, 2], default=1,
        help="2: also through nginx to two servers over PgBouncer and a PostgreSQL of their own "
        "(tests/cluster/harness.py), beside the one-server PostgreSQL run",
    )  # fmt: skip
    parser.add_argument(
        "--pgbouncer", choices=["transaction", "session"], default="transaction",
        help="--servers 2: PgBouncer's pool mode — transaction as deploy/ has it (no prepared statements "
        "with PgBouncer 1.18), or session (each worker keeps its server session; statements prepared)",
    )  # fmt: skip
    parser.add_argument(
        "--own-postgres", action="store_true",
        help="run the PostgreSQL figures on a PostgreSQL of this run's own (initdb; no DATABASE_URL needed), "
        "so that only this benchmark's work is counted as PostgreSQL's CPU",
    )  # fmt: skip
    parser.add_argument(
        "--quick", action="store_true",
        help="a few dozen requests, to check that the benchmark still runs (the suite runs it; figures meaningless)",
    )  # fmt: skip
    parser.add_argument(
        "--arrivals",
        choices=ARRIVALS,
        default="poisson",
        help="how --paced dossiers are spread: at random as from independent senders (default), or evenly",
    )
    args = parser.parse_args()
    if args.quick:
        args.dossiers, args.noop, args.warmup, args.clients, args.rounds = 40, 40, 4, 4, 2
        args.paced_dossiers = 20
    if any(rate <= 0 for rate in args.paced or []):
        parser.error("--paced takes a positive number of dossiers a second")
    with_postgres = os.environ.get("DATABASE_URL") or args.own_postgres
    dbs = args.db or (["sqlite", "postgresql"] if with_postgres else ["sqlite"])
    if args.servers == 2:
        dbs = args.db or ["postgresql"]
    print(
        f"{args.clients} clients, {args.workers} workers, {os.cpu_count()} cores, {args.dossiers} dossiers per database"
    )
    print(
        f"{'db':<11} {'dossiers/s':>10} {'p50 ms':>8} {'p99 ms':>8} | {'no-op/s':>8} {'p50 ms':>8} {'p99 ms':>8} | ratio  statuses"
    )
    for db in dbs:
        r = run(db, args)
        d, n = r["dossiers"], r["noop"]
        print(
            f"{db:<11} {d['per_second']:>10.1f} {d['p50_ms']:>8.1f} {d['p99_ms']:>8.1f} | "
            f"{n['per_second']:>8.1f} {n['p50_ms']:>8.1f} {n['p99_ms']:>8.1f} | "
            f"{d['per_second'] / n['per_second']:.3f}  {d['statuses']}",
            flush=True,
        )
        month = 200_000 / d["per_second"] / 60
        fast, short = d["per_second"] >= 170, d["p99_ms"] < 250
        print(
            f"{'':<11} 200,000 dossiers would take {month:.1f} min (≥ 170/s: {'met' if fast else 'not met'}); "
            f"p99 < 250 ms with every client always waiting: {'met' if short else 'not met'} "
            f"(the mean alone is {args.clients} clients / throughput)"
        )
        cpu = "  ".join(
            f"{k} {d['cpu_ms'][k]:.2f} ({n['cpu_ms'][k]:.2f})"
            for k in d["cpu_ms"]
            if d["cpu_ms"][k] or db != "sqlite"
        )
        print(f"{'':<11} CPU ms per dossier (per no-op): {cpu}")
        print(
            f"{'':<11} client process used {d['client_cpu']:.2f} cores while submitting, "
            f"{n['client_cpu']:.2f} during the no-op run (of {os.cpu_count()}); load average {os.getloadavg()[0]:.1f}"
        )
        for rate, p in r["paced"]:
            print(
                f"{'':<11} offered {rate:.0f}/s ({args.arrivals} arrivals, {args.clients} clients): "
                f"answered {p['per_second']:.1f}/s, p50 {p['p50_ms']:.1f} ms, p99 {p['p99_ms']:.1f} ms, "
                f"{p['statuses']}; CPU ms per dossier: workers {p['cpu_ms']['workers']:.2f}"
            )
            if rate >= 170:
                kept = p["count"] == args.paced_dossiers and p["p99_ms"] < 250
                print(
                    f"{'':<11} the month's volume at {rate:.0f}/s, p99 < 250 ms: {'met' if kept else 'not met'}"
                )
    if args.servers == 2:
        c = run_cluster(args)["summary"]
        print(
            f"{'2 servers':<11} {c['per_second']:>10.1f} {c['p50_ms']:>8.1f} {c['p99_ms']:>8.1f} | through nginx (TLS), "
            f"PgBouncer ({args.pgbouncer}), {args.workers} workers each  {c['statuses']}"
        )
        print(
            f"{'':<11} PostgreSQL CPU ms per dossier: {c['cpu_ms']['postgres']:.2f}; client {c['cpu_ms']['client']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
