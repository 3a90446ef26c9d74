"""How long a call takes to start: from both partners' pages opening to sound arriving.

Run from the repository root (as root, or where unprivileged user namespaces are allowed):

    .venv/bin/python bench/call.py               # 10 runs without TURN, 10 forced through TURN
    .venv/bin/python bench/call.py --runs 3      # a quick look

This is a measurement, not a test: it prints figures and never fails because of them; it exits
non-zero only when it could not run at all.

Each setup runs in a private network namespace with loopback only (tests/call/netns_call.py
under `unshare -n`): a Felt server of its own (SQLite, in-process channel layer), Debian's
Chromium with its fake microphone and camera and, for "turn", Debian's coturn with Felt's
short-lived credentials and iceTransportPolicy "relay", so every byte goes through the relay.
One server, browser and coturn serve all runs of a setup; each run opens both partners' room
pages in fresh browser contexts at the same moment.

A run's figure is the time from telling both pages to open the room until each of the two has
received audio from the other (the later of the two), read from WebRTC's statistics
(inbound-rtp bytesReceived > 0), polled every 25 ms. It includes loading the page, the room's
socket, the microphone and camera, the ICE servers, signalling, ICE and DTLS: everything a
person waits through. On loopback the network itself costs nearly nothing, so this is the
software's share of the wait; a real network adds its round trips.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.call.harness import make_sqlite_template, missing_tools, run_scenario  # noqa: E402

SETUPS = {"direct": "timed-direct", "turn": "timed-relay"}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of them at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per setup (default 10)")
    parser.add_argument("--setups", nargs="+", choices=sorted(SETUPS), default=["direct", "turn"])
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"bench/call.py needs {', '.join(missing)}", file=sys.stderr)
        return 2

    summary: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="felt-bench-call-") as tmp:
        workdir = Path(tmp)
        template = make_sqlite_template(workdir)
        for name in args.setups:
            result = run_scenario(
                SETUPS[name],
                template=template,
                workdir=workdir / name,
                runs=args.runs,
                timeout=120 + 45 * args.runs,
            )
            times = result["audio_seconds"]
            good = [t for t in times if t is not None]
            last = result["last"]["media"]
            summary[name] = {
                "runs": len(times),
                "failed": len(times) - len(good),
                "median_seconds": round(statistics.median(good), 3) if good else None,
                "p90_seconds": round(percentile(good, 0.9), 3) if good else None,
                "min_seconds": round(min(good), 3) if good else None,
                "max_seconds": round(max(good), 3) if good else None,
                "candidate_types": sorted(
                    {last[side]["stats"]["localCandidateType"] or "none" for side in last}
                ),
                "all_seconds": [None if t is None else round(t, 3) for t in times],
            }
            # Where the time goes: each step's median, in ms since that page began loading.
            summary[name]["steps_median_ms"] = {
                side: {
                    step: round(statistics.median(run[side][step] for run in result["steps"]))
                    for step in ("call_start", "media", "peer", "connected", "audio_track")
                    if all(step in run[side] for run in result["steps"])
                }
                for side in ("ada", "bo")
            }
            figures = summary[name]
            print(
                f"{name:>6}: median {figures['median_seconds']} s, p90 {figures['p90_seconds']} s "
                f"over {len(good)}/{len(times)} runs (min {figures['min_seconds']}, max "
                f"{figures['max_seconds']}); selected candidates: "
                f"{', '.join(figures['candidate_types'])}",
                flush=True,
            )
            for side, steps in figures["steps_median_ms"].items():
                print(f"        {side} (median ms since the page began loading): {steps}")
    print(
        json.dumps(
            {"bench": "call", "measure": "both pages open -> first audio bytes both ways"} | summary
        )
    )
    return 0 if summary else 1


if __name__ == "__main__":
    raise SystemExit(main())
