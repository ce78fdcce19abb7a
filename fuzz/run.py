"""Run fuzz targets for a bounded time: `python fuzz/run.py TARGET|all --seconds N`."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _child(target: str, seconds: int, corpus: str) -> None:
    import atheris

    sys.path.insert(0, str(HERE))
    with atheris.instrument_imports(include=["hoso", "targets"]):
        import targets  # noqa: F401  — instrument our code paths

        import hoso.barcode.chunks  # noqa: F401
        import hoso.dossier  # noqa: F401
        import hoso.policy  # noqa: F401
        import hoso.xmlsafe  # noqa: F401
    function = targets.TARGETS[target]
    atheris.Setup(
        [
            sys.argv[0],
            corpus,
            f"-max_total_time={seconds}",
            "-timeout=10",
            "-rss_limit_mb=1024",
            "-print_final_stats=1",
        ],
        function,
    )
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", choices=["envelope", "verify", "barcode", "policy", "all"])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.target, args.seconds, args.corpus)
        return 0
    sys.path.insert(0, str(HERE))
    from targets import TARGETS, seeds

    failed = []
    all_seeds = seeds()
    for name in TARGETS if args.target == "all" else [args.target]:
        with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as corpus:
            for index, seed in enumerate(all_seeds[name]):
                Path(corpus, f"seed-{index}").write_bytes(seed)
            print(f"== {name} ({args.seconds} s)", flush=True)
            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    name,
                    "--seconds",
                    str(args.seconds),
                    "--child",
                    "--corpus",
                    corpus,
                ],
                cwd=corpus,
            )
            if result.returncode != 0:
                failed.append(name)
    print("fuzz: " + (f"FAILED {', '.join(failed)}" if failed else "no crash found"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
