"""Small server-side SVG charts (no JavaScript); every chart is shown with its table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str


def bar_chart(points: list[tuple[str, int]], width: int = 640, height: int = 200) -> dict:
    """Geometry for a bar chart of (label, value) pairs; the template draws it as SVG."""
    if not points:
        return {"bars": [], "width": width, "height": height}
    top = max(value for _, value in points) or 1
    low = min(value for _, value in points)
    base = max(0, low - (top - low) * 0.5) if top != low else 0
    span = (top - base) or 1
    gap = 4
    inner_h = height - 30
    bar_w = (width - gap * (len(points) + 1)) / len(points)
    bars = []
    for i, (label, value) in enumerate(points):
        h = max(2.0, (value - base) / span * inner_h)
        bars.append(
            Bar(
                x=gap + i * (bar_w + gap),
                y=inner_h - h + 5,
                width=bar_w,
                height=h,
                label=label,
                value=f"{value:,}".replace(",", "."),
            )
        )
    return {"bars": bars, "width": width, "height": height, "label_y": height - 8}
