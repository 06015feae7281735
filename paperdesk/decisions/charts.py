"""Charts as inline SVG, drawn on the server: no script, no network, readable without
colour (every series is also labelled). Pure Python; every label is XML-escaped.

Each function returns an SVG string ready to be marked safe in a template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

PALETTE = ("#3b5bdb", "#e8590c", "#2b8a3e", "#862e9c", "#c92a2a", "#1098ad")
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _e(text) -> str:
    return escape(str(text), {'"': "&quot;"})


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{_e(title)}" class="chart"><title>{_e(title)}</title>' + "".join(body) + "</svg>"
    )


def _nice_max(value: float) -> int:
    """The top of an axis with four whole-numbered steps: 4, 8, 20, 40, 100, 200, ..."""
    for step in (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000):
        if value <= 4 * step:
            return 4 * step
    return int(value) + 1


def _legend(names: list[str], x0: float, y: float = 8) -> list[str]:
    """Coloured squares and names side by side, spaced by the names' lengths."""
    out, x = [], x0
    for index, name in enumerate(names):
        colour = PALETTE[index % len(PALETTE)]
        out.append(f'<rect x="{x:.0f}" y="{y}" width="10" height="10" fill="{colour}"/><text x="{x + 14:.0f}" y="{y + 9}" {FONT}>{_e(name)}</text>')
        x += 14 + 6.2 * len(name) + 18
    return out


@dataclass
class Series:
    name: str
    values: list[float]


def line_chart(title: str, days: list[dt.date], series: list[Series], *, marker: dt.date | None = None,
               marker_label: str = "", width: int = 640, height: int = 260) -> str:
    """Cumulative counts per day: one line per series, an optional vertical marker (a deadline)."""
    left, right, top, bottom = 44, 16, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    body: list[str] = []
    if not days:
        body.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" {FONT} fill="#666">No data yet</text>')
        return _svg(width, height, title, body)
    top_value = _nice_max(max([max(s.values, default=0) for s in series] + [1]))
    span = max(1, (days[-1] - days[0]).days)

    def x(day: dt.date) -> float:
        return left + plot_w * (day - days[0]).days / span

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    for i in range(5):
        value = top_value * i / 4
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#e5e7eb"/>')
        body.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" {FONT} fill="#555">{value:g}</text>')
    ticks = days if len(days) <= 7 else [days[round(i * (len(days) - 1) / 6)] for i in range(7)]
    for number, day in enumerate(ticks):
        # The last label ends at the axis's end rather than running past the picture's edge.
        anchor = "end" if number == len(ticks) - 1 and len(ticks) > 1 else "middle"
        body.append(f'<text x="{x(day):.1f}" y="{height - bottom + 16}" text-anchor="{anchor}" {FONT} fill="#555">{day:%b %d}</text>')
    if marker is not None and days[0] <= marker <= days[-1] + dt.timedelta(days=span):
        mx = min(x(marker), left + plot_w)
        body.append(f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#c92a2a" stroke-dasharray="4 3"/>')
        body.append(f'<text x="{mx - 4:.1f}" y="{top + 10}" text-anchor="end" {FONT} fill="#c92a2a">{_e(marker_label)}</text>')
    for index, s in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(f"{x(day):.1f},{y(v):.1f}" for day, v in zip(days, s.values))
        body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"><title>{_e(s.name)}</title></polyline>')
        if s.values:
            last = s.values[-1]
            body.append(f'<text x="{x(days[len(s.values) - 1]) + 3:.1f}" y="{y(last) - 4:.1f}" {FONT} fill="{colour}">{last:g}</text>')
    body.extend(_legend([s.name for s in series], left))
    body.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#999"/>')
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#999"/>')
    return _svg(width, height, title, body)


def bar_chart(title: str, rows: list[tuple[str, list[int]]], series_names: list[str], *, width: int = 640) -> str:
    """Horizontal bars, one row per label; several series are stacked and listed in a legend."""
    label_w, right, top, row_h = 230, 46, 26 if len(series_names) > 1 else 8, 22
    height = top + row_h * max(1, len(rows)) + 8
    plot_w = width - label_w - right
    body: list[str] = []
    if not rows:
        body.append(f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" {FONT} fill="#666">No data yet</text>')
        return _svg(width, max(height, 40), title, body)
    top_value = max([sum(values) for _, values in rows] + [1])
    if len(series_names) > 1:
        body.extend(_legend(series_names, label_w, 6))
    for row_index, (label, values) in enumerate(rows):
        y = top + row_index * row_h
        shown = label if len(label) <= 36 else label[:35] + "…"
        body.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" {FONT}><title>{_e(label)}</title>{_e(shown)}</text>')
        x = float(label_w)
        for index, value in enumerate(values):
            w = plot_w * value / top_value
            if w > 0:
                colour = PALETTE[index % len(PALETTE)]
                body.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}">'
                            f'<title>{_e(label)}: {_e(series_names[index])} {value}</title></rect>')
            x += w
        body.append(f'<text x="{x + 4:.1f}" y="{y + 14}" {FONT} fill="#333">{" / ".join(str(v) for v in values) if len(values) > 1 else values[0]}</text>')
    return _svg(width, height, title, body)


def histogram(title: str, levels: list[tuple[int, str]], groups: list[tuple[str, dict[int, int]]], *, width: int = 640, height: int = 240) -> str:
    """Counts per scale level (x: the labelled levels), one bar per group side by side."""
    left, right, top, bottom = 40, 12, 28, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    body: list[str] = []
    top_value = _nice_max(max([count for _, counts in groups for count in counts.values()] + [1]))
    slot = plot_w / max(1, len(levels))
    bar_w = max(4.0, (slot - 12) / max(1, len(groups)))
    for i in range(5):
        value = top_value * i / 4
        yy = top + plot_h - plot_h * value / top_value
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e5e7eb"/>')
        body.append(f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" {FONT} fill="#555">{value:g}</text>')
    for level_index, (value, label) in enumerate(levels):
        x0 = left + slot * level_index + 6
        for group_index, (name, counts) in enumerate(groups):
            count = counts.get(value, 0)
            h = plot_h * count / top_value
            colour = PALETTE[group_index % len(PALETTE)]
            body.append(f'<rect x="{x0 + group_index * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{colour}">'
                        f'<title>{_e(name)}, {value} ({_e(label)}): {count}</title></rect>')
            if count:
                body.append(f'<text x="{x0 + group_index * bar_w + bar_w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" text-anchor="middle" {FONT}>{count}</text>')
        body.append(f'<text x="{left + slot * level_index + slot / 2:.1f}" y="{height - bottom + 15}" text-anchor="middle" {FONT}>{value}</text>')
        body.append(f'<text x="{left + slot * level_index + slot / 2:.1f}" y="{height - bottom + 29}" text-anchor="middle" {FONT} fill="#555">{_e(label[:18])}</text>')
    body.extend(_legend([name for name, _ in groups], left))
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#999"/>')
    return _svg(width, height, title, body)
