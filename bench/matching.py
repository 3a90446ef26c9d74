"""The matching engine: quality against the exact optimum, and a directory of 50,000.

Run from the repository root:

    .venv/bin/python bench/matching.py            # 5 instances up to 2,000 members, then 50,000
    .venv/bin/python bench/matching.py --quick    # small sizes, a few seconds (CI); also --smoke
    .venv/bin/python bench/matching.py --sizes 500 1000 --scale 20000

This is a benchmark, not a test: it prints figures and never fails because of them. It exits
non-zero only when the benchmark itself could not run.

Quality. Each instance is a random directory of the realistic kind (felt.matching.samples:
about forty time zones with their own clock changes, twelve languages of Zipf-like
popularity, two to ten availability windows each, and pairs declined in earlier rounds), over
a six-week horizon that crosses the American and European clock changes of March 2027. Every
possible pair is listed exhaustively (engine.possible_pairs: everyone against everyone with
the exact rules), networkx's max_weight_matching finds the exact optimum on that graph, and
the engine's total score is divided by the optimum's. Both totals use the same score.
Besides the total, the table shows the pairs each made and the ratio of the part of the score
above the per-pair points (the preferences: shared hours, cadence, experience), which is the
harder part to get right.

Scale. A directory of 50,000 is matched in a fresh process, so that its peak memory (the
process's maximum resident set, input included) is its own. The time is the engine's alone
(`engine.match`), not the making of the random directory. "Could be matched" is the number of
members with at least one possible partner (the engine finds that exactly: a member its
sampled candidates leave without one is compared with everyone who shares a language and a
way to meet), an upper bound on how many any matching can pair.

The machine's other work skews the times: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from felt.matching import engine, samples  # noqa: E402
from felt.matching.availability import Horizon  # noqa: E402

# Wednesday 3 March 2027: the six weeks ahead hold the US change (14 March) and the EU's (28th).
ROUND_AT = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)
QUALITY_SIZES = (250, 500, 1000, 1500, 2000)
QUICK_SIZES = (60, 120)
SCALE = 50_000
QUICK_SCALE = 1_000


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def quality(size: int, seed: int) -> dict:
    import networkx as nx

    seekers, declined = samples.directory(size, seed=seed)
    horizon = Horizon.after(ROUND_AT)
    began = time.perf_counter()
    result = engine.match(seekers, horizon=horizon, excluded=declined)
    engine_seconds = time.perf_counter() - began

    began = time.perf_counter()
    possible = engine.possible_pairs(seekers, horizon=horizon, excluded=declined)
    graph = nx.Graph()
    graph.add_weighted_edges_from(possible)
    exact = nx.max_weight_matching(graph)
    exact_seconds = time.perf_counter() - began
    weight = {(a, b): score for a, b, score in possible}
    optimum = sum(weight[(min(a, b), max(a, b))] for a, b in exact)

    ours = result.total_score
    base = engine.PAIR_POINTS
    return {
        "members": size,
        "seed": seed,
        "possible_pairs": len(possible),
        "ratio": ours / optimum if optimum else 1.0,
        "pairs": len(result.pairs),
        "exact_pairs": len(exact),
        "preference_ratio": (
            (ours - base * len(result.pairs)) / (optimum - base * len(exact))
            if optimum > base * len(exact)
            else 1.0
        ),
        "engine_seconds": round(engine_seconds, 2),
        "exact_seconds": round(exact_seconds, 1),
    }


def scale(size: int, seed: int) -> dict:
    """Match `size` members (run in a process of its own by the caller)."""
    seekers, declined = samples.directory(size, seed=seed)
    horizon = Horizon.after(ROUND_AT)
    began = time.perf_counter()
    result = engine.match(seekers, horizon=horizon, excluded=declined)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "members": size,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_mb),
        "matched": result.matched,
        "could_be_matched": result.matchable,
        "matched_share": result.matched / result.matchable if result.matchable else 1.0,
        "matched_of_all": result.matched / size,
        "candidate_pairs": result.candidate_pairs,
        "phases": result.stats.get("seconds", {}),
    }


def scale_in_own_process(size: int, seed: int) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--scale-only", str(size), "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the scale run failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", "--smoke", action="store_true", help="small sizes, for CI")
    parser.add_argument("--sizes", type=int, nargs="*", help="members in each quality instance")
    parser.add_argument("--scale", type=int, help="members in the scale run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale-only", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.scale_only:
        print(json.dumps(scale(options.scale_only, options.seed)))
        return 0

    sizes = options.sizes or (QUICK_SIZES if options.quick else QUALITY_SIZES)
    scale_size = options.scale or (QUICK_SCALE if options.quick else SCALE)
    print(f"load average before: {load()}  ({os.cpu_count()} cores)")

    print("\nQuality against the exact optimum (networkx max_weight_matching)")
    header = (
        f"{'members':>8} {'seed':>5} {'pairs possible':>15} {'ratio':>8} {'pairs':>11} "
        f"{'preferences':>12} {'engine s':>9} {'exact s':>8}"
    )
    print(header)
    print("-" * len(header))
    rows = []
    for k, size in enumerate(sizes):
        row = quality(size, seed=options.seed + 100 * k)
        rows.append(row)
        print(
            f"{row['members']:>8} {row['seed']:>5} {row['possible_pairs']:>15} "
            f"{row['ratio']:>8.4f} {row['pairs']:>5}/{row['exact_pairs']:<5} "
            f"{row['preference_ratio']:>12.4f} {row['engine_seconds']:>9.2f} "
            f"{row['exact_seconds']:>8.1f}",
            flush=True,
        )
    ratios = [row["ratio"] for row in rows]
    print(f"minimum ratio {min(ratios):.4f}, median {statistics.median(ratios):.4f}")

    print(f"\nScale: {scale_size} members, in a process of its own")
    big = scale_in_own_process(scale_size, options.seed)
    print(
        f"  {big['seconds']:.1f} s, peak {big['peak_mb']} MB, "
        f"{big['matched']} matched of {big['could_be_matched']} who could be "
        f"({100 * big['matched_share']:.2f} %; {100 * big['matched_of_all']:.2f} % of all "
        f"{big['members']}), {big['candidate_pairs']} candidate pairs; phases {big['phases']}"
    )
    print(f"load average after: {load()}")

    print(
        json.dumps(
            {
                "quality_min": round(min(ratios), 5),
                "quality_median": round(statistics.median(ratios), 5),
                "largest_exact_n": max(row["members"] for row in rows),
                "instances": len(rows),
                "preference_ratio_min": round(min(row["preference_ratio"] for row in rows), 5),
                "scale_members": big["members"],
                "seconds_50k": big["seconds"],
                "peak_mb_50k": big["peak_mb"],
                "matched_share_50k": round(big["matched_share"], 5),
                "matched_50k": big["matched"],
                "could_be_matched_50k": big["could_be_matched"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
