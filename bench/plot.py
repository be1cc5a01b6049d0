"""A small SVG line chart for the benchmark figures (no plotting library in the lock file)."""

from __future__ import annotations

from pathlib import Path

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
W, H, LEFT, RIGHT, TOP, BOTTOM = 520, 320, 60, 150, 30, 45


def line_chart(
    path: Path,
    title: str,
    x_label: str,
    y_label: str,
    series: dict[str, list[tuple[float, float]]],
    target: tuple[str, float] | None = None,
) -> Path:
    """``series``: name -> (x, y) points; ``target``: a dashed horizontal line (label, y)."""
    xs = sorted({x for points in series.values() for x, _ in points})
    top = max([y for points in series.values() for _, y in points] + ([target[1]] if target else []))
    top *= 1.1
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (xs.index(x) / max(1, len(xs) - 1)) * plot_w

    def py(y: float) -> float:
        return TOP + plot_h - y / top * plot_h

    out = [
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
    for x in xs:
        out.append(f'<text x="{px(x)}" y="{TOP + plot_h + 16}" text-anchor="middle">{x:g}</text>')
    for step in range(5):
        y = top / 1.1 * step / 4
        out.append(f'<text x="{LEFT - 6}" y="{py(y) + 4}" text-anchor="end">{y:.3g}</text>')
        out.append(f'<line x1="{LEFT}" y1="{py(y)}" x2="{LEFT + plot_w}" y2="{py(y)}" stroke="#ddd"/>')
    if target:
        label, y = target
        out.append(
            f'<line x1="{LEFT}" y1="{py(y)}" x2="{LEFT + plot_w}" y2="{py(y)}" stroke="black"'
            ' stroke-dasharray="5,4"/>'
        )
        out.append(f'<text x="{LEFT + plot_w + 6}" y="{py(y) + 4}">{label}</text>')
    for number, (name, points) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        line = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in points:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        out.append(
            f'<text x="{LEFT + plot_w + 6}" y="{TOP + 14 + 16 * number}" fill="{colour}">{name}</text>'
        )
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
