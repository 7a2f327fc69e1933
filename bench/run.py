"""`make bench` / `python -m bench.run [--scale small|1m|10m] [NAME ...]`: run the benchmarks.

Results go to bench/results/<name>-<scale>.json. The default scale is small (a quick check); the
figures the issues ask for are measured with --scale 1m and --scale 10m.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
from pathlib import Path

from bench.harness import Results


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default=os.environ.get("CCHC_BENCH_SCALE", "small"), choices=["small", "1m", "10m"])
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    arguments = parser.parse_args()
    folder = Path(__file__).resolve().parent
    names = arguments.names or [
        module.name for module in pkgutil.iter_modules([str(folder)]) if module.name.startswith("bench_")
    ]
    for name in names:
        module = importlib.import_module(f"bench.{name if name.startswith('bench_') else 'bench_' + name}")
        results = Results(name=name.removeprefix("bench_"), scale=arguments.scale)
        print(f"== {results.name} ({arguments.scale})", flush=True)
        module.run(results, arguments.scale)
        print(f"   → {results.write()}", flush=True)


if __name__ == "__main__":
    main()
