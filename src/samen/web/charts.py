"""Small server-side SVG charts (no JavaScript); every chart is shown with its table.

The population chart is a horizontal bar chart laid out in percentages of the chart's width and
in CSS pixels vertically, without a viewBox: the SVG takes the width of its container and its
text keeps its real size, so the years and figures stay readable on a phone as on a desktop.
Bars start at zero (the length of a bar is its value); every bar carries its figure.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 13.0  # percent of the width for the year labels left of the axis
BAR_ROOM = 64.0  # percent of the width the longest bar takes; the rest is for its figure
ROW = 22  # pixels per bar
BAR = 16  # bar thickness in pixels
PAD = 4


def dutch_int(value: int) -> str:
    """931298 -> '931.298' (Dutch thousands separator), independent of the active locale."""
    return f"{value:,}".replace(",", ".")


def _pct(value: float) -> str:
    return f"{value:.2f}%"


@dataclass
class Bar:
    label: str
    value: str
    y: int  # top of the bar, pixels
    text_y: int  # baseline of the label and figure, pixels
    width: str  # percentage of the chart width, e.g. '64.00%'
    value_x: str  # where the figure starts, percentage


def bar_chart(points: list[tuple[str, int]]) -> dict[str, object]:
    """Geometry for a horizontal bar chart of (label, value) pairs; the template draws it."""
    if not points:
        return {"bars": [], "height": 0}
    top = max(value for _, value in points) or 1
    bars = []
    for i, (label, value) in enumerate(points):
        length = max(0.0, value) / top * BAR_ROOM
        y = PAD + i * ROW
        bars.append(
            Bar(
                label=label,
                value=dutch_int(value),
                y=y + (ROW - BAR) // 2,
                text_y=y + ROW // 2 + 5,
                width=_pct(length),
                value_x=_pct(LABEL_WIDTH + length + 1.0),
            )
        )
    return {
        "bars": bars,
        "height": PAD * 2 + ROW * len(points),
        "label_x": _pct(LABEL_WIDTH - 1.5),  # years end just left of the axis
        "bar_x": _pct(LABEL_WIDTH),
        "bar_height": BAR,
        "axis_top": PAD,
        "axis_bottom": PAD + ROW * len(points),
    }
