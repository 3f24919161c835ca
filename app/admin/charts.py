"""Charts for the admin pages as inline SVG written on the server: no script, no CDN, nothing the
Content Security Policy must loosen (presentation attributes, never style attributes)."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 180
LEFT, BOTTOM, TOP = 34, 22, 10


def _nice_top(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if value <= step * 4:
            return step * 4
    return value


def stacked_bars(label: str, days: list[date], series: list[tuple[str, str, list[int]]]) -> Markup:
    """One bar per day, the series stacked (name, colour, counts per day), with a legend and a
    per-bar tooltip listing every count; the whole chart is labelled for screen readers."""
    totals = [sum(counts[i] for _, _, counts in series) for i in range(len(days))]
    top = _nice_top(max(totals, default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(days), 1)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 18}" role="img" aria-label="{escape(label)}">',
             f"<title>{escape(label)}</title>"]
    for tick in (0, top // 2, top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e7eb"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#5f6b7a">{tick}</text>')
    for i, day in enumerate(days):
        x, base = LEFT + i * slot + slot * 0.15, TOP + plot_h
        tip = f"{day:%a %d %b}: " + ", ".join(f"{counts[i]} {name}" for name, _, counts in series)
        parts.append(f"<g><title>{escape(tip)}</title>")
        for _name, colour, counts in series:
            height = plot_h * counts[i] / top
            if height:
                base -= height
                parts.append(f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" '
                             f'fill="{colour}"/>')
        parts.append("</g>")
        step, last = max(1, len(days) // 8), len(days) - 1
        if (i % step == 0 and last - i >= step / 2) or i == last:  # room for the last day's label
            anchor = "end" if i == len(days) - 1 else "middle"  # the last label must not run off the chart
            parts.append(f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}" font-size="11" '
                         f'fill="#5f6b7a">{day:%d %b}</text>')
    x = LEFT
    for name, colour, counts in series:
        parts.append(f'<rect x="{x}" y="{HEIGHT + 6}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="{HEIGHT + 15}" font-size="12" fill="#1b1f24">{escape(name)} '
                     f"({sum(counts)})</text>")
        x += 30 + 8 * len(name) + 8 * len(str(sum(counts)))
    parts.append("</svg>")
    return Markup("".join(parts))
