"""Inline SVG charts: no CDN, no script, readable when printed. Pure: data in, markup out."""
from __future__ import annotations

from html import escape
from typing import Sequence

from markupsafe import Markup

COLORS = ("#07c160", "#10aeff", "#ffc300", "#fa5151", "#8a9099", "#6467f0", "#ff8f1f")


def _svg(width: int, height: int, body: str, title: str) -> Markup:
    return Markup(f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
                  f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
                  f'<title>{escape(title)}</title>{body}</svg>')


def columns(labels: Sequence[str], values: Sequence[float], title: str, width: int = 720, height: int = 220,
            every: int | None = None) -> Markup:
    """Vertical bars over time (questions per day); every n-th label shown."""
    if not values:
        return Markup('<p class="muted">没有数据。</p>')
    top = max(max(values), 1)
    left, bottom, right = 36, 28, 8
    plot_w, plot_h = width - left - right, height - bottom - 10
    step = plot_w / len(values)
    every = every or max(1, len(values) // 10)
    parts = [f'<line x1="{left}" y1="{10 + plot_h}" x2="{width - right}" y2="{10 + plot_h}" stroke="#c9cdd4"/>',
             f'<text x="{left - 4}" y="16" font-size="11" text-anchor="end" fill="#8a9099">{top:g}</text>',
             f'<text x="{left - 4}" y="{10 + plot_h}" font-size="11" text-anchor="end" fill="#8a9099">0</text>']
    for i, (label, v) in enumerate(zip(labels, values)):
        h = plot_h * v / top
        x = left + i * step
        parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{10 + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
                     f'height="{h:.1f}" fill="{COLORS[0]}"><title>{escape(label)}：{v:g}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 8}" font-size="10" text-anchor="middle" '
                         f'fill="#51565d">{escape(label)}</text>')
    return _svg(width, height, "".join(parts), title)


def bars(items: Sequence[tuple[str, float]], title: str, width: int = 520, fmt: str = "{:g}",
         color: str = COLORS[1]) -> Markup:
    """Horizontal bars, largest first as given (top topics, decisions, channels)."""
    if not items:
        return Markup('<p class="muted">没有数据。</p>')
    row, label_w = 22, 150
    height = row * len(items) + 6
    top = max(max(v for _, v in items), 1)
    parts = []
    for i, (label, v) in enumerate(items):
        y = i * row + 3
        w = (width - label_w - 60) * v / top
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" font-size="12" text-anchor="end" fill="#1f2329">'
                     f'{escape(label[:18])}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{color}" rx="2">'
                     f'<title>{escape(label)}：{fmt.format(v)}</title></rect>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="12" fill="#51565d">{fmt.format(v)}</text>')
    return _svg(width, height, "".join(parts), title)


def stacked(parts: Sequence[tuple[str, float]], title: str, width: int = 520) -> Markup:
    """One bar split into shares (answered / clarify / unsure / off-topic), with a legend."""
    total = sum(v for _, v in parts)
    if not total:
        return Markup('<p class="muted">没有数据。</p>')
    x, out = 0.0, []
    for i, (label, v) in enumerate(parts):
        w = width * v / total
        out.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="22" fill="{COLORS[i % len(COLORS)]}">'
                   f'<title>{escape(label)}：{v:g}（{v / total:.0%}）</title></rect>')
        x += w
    legend_x = 0
    for i, (label, v) in enumerate(parts):
        text = f"{label} {v:g}（{v / total:.0%}）"
        out.append(f'<rect x="{legend_x}" y="32" width="10" height="10" fill="{COLORS[i % len(COLORS)]}"/>'
                   f'<text x="{legend_x + 14}" y="41" font-size="12" fill="#1f2329">{escape(text)}</text>')
        legend_x += 14 + 13 * len(text)
    return _svg(max(width, legend_x), 48, "".join(out), title)


def decision_days(days: Sequence[float], limit: int = 7, title: str = "决定用时") -> Markup:
    """How many days each decision took, one bar per day, with the 7-day limit marked."""
    if not days:
        return Markup('<p class="muted">这段时间没有作出决定的申请。</p>')
    buckets = [0] * (max(limit + 3, int(max(days)) + 2))
    for d in days:
        buckets[min(int(d), len(buckets) - 1)] += 1
    width, height, left, bottom = 520, 180, 30, 26
    step = (width - left) / len(buckets)
    top = max(buckets)
    plot_h = height - bottom - 10
    parts = []
    for i, n in enumerate(buckets):
        h = plot_h * n / top
        color = COLORS[0] if i < limit else COLORS[3]
        parts.append(f'<rect x="{left + i * step + 2:.1f}" y="{10 + plot_h - h:.1f}" width="{step - 4:.1f}" '
                     f'height="{h:.1f}" fill="{color}"><title>{i}–{i + 1} 天：{n} 件</title></rect>'
                     f'<text x="{left + i * step + step / 2:.1f}" y="{height - 8}" font-size="10" '
                     f'text-anchor="middle" fill="#51565d">{i}</text>')
    lx = left + limit * step
    parts.append(f'<line x1="{lx:.1f}" y1="4" x2="{lx:.1f}" y2="{10 + plot_h}" stroke="#fa5151" stroke-dasharray="4 3"/>'
                 f'<text x="{lx + 4:.1f}" y="14" font-size="11" fill="#fa5151">{limit} 天期限</text>')
    return _svg(width, height, "".join(parts), title)
