"""A tiny benchmark harness: time several runs, keep the median, write machine-readable results.

Benchmarks report ratios against a baseline measured in the same run (the machine's speed drifts;
ratios hold). Each benchmark module under bench/ defines `run(results: Results, scale: str)`.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def timed(function: Callable[[], Any], repeat: int = 3, setup: Callable[[], Any] | None = None) -> dict[str, float]:
    """Median, minimum and maximum wall seconds over `repeat` runs (setup is not timed)."""
    seconds = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return {"median_s": statistics.median(seconds), "min_s": min(seconds), "max_s": max(seconds), "runs": repeat}


@dataclass
class Results:
    name: str
    scale: str
    figures: dict[str, Any] = field(default_factory=dict)

    def add(self, key: str, value: Any) -> None:
        self.figures[key] = value
        shown = value.get("median_s") if isinstance(value, dict) else value
        print(f"  {key}: {shown}", flush=True)

    def ratio(self, key: str, numerator: str, denominator: str, limit: float | None = None) -> None:
        top = self.figures[numerator]["median_s"]
        bottom = self.figures[denominator]["median_s"]
        value = top / bottom if bottom else float("inf")
        self.figures[key] = {
            "ratio": round(value, 3),
            "of": numerator,
            "over": denominator,
            "limit": limit,
            "within_limit": None if limit is None else value <= limit,
        }
        print(f"  {key}: {value:.2f}×" + (f" (limit {limit}×)" if limit else ""), flush=True)

    def paired_ratio(
        self, key: str, numerator: str, denominator: str, pairs: list[float], limit: float | None = None
    ) -> None:
        """A ratio from runs taken in turn (A, B, A, B …): the median of each pair's ratio, which
        holds when the machine's speed drifts between runs better than a ratio of medians."""
        value = statistics.median(pairs)
        self.figures[key] = {
            "ratio": round(value, 3),
            "pairs": [round(pair, 3) for pair in pairs],
            "of": numerator,
            "over": denominator,
            "limit": limit,
            "within_limit": None if limit is None else value <= limit,
        }
        print(
            f"  {key}: {value:.2f}× by pairs {[round(pair, 2) for pair in pairs]}"
            + (f" (limit {limit}×)" if limit else ""),
            flush=True,
        )

    def write(self) -> Path:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{self.name}-{self.scale}.json"
        payload = {
            "benchmark": self.name,
            "scale": self.scale,
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
            "figures": self.figures,
        }
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
        return path
