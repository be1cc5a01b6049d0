"""A small SVG line chart for the benchmark figures (no plotting library in the lock file)."""

from __future__ import annotations

import statistics
from pathlib import Path

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
W, H, LEFT, RIGHT, TOP, BOTTOM = 520, 320, 60, 150, 30, 45


def _frame(title: str, x_label: str, y_label: str) -> list[str]:
    """The opening of a chart: its canvas, title, axes and their labels."""
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif"'
        ' font-size="12">',
        f'<rect width="{W}" height="{H}" fill="white"/>',
        f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="14">{title}</text>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="black"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="black"/>',
        f'<text x="{LEFT + plot_w / 2}" y="{H - 8}" text-anchor="middle">{x_label}</text>',
        f'<text x="14" y="{TOP + plot_h / 2}" text-anchor="middle" transform="rotate(-90 14'
        f' {TOP + plot_h / 2})">{y_label}</text>',
    ]


def _target(label: str, y: float) -> list[str]:
    """A dashed line across the chart at height ``y`` (pixels), labelled on the right."""
    plot_w = W - LEFT - RIGHT
    return [
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="black"'
        ' stroke-dasharray="5,4"/>',
        f'<text x="{LEFT + plot_w + 6}" y="{y + 4:.1f}">{label}</text>',
    ]


def line_chart(
    path: Path,
    title: str,
    x_label: str,
    y_label: str,
    series: dict[str, list[tuple[float, float]]],
    target: tuple[str, float] | None = None,
    continuous: bool = False,
) -> Path:
    """``series``: name -> (x, y) points; ``target``: a dashed horizontal line (label, y);
    ``continuous``: x drawn to scale with five ticks (a time series), else each x evenly spaced."""
    xs = sorted({x for points in series.values() for x, _ in points})
    top = max([y for points in series.values() for _, y in points] + ([target[1]] if target else []))
    top *= 1.1
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(x: float) -> float:
        if continuous:
            return LEFT + (x - xs[0]) / ((xs[-1] - xs[0]) or 1) * plot_w
        return LEFT + (xs.index(x) / max(1, len(xs) - 1)) * plot_w

    def py(y: float) -> float:
        return TOP + plot_h - y / top * plot_h

    out = _frame(title, x_label, y_label)
    ticks = [xs[0] + (xs[-1] - xs[0]) * i / 4 for i in range(5)] if continuous else xs
    for x in ticks:
        out.append(f'<text x="{px(x):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{x:.3g}</text>')
    for step in range(5):
        y = top / 1.1 * step / 4
        out.append(f'<text x="{LEFT - 6}" y="{py(y) + 4}" text-anchor="end">{y:.3g}</text>')
        out.append(f'<line x1="{LEFT}" y1="{py(y)}" x2="{LEFT + plot_w}" y2="{py(y)}" stroke="#ddd"/>')
    if target:
        out += _target(target[0], py(target[1]))
    for number, (name, points) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        line = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in points if len(points) <= 20 else ():
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        out.append(
            f'<text x="{LEFT + plot_w + 6}" y="{TOP + 14 + 16 * number}" fill="{colour}">{name}</text>'
        )
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def bar_chart(
    path: Path, title: str, y_label: str, bars: dict[str, float], target: tuple[str, float] | None = None
) -> Path:
    """One bar per name (its value written above it); ``target``: a dashed line (label, y)."""
    top = max([*bars.values(), target[1] if target else 0.0]) * 1.15 or 1.0
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = plot_w / max(1, len(bars))

    def py(y: float) -> float:
        return TOP + plot_h - y / top * plot_h

    out = _frame(title, "", y_label)
    for number, (name, value) in enumerate(bars.items()):
        x = LEFT + slot * number + slot * 0.15
        colour = COLOURS[number % len(COLOURS)]
        out.append(
            f'<rect x="{x:.1f}" y="{py(value):.1f}" width="{slot * 0.7:.1f}"'
            f' height="{TOP + plot_h - py(value):.1f}" fill="{colour}"/>'
        )
        out.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{py(value) - 4:.1f}" text-anchor="middle">{value:.3g}</text>'
        )
        out.append(
            f'<text x="{x + slot * 0.35:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{name}</text>'
        )
    if target:
        out += _target(target[0], py(target[1]))
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def plots(kept: dict, load: dict | None, docs: Path) -> list[tuple[str, str]]:
    """Draws what the kept figures allow; (file name, alt text) of each."""
    drawn = []
    if "ingest" in kept:
        ends = [run["out"][-1] for run in kept["ingest"]["runs"]]
        points = sorted(
            (round(o["audio_seconds"] / o["files"], 1), o["x_real_time_median"])
            for o in ends
            if not o["remove_noise"]
        )
        line_chart(
            docs / "ingest-speed.svg",
            "Ingest speed by file length",
            "seconds per file",
            "× real time",
            {"one core": points},
            target=("target 50×", 50.0),
        )
        drawn.append(("ingest-speed.svg", "ingest speed by file length"))
    first: dict[str, float] = {}
    if "telegram" in kept:
        first["Telegram (note)"] = kept["telegram"]["runs"][0]["out"][-1]["speech_round_trip_s_median"] * 1000
    if "discord" in kept:
        first["Discord /say"] = kept["discord"]["runs"][0]["out"][-1]["first_packet_ms_median"]
    if "http" in kept:
        r = kept["http"]["runs"][0]["out"][-1]
        first["HTTP pcm"] = statistics.median(r["alone_pcm"]["first_byte_ms"])
        first["HTTP mp3"] = statistics.median(r["alone_mp3"]["first_byte_ms"])
    if first:
        bar_chart(docs / "first-audio.svg", "Time to first audio, by front end", "ms", first)
        drawn.append(("first-audio.svg", "time to first audio by front end"))
    if "pool" in kept:  # drawn by the pool benchmark itself
        drawn += [
            ("pool-throughput.svg", "pool: jobs per second by workers"),
            ("pool-events.svg", "pool: chunk to caller p99"),
        ]
    if load and load.get("soak"):
        samples = load["soak"]["samples"]
        title = f"Memory over the {load['soak']['minutes']:g}-minute soak"
        memory = {"bot": [(t, b) for t, b, _ in samples], "worker": [(t, w) for t, _, w in samples]}
        line_chart(docs / "soak-memory.svg", title, "seconds", "MiB", memory, continuous=True)
        drawn.append(("soak-memory.svg", "memory over the soak"))
    return drawn
