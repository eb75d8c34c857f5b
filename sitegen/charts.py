"""Charts drawn at build time: papers per year, as SVG bar charts that need no script.

Each chart has a title and a description (the SVG's accessible name and description, which say
its numbers in words) and the numbers themselves, for the data table that templates put beside
it for screen readers. Colours come from the stylesheet (classes, no inline style), so a chart
follows the light or dark theme and prints in black and grey.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from sitegen.derive import YearCounts

UNDATED = "Undated"
LABEL_WIDTH = 26  # room a year's label needs under its bar, in the chart's units
UNDATED_SLOT, UNDATED_GAP = 48, 10  # the undated papers' bar stands apart, with room for its word
MIN_WIDTH, MAX_WIDTH, BAR_ROOM = 240, 640, 48  # a chart's width, in CSS pixels at its own size
HEIGHT = 132


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a year (or the undated papers) and its papers."""

    label: str  # "2024", or UNDATED
    count: int


@dataclass(frozen=True)
class Chart:
    """A bar chart of papers per year, drawn as inline SVG with its text alternative."""

    id: str  # unique on its page: the SVG's title and description are found by it
    title: str
    description: str
    bars: tuple[Bar, ...]
    svg: Markup

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


def year_range(*counts: YearCounts) -> tuple[int, ...]:
    """Every year from the first to the last year any of `counts` has a paper in."""
    years = [year for one in counts for year, _ in one if year is not None]
    return tuple(range(min(years), max(years) + 1)) if years else ()


def year_bars(counts: YearCounts, years: Sequence[int] | None = None) -> tuple[Bar, ...]:
    """A bar per year of `years` (by default, the years from the first paper's to the last's),
    a year without papers included; then one for the undated papers, if any."""
    by_year = dict(counts)
    shown = year_range(counts) if years is None else years
    bars = [Bar(str(year), by_year.get(year, 0)) for year in shown]
    if by_year.get(None):
        bars.append(Bar(UNDATED, by_year[None]))
    return tuple(bars)


def papers_per_year(
    chart_id: str,
    title: str,
    counts: YearCounts,
    *,
    years: Sequence[int] | None = None,
    scale: int | None = None,
    width: int | None = None,
) -> Chart:
    """A bar chart of papers per year. `scale`: the count the full height stands for (charts
    shown side by side share one, so their bars compare); by default, the largest bar. `width`:
    by default, room for each bar and its label, drawn at its own size (a narrower screen
    shrinks it)."""
    bars = year_bars(counts, years)
    width = width or max(MIN_WIDTH, min(MAX_WIDTH, 8 + BAR_ROOM * len(bars)))
    return Chart(chart_id, title, describe(title, bars), bars, _svg(chart_id, title, bars, scale, width))


def describe(title: str, bars: Sequence[Bar]) -> str:
    """The chart in words: its span, its busiest year, then every bar."""
    dated = [bar for bar in bars if bar.label != UNDATED]
    undated = sum(bar.count for bar in bars if bar.label == UNDATED)
    total = sum(bar.count for bar in bars)
    if not total:
        return f"{title}: no papers yet."
    words = [f"{title}: {_papers(total)}"]
    if dated and any(bar.count for bar in dated):
        busiest = max(dated, key=lambda bar: bar.count)
        most = f"most in {busiest.label} ({busiest.count:,})"
        words.append(f"from {dated[0].label} to {dated[-1].label}, {most}")
    if undated:
        words.append(f"{undated:,} undated")
    listed = "; ".join(f"{bar.label}: {bar.count:,}" for bar in bars)
    return ", ".join(words) + f". {listed}."


def _papers(count: int) -> str:
    return f"{count:,} paper{'' if count == 1 else 's'}"


def _svg(chart_id: str, title: str, bars: Sequence[Bar], scale: int | None, width: int) -> Markup:
    height, top, bottom, left, right = HEIGHT, 16, 22, 4, 4
    plot = height - top - bottom
    largest = max([scale or 0, *(bar.count for bar in bars)]) or 1
    dated = [bar for bar in bars if bar.label != UNDATED]
    undated = len(bars) - len(dated)
    # The undated bar stands apart, in a slot wide enough for its word.
    apart = UNDATED_SLOT + UNDATED_GAP if undated else 0
    slot = (width - left - right - apart) / max(len(dated), 1)
    gap = min(slot * 0.25, 8)
    every = max(1, -(-LABEL_WIDTH // max(int(slot), 1)))  # label every nth year when they crowd
    parts = [
        f'<svg class="chart-svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(title, bars))}</desc>',
    ]
    for number, bar in enumerate(bars):
        is_undated = bar.label == UNDATED
        x, bar_width = (
            (width - right - UNDATED_SLOT + gap / 2, UNDATED_SLOT - gap)
            if is_undated
            else (left + number * slot + gap / 2, slot - gap)
        )
        bar_height = round(plot * bar.count / largest, 1)
        y = top + plot - bar_height
        middle = round(x + bar_width / 2, 1)
        kind = "chart-bar chart-bar-undated" if is_undated else "chart-bar"
        parts.append(
            f"<g><title>{escape(bar.label)}: {_papers(bar.count)}</title>"
            f'<rect class="{kind}" x="{round(x, 1)}" y="{round(y, 1)}" '
            f'width="{round(bar_width, 1)}" height="{bar_height}"/>'
        )
        if bar.count and bar_width >= 12:
            parts.append(
                f'<text class="chart-value" x="{middle}" y="{round(y - 3, 1)}" text-anchor="middle">'
                f"{bar.count:,}</text>"
            )
        if is_undated or number % every == 0:
            parts.append(
                f'<text class="chart-label" x="{middle}" y="{height - 6}" text-anchor="middle">'
                f"{escape(bar.label)}</text>"
            )
        parts.append("</g>")
    end = width - right - apart + (UNDATED_GAP / 2 if undated else 0)
    parts.append(f'<line class="chart-axis" x1="{left}" x2="{end}" y1="{top + plot}" y2="{top + plot}"/>')
    if undated:
        parts.append(
            f'<line class="chart-axis" x1="{width - right - UNDATED_SLOT}" x2="{width - right}" '
            f'y1="{top + plot}" y2="{top + plot}"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
