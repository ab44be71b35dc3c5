"""A PNG line chart of a series, one line per sub-region (matplotlib, no display needed)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from newsmon.index.search import SeriesPoint


def write_series_chart(points: list[SeriesPoint], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [f.name for f in font_manager.fontManager.ttflist if any(k in f.name for k in ("CJK", "WenQuanYi", "Hei", "Song"))]
    if cjk:
        plt.rcParams["font.sans-serif"] = [cjk[0], *plt.rcParams["font.sans-serif"]]
    lines: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for p in points:
        lines[f"{p.region} ({p.region_code})"].append((p.period, p.value))
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for label, values in sorted(lines.items()):
        values.sort()
        ax.plot([v[0] for v in values], [v[1] for v in values], marker="o", label=label)
    ax.set_title(title)
    ax.set_xlabel("period ending")
    ax.legend(fontsize="small")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
