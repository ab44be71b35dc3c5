"""A PNG line chart of a series, one line per region (matplotlib, no display needed).

Region names are Chinese: the chart uses a CJK font shipped by the `mplfonts` package (Noto Sans
CJK SC), so it renders the same on any machine. Values are shown in the unit family's customary
scale (亿元 / 万元 for money, % for growth), and the x axis names the periods (2023-Q1, 2023-06).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from newsmon.reconcile.periods import bucket_range
from newsmon.reconcile.series import SeriesPoint

UNIT_LABELS = {"percent": "%", "pp": "个百分点", "count": "", "rank": "位"}


def scale_for(unit: str, magnitude: float) -> tuple[float, str]:
    """(divisor, label) to show values of `unit` around `magnitude`: CNY in 亿元, 万元 or 元."""
    if unit == "CNY":
        return (1e8, "亿元") if magnitude >= 1e8 else (1e4, "万元") if magnitude >= 1e4 else (1.0, "元")
    return 1.0, UNIT_LABELS.get(unit, unit)


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The family name of the bundled CJK font, registered with matplotlib on first use."""
    from matplotlib import font_manager

    candidates = sorted(p for p in files("mplfonts").joinpath("fonts").iterdir()
                        if p.name.endswith((".otf", ".ttf")) and "sc" in p.name.lower() and "Sans" in p.name)
    if not candidates:
        raise RuntimeError("mplfonts ships no Simplified Chinese sans font: reinstall newsmon's dependencies")
    path = str(next((p for p in candidates if "Regular" in p.name), candidates[0]))
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def write_series_chart(points: list[SeriesPoint], path: Path, title: str, unit: str) -> None:
    """One line per region over the periods of `points`, values scaled to the unit's label."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["font.sans-serif"] = [cjk_font(), *plt.rcParams["font.sans-serif"]]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    divisor, label = scale_for(unit, max((abs(p.value) for p in points), default=0.0))
    seen = sorted({p.period for p in points})
    periods = bucket_range(seen[0], seen[-1]) if seen else []  # evenly spaced, gaps shown as gaps
    lines: dict[str, dict[str, float]] = defaultdict(dict)
    for p in points:
        lines[p.region][p.period] = p.value / divisor
    fig, ax = plt.subplots(figsize=(10, 5))
    for region, values in sorted(lines.items()):
        xs = [i for i, period in enumerate(periods) if period in values]
        ax.plot(xs, [values[periods[i]] for i in xs], marker="o", label=region)
    step = max(1, len(periods) // 16)
    ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=45 if len(periods) > 8 else 0)
    ax.set_title(title)
    ax.set_xlabel("报告期")
    ax.set_ylabel(label)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
