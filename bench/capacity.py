"""
What this machine can serve, per endpoint, and what share of it the plenum's scenario asks for.

    .venv/bin/python bench/capacity.py [--phones 1000] [--votes 15] [--duration 60] [--seconds 4]

The same stack as `bench/load.py` (granian, PostgreSQL, Redis on 127.0.0.1, its camp), driven
by wrk (`apt-get install wrk`): a load generator in C that needs a few percent of a core, so
what is measured is the server's own capacity on the machine. Each endpoint runs as a closed
loop of 64 connections; the endpoints take turns in `--rounds` rounds (this VM's speed drifts)
and each capacity is the median of its rounds.

The scenario's demand follows from `bench/load.py`'s phones: each polls the pitch every 2 s and
the plan every 3 s, casts `--votes` votes over `--duration` seconds, and opens three pages
while the phones arrive (the first third of the run). Serving a request of an endpoint takes
1 / capacity of the machine; summed over the requests the scenario sends per second, that is
the share of the machine it needs. Above 100 % the queues grow as long as the load lasts, and
no latency target holds.

On Linux it also splits each request's CPU by where it was spent: the app server's processes,
PostgreSQL's and Redis's (their CPU time from /proc before and after, over the requests).
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import string
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402  (bench/load.py: the camp and the server)

VOTE_SCRIPT = string.Template("""
local cookies, sessions, counter = {}, {}, 0
init = function(args)
  for line in io.lines(args[1]) do cookies[#cookies + 1] = line end
  for line in io.lines(args[2]) do sessions[#sessions + 1] = line end
end
-- Each of 64 phones goes through the sessions voting, then taking the votes back: every
-- request changes a vote, as a tap does.
request = function()
  local phone = counter % 64
  local turn = math.floor(counter / 64)
  counter = counter + 1
  local session = sessions[(turn % #sessions) + 1]
  local want = (math.floor(turn / #sessions) % 2 == 1) and "0" or "1"
  return wrk.format("POST", "/$slug/sessions/" .. session .. "/vote/", {
    ["Cookie"] = "sessionid=" .. cookies[phone + 1] .. "; csrftoken=$csrf",
    ["X-CSRFToken"] = "$csrf",
    ["HX-Request"] = "true",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "want=" .. want)
end
""")

GET_SCRIPT = string.Template("""
local cookies, counter = {}, 0
init = function(args)
  for line in io.lines(args[1]) do cookies[#cookies + 1] = line end
end
request = function()
  counter = counter + 1
  local headers = {["Cookie"] = "sessionid=" .. cookies[(counter % #cookies) + 1]}
  if $htmx then headers["HX-Request"] = "true" end
  return wrk.format("GET", "$path", headers)
end
""")


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    load.add_scenario_arguments(parser)
    parser.add_argument("--seconds", type=int, default=4, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--only", nargs="+", metavar="ENDPOINT", help="measure these (healthz always), e.g. vote"
    )
    load.add_stack_arguments(parser)
    return load.check_phones(parser.parse_args())


def cpu_times():
    """The machine's busy and total CPU time so far (Linux), or None elsewhere."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
    except OSError:
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq, sum(fields)


# Where a request's CPU goes: the server's processes (its process group), PostgreSQL, Redis.
PARTS = ("app", "PostgreSQL", "Redis")


def cpu_by_part(server_pid):
    """CPU seconds used so far by each of PARTS's processes that are running (Linux), or None."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(PARTS, 0.0)
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # gone meanwhile
        command = stat[stat.index("(") + 1 : stat.rindex(")")]
        # After the command: state, ppid, pgrp, ...; utime and stime are the 12th and 13th.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == server_pid:
            part = "app"
        elif command.startswith("postgres"):
            part = "PostgreSQL"
        elif command.startswith("redis-server"):
            part = "Redis"
        else:
            continue
        used[part] += (int(fields[11]) + int(fields[12])) / ticks
    return used


def wrk(args, url, script, *script_args, server_pid):
    """Throughput, responses that were not 2xx/3xx, the share of the CPU busy meanwhile, and
    CPU ms per request by part (or None)."""
    before, parts_before = cpu_times(), cpu_by_part(server_pid)
    result = subprocess.run(
        ["wrk", "-t1", "-c64", f"-d{args.seconds}s", "-s", script, url, "--", *script_args],
        capture_output=True,
        text=True,
        check=True,
    )
    after, parts_after = cpu_times(), cpu_by_part(server_pid)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    count = re.search(r"(\d+) requests in", result.stdout)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    busy = (after[0] - before[0]) / (after[1] - before[1]) if before and after else float("nan")
    per_request = None
    if parts_before and parts_after and int(count[1]):
        per_request = {
            part: (parts_after[part] - parts_before[part]) * 1000 / int(count[1]) for part in PARTS
        }
    return float(rate[1]), int(failed[1]) if failed else 0, busy, per_request


def main():
    args = parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk: apt-get install wrk")
    print(f"Preparing: {args.phones} phones, {args.sessions} sessions ...", flush=True)
    # A camp with as many Teilgeber as the scenario has phones, so the pages are its pages.
    camp, session_ids, _participants, cookies = load.prepare(args)
    from events import live
    from voting.models import Vote
    from voting.views.plenum import PITCH_PAGE

    slug = camp.slug
    version = live.current_version(slug, PITCH_PAGE)
    scratch = Path(tempfile.mkdtemp(prefix="barcamp-capacity-"))
    (scratch / "cookies").write_text("\n".join(cookies) + "\n")
    (scratch / "sessions").write_text("\n".join(map(str, session_ids)) + "\n")
    csrf = "b" * 32
    (scratch / "vote.lua").write_text(VOTE_SCRIPT.substitute(slug=slug, csrf=csrf))

    def get(name, path, htmx=False):
        script = scratch / f"{name.replace(' ', '-')}.lua"
        script.write_text(GET_SCRIPT.substitute(path=path, htmx="true" if htmx else "false"))
        return str(script), str(scratch / "cookies")

    endpoints = {
        "healthz": get("healthz", "/healthz"),
        "unchanged poll": get("unchanged poll", f"/{slug}/pitch/?v={version}", htmx=True),
        "vote": (str(scratch / "vote.lua"), str(scratch / "cookies"), str(scratch / "sessions")),
        "camp page": get("camp page", f"/{slug}/"),
        "pitch page": get("pitch page", f"/{slug}/pitch/"),
        "plan page": get("plan page", f"/{slug}/plan/"),
    }
    if args.only:
        unknown = set(args.only) - set(endpoints)
        if unknown:
            raise SystemExit(f"unknown endpoints: {', '.join(sorted(unknown))}")
        endpoints = {
            name: value for name, value in endpoints.items() if name in {"healthz", *args.only}
        }
    server = load.start_server(args)
    base = f"http://127.0.0.1:{args.port}"
    rates = {name: [] for name in endpoints}
    busy = {name: [] for name in endpoints}
    split = {name: [] for name in endpoints}
    failures = dict.fromkeys(endpoints, 0)
    try:
        for _round in range(args.rounds):
            for name, (script, *script_args) in endpoints.items():
                rate, failed, cpu, per_request = wrk(
                    args, base + "/", script, *script_args, server_pid=server.pid
                )
                rates[name].append(rate)
                busy[name].append(cpu)
                if per_request:
                    split[name].append(per_request)
                failures[name] += failed
            # The next round's vote starts again from the first session: from no votes, too.
            Vote.objects.filter(session__camp=camp).delete()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(scratch)

    capacity = {name: statistics.median(values) for name, values in rates.items()}
    print(
        f"\nMachine: {os.cpu_count()} cores; {args.server} {args.workers} workers x {args.threads} "
        "threads; PostgreSQL and Redis on 127.0.0.1; wrk (1 thread, 64 connections)."
    )
    print(
        f"\n{'endpoint':<16}{'capacity':>10}  {'of hz':>6}  {'CPU busy':>8}  "
        f"{'ms of the machine':>17}  by round"
    )
    for name, value in capacity.items():
        share = value / capacity["healthz"]
        rounds = " ".join(f"{rate:.0f}" for rate in rates[name])
        note = f"  ({failures[name]} not 2xx/3xx)" if failures[name] else ""
        cpu = statistics.median(busy[name])
        print(
            f"{name:<16}{value:>8.0f}/s  {share:>6.0%}  {cpu:>8.0%}  {1000 / value:>17.2f}  "
            f"{rounds}{note}"
        )
    if all(split.values()):
        print("\nCPU ms per request, by where it was spent (the median of the rounds):")
        print(f"{'endpoint':<16}" + "".join(f"{part:>12}" for part in PARTS))
        for name, rounds_split in split.items():
            print(
                f"{name:<16}"
                + "".join(
                    f"{statistics.median(r[part] for r in rounds_split):>12.3f}" for part in PARTS
                )
            )

    if args.only:
        return 0
    phones, arrival = args.phones, args.duration / 3
    demand = {
        "unchanged poll": phones / 2 + phones / 3,  # every poll a 204 while people vote
        "vote": phones * args.votes / args.duration,
    }
    pages = {name: phones / arrival for name in ("camp page", "pitch page", "plan page")}
    voting = sum(rate / capacity[name] for name, rate in demand.items())
    arriving = voting + sum(rate / capacity[name] for name, rate in pages.items())
    print(
        f"\nThe scenario with {phones} phones asks for {demand['unchanged poll']:.0f} polls/s and "
        f"{demand['vote']:.0f} votes/s, plus {sum(pages.values()):.0f} pages/s while they arrive:"
    )
    print(f"  while the phones arrive (first {arrival:.0f} s): {arriving:.0%} of this machine")
    print(f"  afterwards, while they vote:              {voting:.0%} of this machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
