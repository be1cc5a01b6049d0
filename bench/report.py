"""``make bench``: every benchmark run, what each printed kept as JSON, and ``docs/benchmarks.md``
written from it: one table per benchmark, each figure beside its target and what the nearest other
tool is known to do, with the machine, the versions and the date, and the plots.

    python bench/report.py                 # run every benchmark, then write the report
    python bench/report.py --only http pool  # run these; the others keep their last figures
    python bench/report.py --render        # only write the report from the kept figures

A benchmark prints JSON objects on stdout (one or several); they are kept in
``docs/bench/NAME.json`` with the command, the date, the machine and the versions. ``make load``
(50 minutes) is not run here: its ``docs/load.json`` is read as it stands. The figures come only
from those files; the reasons behind them, and figures from before, are in
``docs/benchmarks-history.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import BENCHES, TELEGRAM_LIMITS, Bench, Row  # noqa: E402
from bench.machine import describe  # noqa: E402
from bench.plot import plots  # noqa: E402

DOCS = ROOT / "docs"


def json_objects(text: str) -> list[dict]:
    """Every JSON object printed at the start of a line (a benchmark may print several)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while (start := text.find("{", at)) >= 0:
        if start and text[start - 1] != "\n":
            at = start + 1
            continue
        try:
            value, at = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            at = start + 1
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


def run(bench: Bench, kept_in: Path) -> bool:
    """Each of the benchmark's commands; its file is replaced only when all succeeded."""
    runs, started = [], time.time()
    for label, argv in bench.runs:
        print(f"== {bench.name}: {label}", file=sys.stderr, flush=True)
        begun = time.monotonic()
        try:
            done = subprocess.run(
                [sys.executable, *argv], cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=bench.timeout_s
            )
        except subprocess.TimeoutExpired:
            print(f"!! {bench.name} ({label}) ran past {bench.timeout_s:.0f} s", file=sys.stderr)
            return False
        objects = json_objects(done.stdout)
        if done.returncode or not objects:
            print(f"!! {bench.name} ({label}) failed: exit {done.returncode}", file=sys.stderr)
            return False
        runs.append(
            {"label": label, "argv": argv, "seconds": round(time.monotonic() - begun), "out": objects}
        )
    kept = {
        "name": bench.name,
        "ran": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "machine": describe(),
        "runs": runs,
    }
    kept_in.mkdir(parents=True, exist_ok=True)
    (kept_in / f"{bench.name}.json").write_text(json.dumps(kept, indent=1) + "\n")
    return True


def render(docs: Path = DOCS, benches: list[Bench] = BENCHES) -> str:
    """The report from ``docs/bench/*.json`` and ``docs/load.json``; plots are written into ``docs``."""
    kept = {p.stem: json.loads(p.read_text()) for p in sorted((docs / "bench").glob("*.json"))}
    load_file = docs / "load.json"
    load = json.loads(load_file.read_text()) if load_file.exists() else None
    machines = [k["machine"] for k in kept.values()]
    newest = max((k["ran"] for k in kept.values()), default="never")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/report.py`) from the figures each benchmark printed"
        " (`docs/bench/*.json`; the load suite's `docs/load.json`, from `make load`). Measured numbers"
        " only; do not edit by hand. Why each figure is what it is, and the figures before these:"
        " [benchmarks-history.md](benchmarks-history.md).",
        "",
        f"Last run: {newest}.",
        "",
    ]
    if machines:
        lines += _machine_table(machines[-1])
        others = {json.dumps(m, sort_keys=True) for m in machines} - {
            json.dumps(machines[-1], sort_keys=True)
        }
        if others:
            lines += [
                "Some benchmarks below ran on another machine or versions: each section says its own.",
                "",
            ]
    lines += [
        "In the tables, *met* compares the figure with its target; *elsewhere* is what the nearest"
        " other self-hosted tool or the platform is known to do, with its source (— where no published"
        " figure was found).",
        "",
    ]
    summary: list[tuple[str, tuple]] = []
    sections: list[str] = []
    if load:
        rows, notes = load_section(load)
        sections += _section("Load: 100 people on three front ends (`make load`)", "load", None, rows, notes)
        summary += [("load", r) for r in rows if r[2]]
    for bench in benches:
        data = kept.get(bench.name)
        if data is None:
            sections += [
                f"## {bench.title}",
                "",
                "Not run yet: `python bench/report.py --only " + bench.name + "`.",
                "",
            ]
            continue
        rows, notes = bench.figures([r["out"] for r in data["runs"]])
        own = data["machine"] if data["machine"] != machines[-1] else None
        sections += _section(bench.title, bench.name, data, rows, notes, own)
        summary += [(bench.name, r) for r in rows if r[2]]
    missed = sum(r[3] is False for _, r in summary)
    lines += ["## Every target", "", f"{len(summary) - missed} of {len(summary)} met.", ""]
    lines += ["| benchmark | measure | figure | target | met |", "|---|---|---|---|---|"]
    lines += [f"| {name} | {m} | {f} | {t} | {_met(ok)} |" for name, (m, f, t, ok, _) in summary]
    lines += [""]
    lines += ["## Plots", ""] + [f"![{alt}]({name})" for name, alt in plots(kept, load, docs)] + [""]
    return "\n".join(lines + sections).rstrip() + "\n"


def _section(title, name, data, rows, notes, machine=None) -> list[str]:
    out = [f"## {title}", ""]
    if data is not None:
        took = sum(r["seconds"] for r in data["runs"])
        out += [
            f"Ran {data['ran']}, {took} s (`bench/report.py --only {name}`; raw: `docs/bench/{name}.json`).",
            "",
        ]
    if machine:
        out += _machine_table(machine)
    out += ["| measure | figure | target | met | elsewhere |", "|---|---|---|---|---|"]
    out += [f"| {m} | {f} | {t or '—'} | {_met(ok)} | {e or '—'} |" for m, f, t, ok, e in rows]
    out += [""] + [f"{note}" for note in notes] + ([""] if notes else [])
    return out


def load_section(r: dict) -> tuple[list[Row], list[str]]:
    """``make load``'s docs/load.json."""
    replies = r["nonEngineReplies"]
    waits = r["queueWaitSeconds"]
    jobs = r["jobs"]
    rows: list[Row] = [
        (
            "people who got everything asked",
            f"{r['complete']}/{r['people']}",
            "all",
            r["complete"] == r["people"],
            "",
        ),
        (
            f"jobs ended ({jobs['total']})",
            f"{jobs['succeeded']} succeeded, {jobs['retried']} retried",
            "each once",
            jobs["succeeded"] == jobs["total"] and not jobs["retried"],
            "",
        ),
    ]
    every = replies["all"]
    rows.append(
        (
            f"non-engine replies ({every['count']}), p50 / p99",
            f"{every['p50ms']} / {every['p99ms']} ms",
            "p99 ≤ 100 ms",
            every["p99ms"] <= 100,
            "",
        )
    )
    for front in ("telegram", "discord", "http"):
        v = replies[front]
        rows.append(
            (
                f"— {front} ({v['count']})",
                f"{v['p50ms']} / {v['p99ms']} ms",
                "",
                None,
                TELEGRAM_LIMITS if front == "telegram" else "",
            )
        )
    for kind, v in waits.items():
        rows.append(
            (f"queue wait, {kind} ({v['count']}), p50 / p99", f"{v['p50']} / {v['p99']} s", "", None, "")
        )
    rows.append(
        (
            "completion (start → everything heard), p50 / max",
            f"{r['completionSeconds']['p50']} / {r['completionSeconds']['max']} s",
            "",
            None,
            "",
        )
    )
    rows.append(("fairness: Jain's index of completion times", f"{r['jain']}", "≥ 0.9", r["jain"] >= 0.9, ""))
    memory = r["peakMemory"]
    rows.append(
        ("peak memory (VmHWM), bot / worker", f"{memory['botMiB']} / {memory['workerMiB']} MiB", "", None, "")
    )
    if r.get("voiceChannel"):
        v = r["voiceChannel"]
        rows.append(
            (
                "voice channel: lines asked / speech heard by the voice server",
                f"{v['linesQueued']} / {v['speechSeconds']} s over {v['spanSeconds']} s",
                "",
                None,
                "",
            )
        )
    soak = r.get("soak")
    if soak:
        for who in ("bot", "worker"):
            growth = soak[f"{who}GrowthMiBPerHour"]
            rows.append(
                (
                    f"soak, {soak['minutes']:g} min, {soak['speeches']} speeches: {who} memory growth",
                    f"{growth:+} MiB/h",
                    "flat (≤ 50 MiB/h)",
                    abs(growth) <= 50,
                    "",
                )
            )
    return rows, [f"{r['people']} people, {r['seconds']} s; one bot process, one `voicebot worker`, SQLite."]


def _met(ok: bool | None) -> str:
    return "" if ok is None else ("met" if ok else "**missed**")


def _machine_table(machine: dict) -> list[str]:
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    return [
        "| machine | |",
        "|---|---|",
        f"| CPU | {machine['cpu']} ({machine['cores']} cores) |",
        f"| memory | {machine['memory_gib']} GiB |",
        f"| GPU | {machine['gpu']} |",
        f"| system | {machine['system']} |",
        f"| versions | {versions} |",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help=", ".join(b.name for b in BENCHES))
    parser.add_argument("--render", action="store_true", help="only write the report")
    args = parser.parse_args()
    failed = []
    if not args.render:
        unknown = set(args.only or ()) - {b.name for b in BENCHES}
        if unknown:
            parser.error(f"no benchmark named {', '.join(sorted(unknown))}")
        for bench in BENCHES:
            if (args.only is None or bench.name in args.only) and not run(bench, DOCS / "bench"):
                failed.append(bench.name)
    (DOCS / "benchmarks.md").write_text(render())
    print("wrote docs/benchmarks.md", file=sys.stderr)
    if failed:
        raise SystemExit(f"failed (their last figures kept): {', '.join(failed)}")


if __name__ == "__main__":
    main()
