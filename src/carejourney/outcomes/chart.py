"""A patient's progress chart for one measure: an SVG (matplotlib, no pyplot, no display) with a text
alternative. The SVG carries role="img", a <title> and a <desc>, so a screen reader reads the same
words the text alternative gives."""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass
from html import escape

from matplotlib import rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from carejourney.outcomes.instruments import instrument
from carejourney.outcomes.summary import patient_number
from carejourney.outcomes.trajectory import Measurement
from carejourney.pathways.outcome_plan import OutcomePlan

#: The axis range per measure, so two charts of one measure look alike.
RANGES = {"odi": (0, 100), "nrs-back": (0, 10), "nrs-leg": (0, 10), "zcq.symptom-severity": (1, 5),
          "zcq.physical-function": (1, 4), "zcq.satisfaction": (1, 4)}


@dataclass(frozen=True)
class Chart:
    svg: str
    #: The same content in words, for a text alternative or a table caption.
    text: str
    title: str


def _words(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts["en"]


def progress_chart(plan: OutcomePlan, measured: list[Measurement], key: str, language: str = "en") -> Chart | None:
    """The chart of measure `key` (e.g. odi, zcq.symptom-severity) over the timepoints, or None without data."""
    points = [m for m in measured if m.key == key]
    if not points or plan.summary is None:
        return None
    words = plan.summary
    name = _words(words.measure_names.get(key, {"en": key}), language)
    title = _words(words.chart_title, language).format(measure=name)
    unit = words.units.get(key)
    unit_text = " " + _words(unit, language) if unit else ""
    labels = [_words(plan.timepoint(m.timepoint).title, language) for m in points]
    values = [m.value for m in points]
    lower = instrument(points[0].instrument).lower_is_better
    direction = _words(words.lower_is_better if lower else words.higher_is_better, language)
    text = f"{title}. " + "; ".join(f"{lab}: {patient_number(m.instrument, m.value)}{unit_text}" for lab, m in zip(labels, points)) \
        + f". {direction}."

    low, high = RANGES.get(key, (0, max(10.0, max(values) * 1.25)))
    with rc_context({"svg.hashsalt": "carejourney", "svg.fonttype": "none", "font.size": 13}):
        fig = Figure(figsize=(4.8, 3.6))  # about a phone's width at 1:1, so the words stay large
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        xs = list(range(len(points)))
        ax.plot(xs, values, marker="o", markersize=9, linewidth=3, color="#1f5f8b")
        for x, m in zip(xs, points):
            ax.annotate(patient_number(m.instrument, m.value), (x, m.value), textcoords="offset points", xytext=(0, 10),
                        ha="center", fontsize=14, fontweight="bold", color="#1a1a1a")
        ax.set_xticks(xs, [textwrap.fill(lab, 10) for lab in labels], fontsize=12)
        ax.set_ylim(low, high + (high - low) * 0.12)
        ax.set_xlim(-0.5, len(points) - 0.5)
        ax.set_ylabel(direction + (f" ({unit_text.strip()})" if unit_text else ""))
        ax.set_title(title, loc="left", fontsize=14)
        ax.grid(axis="y", color="#dddddd")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    # Scale with the page (a phone's width) rather than a fixed size; the viewBox keeps the proportions.
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1width="100%"', svg, count=1)
    slug = re.sub(r"[^a-z0-9]+", "-", key)
    svg = svg.replace(
        "<svg ",
        f'<svg role="img" aria-labelledby="chart-{slug}-title chart-{slug}-desc" ', 1,
    )
    head_end = svg.index(">") + 1
    svg = (svg[:head_end] + f'\n <title id="chart-{slug}-title">{escape(title)}</title>'
           f'\n <desc id="chart-{slug}-desc">{escape(text)}</desc>' + svg[head_end:])
    return Chart(svg, text, title)
