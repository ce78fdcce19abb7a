"""Run fuzz targets for a bounded time: `python fuzz/run.py TARGET|all --seconds N`.

Each target runs in its own process (the "child"), where every hoso module is imported for the first time
inside ``atheris.instrument_imports``, so all the code a target reaches gives coverage feedback. After each
run this prints the edges covered, parsed from libFuzzer's last ``cov:`` figure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTRUMENTED = ("hoso", "targets")  # top-level names whose modules must be instrumented
STATS = re.compile(r"\bcov: (\d+) ft: (\d+)")
INSTRUMENTING = re.compile(r"^INFO: Instrumenting (\S+)")
ARTIFACT = re.compile(r"Test unit written to (\S+)")
LATE = "fuzz: NOT INSTRUMENTED"
ARTIFACTS = Path(tempfile.gettempdir(), "hoso-fuzz-artifacts")  # crash inputs outlive the run's temp dir


def _ours(module: str) -> bool:
    return module.split(".", 1)[0] in INSTRUMENTED


class _LateImportAlarm:
    """After instrumentation: a hoso module imported now runs uninstrumented; say so (on stderr)."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: ANN001 — the meta path protocol
        if _ours(fullname) and fullname not in sys.modules:
            print(f"{LATE}: {fullname} imported after instrumentation", file=sys.stderr, flush=True)
        return None


def _child(target: str, seconds: int, corpus: str, max_len: int, artifacts: str) -> None:
    import atheris

    early = sorted(m for m in sys.modules if _ours(m))
    if early:  # imported before the hook: atheris would silently leave them uninstrumented
        sys.exit(f"fuzz: imported before instrumentation, hence not instrumented: {', '.join(early)}")
    sys.path.insert(0, str(HERE))
    with atheris.instrument_imports(include=list(INSTRUMENTED)):
        import targets  # imports every hoso module any target reaches

        function = targets.TARGETS[target]
        # Run the seeds once, still under the hook: anything a target imports lazily is instrumented too.
        for seed in sorted(Path(corpus).iterdir()):
            with contextlib.suppress(Exception):  # a crashing seed is libFuzzer's to report, with its input
                function(seed.read_bytes()[:max_len])
    sys.meta_path.insert(0, _LateImportAlarm())
    atheris.Setup(
        [
            sys.argv[0],
            corpus,
            f"-max_total_time={seconds}",
            f"-max_len={max_len}",
            "-timeout=10",
            "-rss_limit_mb=1024",
            "-print_final_stats=1",
            f"-artifact_prefix={artifacts}/{target}-",
        ],
        function,
    )
    atheris.Fuzz()


def _run_one(name: str, seconds: int, seeds, max_len: int, artifacts: Path) -> tuple[bool, str]:
    """Run one target in a child process, relaying its output; returns (ok, summary line)."""
    artifacts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as work:
        corpus, trust = Path(work, "corpus"), Path(work, "trust")
        corpus.mkdir()
        trust.mkdir()
        for index, seed in enumerate(seeds.by_target[name]):
            Path(corpus, f"seed-{index}").write_bytes(seed)
        for index, der in enumerate(seeds.anchors):
            Path(trust, f"anchor-{index}.der").write_bytes(der)
        print(f"== {name} ({seconds} s, {len(seeds.by_target[name])} seeds)", flush=True)
        child = subprocess.Popen(
            [
                sys.executable,
                __file__,
                name,
                "--seconds",
                str(seconds),
                "--child",
                "--corpus",
                str(corpus),
                "--max-len",
                str(max_len),
                "--artifacts",
                str(artifacts),
            ],
            cwd=work,
            env=os.environ | {"HOSO_FUZZ_TRUST": str(trust)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        )
        seen: dict[str, list] = {"stats": [], "modules": [], "late": [], "artifacts": []}

        def relay(stream, sink) -> None:
            for line in stream:
                sink.write(line)
                sink.flush()
                if found := STATS.search(line):
                    seen["stats"].append((int(found[1]), int(found[2])))
                elif found := INSTRUMENTING.match(line):
                    seen["modules"].append(found[1])
                elif line.startswith(LATE):
                    seen["late"].append(line.split(": ")[2].split()[0])
                elif found := ARTIFACT.search(line):
                    seen["artifacts"].append(found[1])

        threads = [
            threading.Thread(target=relay, args=(child.stdout, sys.stdout)),
            threading.Thread(target=relay, args=(child.stderr, sys.stderr)),
        ]
        for thread in threads:
            thread.start()
        returncode = child.wait()
        for thread in threads:
            thread.join()

    hoso_modules = [m for m in seen["modules"] if m != "targets"]
    if seen["stats"]:
        edges, features = seen["stats"][-1]
        initial = seen["stats"][0][0]
        coverage = f"{edges} edges covered (seeds alone: {initial}; {features} features)"
    else:
        coverage = "no coverage reported"
    coverage += f", {len(hoso_modules)} hoso modules instrumented"
    if seen["late"]:
        coverage += f", NOT instrumented: {', '.join(sorted(set(seen['late'])))}"
    verdict = "no crash found" if returncode == 0 else f"FAILED (exit {returncode})"
    if seen["artifacts"]:
        verdict += f", input in {', '.join(seen['artifacts'])}"
    return returncode == 0, f"== {name}: {coverage}, {verdict}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", help="envelope, verify, barcode, policy, certificate, or all")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--max-len", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--artifacts", default=str(ARTIFACTS), help=f"where crash inputs are written (default {ARTIFACTS})"
    )
    args = parser.parse_args()
    if args.child:  # nothing of hoso may be imported before this point
        _child(args.target, args.seconds, args.corpus, args.max_len, args.artifacts)
        return 0

    sys.path[:0] = [str(HERE), str(HERE.parent)]  # targets and seeds; the repository root for tests.
    from seeds import make_seeds
    from targets import MAX_LEN, TARGETS

    if args.target != "all" and args.target not in TARGETS:
        parser.error(f"unknown target {args.target!r}: choose from {', '.join(TARGETS)} or all")
    seeds = make_seeds()
    for note in seeds.notes:
        print(note, flush=True)
    failed, summaries = [], []
    for name in TARGETS if args.target == "all" else [args.target]:
        ok, summary = _run_one(name, args.seconds, seeds, MAX_LEN[name], Path(args.artifacts))
        print(summary, flush=True)
        summaries.append(summary)
        if not ok:
            failed.append(name)
    if len(summaries) > 1:
        print("\n".join(summaries))
    print("fuzz: " + (f"FAILED {', '.join(failed)}" if failed else "no crash found"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
