"""Benchmark of the session-grid planner against the greedy baseline and the best known scores.

    python bench/planner.py                        # the public instances of shared/planner
    python bench/planner.py --xl                   # ... plus generated xl instances (seeds 1, 2)
    python bench/planner.py --generate large --seeds 7 8 --pins 5 --previous

Per instance: the planner's score, greedy's, the best known score (``incumbent`` of
optima.json, "-" for generated instances), the planner's share of it, its share of greedy,
and the seconds of ``parse_instance`` + ``plan`` in this process (interpreter start-up and JSON
reading not included). Every plan is checked by the shared scorer. Generating instances needs
numpy (the kit's generator uses it): ``--generator-python`` names an interpreter that has it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KIT = REPO.parent / "shared" / "planner"
sys.path[:0] = [str(REPO), str(KIT)]

from greedy import greedy_plan  # noqa: E402  (the kit's baseline)
from score import check_instance, evaluate, validate  # noqa: E402  (the kit's judge)

from voting.grid.planner import parse_instance, plan  # noqa: E402


def generated(size: str, seed: int, pins: int, previous: bool, python: str) -> dict:
    argv = [python, str(KIT / "generate.py"), size, "--seed", str(seed), "--pins", str(pins)]
    if previous:
        argv.append("--previous")
    done = subprocess.run(argv, capture_output=True, text=True, cwd=KIT)
    if done.returncode:
        sys.exit(f"generate.py failed (numpy missing? try --generator-python):\n{done.stderr}")
    return json.loads(done.stdout)


def run(name: str, data: dict, best: int | None) -> None:
    check_instance(data)
    greedy = evaluate(data, validate(data, greedy_plan(data)))["score"]
    start = time.perf_counter()
    result = plan(parse_instance(data))
    seconds = time.perf_counter() - start
    judged = evaluate(data, validate(data, result.to_json()))
    assert judged["score"] == result.score["score"], (judged, result.score)
    share = f"{judged['score'] / best:.4f}" if best else "-"
    moves = "-" if judged["moves"] is None else judged["moves"]
    print(
        f"{name:<24}{judged['score']:>8}{greedy:>8}{best or '-':>8}{share:>8}"
        f"{judged['score'] / greedy:>8.3f}{moves:>7}{seconds:>9.2f}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--xl", action="store_true", help="add generated xl instances (seeds 1, 2)")
    parser.add_argument("--generate", metavar="SIZE", help="only generated instances of this size")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pins", type=int, default=0)
    parser.add_argument("--previous", action="store_true")
    parser.add_argument("--generator-python", default=sys.executable)
    args = parser.parse_args(argv)

    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}"
    )
    print(
        f"{'instance':<24}{'score':>8}{'greedy':>8}{'best':>8}{'share':>8}{'/greedy':>8}"
        f"{'moves':>7}{'seconds':>9}"
    )
    if not args.generate:
        optima = json.loads((KIT / "public" / "optima.json").read_text())
        for path in sorted((KIT / "public").glob("*.json")):
            if path.stem != "optima":
                run(
                    path.stem,
                    json.loads(path.read_text()),
                    optima.get(path.stem, {}).get("incumbent"),
                )
    sizes = [args.generate] if args.generate else (["xl"] if args.xl else [])
    for size in sizes:
        for seed in args.seeds:
            data = generated(size, seed, args.pins, args.previous, args.generator_python)
            label = (
                f"{size}-s{seed}"
                + (f"-p{args.pins}" if args.pins else "")
                + ("-prev" if args.previous else "")
            )
            run(label, data, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
