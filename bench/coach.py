"""The listening coach's classifier: load time, latency per response, memory, model size.

Run from the repository root:

    .venv/bin/python bench/coach.py              # 5 cold loads, 3,000 classified responses
    .venv/bin/python bench/coach.py --smoke      # 1 cold load, 200 responses: does it run?

This is a benchmark, not a test: it prints figures and never fails because of them. It exits
non-zero only when the benchmark itself could not run (the model or the corpus is missing).

Each measurement runs in a fresh Python process started here, so the load time is a cold
one (importing numpy and the coach, reading the model files) and the peak memory (maximum
resident set size) is the classifier's alone. The responses are the coach's own corpus
(listener responses with the focuser's words as context), cycled in a fixed order; each is
timed on its own with `time.perf_counter`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOALS = {"load_s": 3.0, "p50_ms": 10.0, "peak_rss_mb": 600.0, "model_mb": 25.0}

CHILD = r"""
import json, resource, sys, time
started = time.perf_counter()
from felt.coach import load_model
model = load_model()
load_s = time.perf_counter() - started
from felt.coach.datasets import load_corpus
examples = load_corpus()
n = int(sys.argv[1])
latencies = []
for i in range(n):
    e = examples[i % len(examples)]
    t = time.perf_counter()
    model.classify(e.response, e.context)
    latencies.append(time.perf_counter() - t)
print(json.dumps({
    "load_s": load_s,
    "latencies_ms": [x * 1000 for x in latencies],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def run_child(responses: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(responses)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()[-1:] or ["no output"]
        raise SystemExit(f"bench/coach.py: the classifier could not run: {message[0]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5, help="cold loads to time (default 5)")
    parser.add_argument(
        "--responses", type=int, default=3000, help="responses to classify (default 3,000)"
    )
    parser.add_argument("--smoke", action="store_true", help="1 load, 200 responses")
    args = parser.parse_args()
    loads, responses = (1, 200) if args.smoke else (args.loads, args.responses)
    if loads < 1 or responses < 1:
        parser.error("--loads and --responses must be at least 1")

    model_dir = ROOT / "src" / "felt" / "coach" / "model"
    if not model_dir.is_dir():
        raise SystemExit(f"bench/coach.py: no model at {model_dir}; run `felt coach train`.")
    model_mb = sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file()) / 1e6

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    runs = [run_child(responses if i == 0 else 1) for i in range(loads)]
    load_times = [r["load_s"] for r in runs]
    latencies = runs[0]["latencies_ms"]
    figures = {
        "load_s_median": statistics.median(load_times),
        "load_s_max": max(load_times),
        "responses": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "model_mb": model_mb,
        "loads": loads,
        "smoke": args.smoke,
        "seconds": time.perf_counter() - started,
    }
    print(f"load average after: {os.getloadavg()[0]:.2f}")

    rows = [
        (
            "cold load (median)",
            f"{figures['load_s_median']:.2f} s",
            "≤ 3 s",
            figures["load_s_median"] <= GOALS["load_s"],
        ),
        ("cold load (worst)", f"{figures['load_s_max']:.2f} s", "", None),
        (
            "latency p50",
            f"{figures['p50_ms']:.2f} ms",
            "≤ 10 ms",
            figures["p50_ms"] <= GOALS["p50_ms"],
        ),
        ("latency p95", f"{figures['p95_ms']:.2f} ms", "", None),
        ("latency p99", f"{figures['p99_ms']:.2f} ms", "", None),
        (
            "peak memory (RSS)",
            f"{figures['peak_rss_mb']:.0f} MB",
            "≤ 600 MB",
            figures["peak_rss_mb"] <= GOALS["peak_rss_mb"],
        ),
        (
            "model files",
            f"{figures['model_mb']:.1f} MB",
            "≤ 25 MB",
            figures["model_mb"] <= GOALS["model_mb"],
        ),
    ]
    print(f"\nThe coach's classifier: {loads} cold load(s), {len(latencies)} responses\n")
    print(f"{'measure':<20} {'value':>12}  {'goal':<10} ")
    for name, value, goal, met in rows:
        verdict = "" if met is None else ("met" if met else "NOT MET")
        print(f"{name:<20} {value:>12}  {goal:<10} {verdict}")
    print(
        json.dumps(
            {
                "bench": "coach",
                **{k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
