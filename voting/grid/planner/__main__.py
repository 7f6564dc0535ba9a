"""Command line: ``python -m voting.grid.planner --input instance.json --output plan.json``.

Reads an instance (schema.md), writes the plan in the shared format and prints its metrics
to stderr. Exit status 2 with the problems on stderr if the instance cannot be planned.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import InfeasibleError, plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m voting.grid.planner", description="Plan the session grid of an instance."
    )
    parser.add_argument("--input", required=True, help="instance JSON (shared/planner/schema.md)")
    parser.add_argument("--output", help="plan JSON to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the search (default 0)")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="safety net in seconds; the search is iteration-bound and normally ends earlier",
    )
    args = parser.parse_args(argv)
    with open(args.input, encoding="utf-8") as f:
        data = json.load(f)
    try:
        result = plan(data, time_limit=args.time_limit, seed=args.seed)
    except InfeasibleError as error:
        for problem in error.problems:
            print(f"cannot plan: {problem}", file=sys.stderr)
        return 2
    for problem in result.warnings:
        print(f"warning: {problem}", file=sys.stderr)
    text = json.dumps(result.to_json(), indent=1)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        print(text)
    print(json.dumps(result.score), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
