"""Charts drawn on the server as SVG: readable without JavaScript, printable, and the same
pictures in the web page and the PDF report. Pure functions of data; all text escaped."""

from __future__ import annotations

from html import escape

FONT = "Noto Sans CJK SC, Noto Serif CJK SC, sans-serif"
COLOURS = ("#1f4e8c", "#4f9d69", "#c8102e", "#e0a100", "#6b2fa6")


def _text(
    x: float, y: float, text: str, *, size: int = 11, anchor: str = "start", fill: str = "#1d2733"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-family="{FONT}">{escape(text)}</text>'
    )


def horizontal_bars(
    items: list[tuple[str, float]], *, title: str, unit: str = "", width: int = 560
) -> str:
    """One bar per item, largest first as given."""
    row, label_w, top = 22, 130, 30
    height = top + row * max(len(items), 1) + 10
    peak = max((v for _l, v in items), default=0) or 1
    bar_w = width - label_w - 60
    parts = [_text(0, 18, title, size=14)]
    for i, (label, value) in enumerate(items):
        y = top + i * row
        length = bar_w * value / peak
        parts.append(_text(label_w - 6, y + 14, label, anchor="end"))
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{COLOURS[0]}" rx="2"/>'
        )
        parts.append(_text(label_w + length + 4, y + 14, f"{value:g}{unit}"))
    return _svg(width, height, title, parts)


def stacked_shares(
    columns: list[dict], *, title: str, keys: list[tuple[str, str]], width: int = 560
) -> str:
    """One column per period, stacked shares summing to 100 % (or empty)."""
    height, top, bottom, left = 250, 30, 40, 34
    plot_h = height - top - bottom
    n = max(len(columns), 1)
    slot = (width - left - 10) / n
    parts = [_text(0, 18, title, size=14)]
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(_text(left - 4, y + 4, f"{pct}%", size=9, anchor="end"))
    for i, column in enumerate(columns):
        x = left + i * slot + slot * 0.15
        y = top + plot_h
        for k, (key, _label) in enumerate(keys):
            share = column.get(key, 0) or 0
            h = plot_h * share / 100
            y -= h
            if h > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{COLOURS[k % len(COLOURS)]}"/>'
                )
        label = str(column.get("label", ""))[-5:]
        parts.append(_text(x + slot * 0.35, top + plot_h + 14, label, size=9, anchor="middle"))
    legend_x = left
    for k, (_key, label) in enumerate(keys):
        parts.append(
            f'<rect x="{legend_x}" y="{height - 16}" width="10" height="10" '
            f'fill="{COLOURS[k % len(COLOURS)]}"/>'
        )
        parts.append(_text(legend_x + 14, height - 7, label, size=10))
        legend_x += 14 + 12 * len(label) + 24
    return _svg(width, height, title, parts)


def share_bar(parts_: list[tuple[str, float]], *, title: str, width: int = 560) -> str:
    """A single bar split into shares (e.g. community / street / not local)."""
    height, top = 74, 28
    parts = [_text(0, 18, title, size=14)]
    x = 0.0
    for k, (_label, share) in enumerate(parts_):
        w = width * (share or 0) / 100
        if w > 0:
            parts.append(
                f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="22" '
                f'fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
            if w > 60:
                parts.append(
                    _text(x + w / 2, top + 15, f"{share:g}%", size=11, anchor="middle", fill="#fff")
                )
        x += w
    legend_x = 0
    for k, (label, share) in enumerate(parts_):
        parts.append(
            f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" '
            f'fill="{COLOURS[k % len(COLOURS)]}"/>'
        )
        text = f"{label} {share:g}%"
        parts.append(_text(legend_x + 14, height - 5, text, size=10))
        legend_x += 14 + 11 * len(text) + 16
    return _svg(width, height, title, parts)


def _svg(width: int, height: int, title: str, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )
