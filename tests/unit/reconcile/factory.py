"""Hand-built, schema-valid indicator records with version-2 fields (until the extractor fills them)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from newsmon.reconcile.keys import measure_of, observation_key

BUREAU, GOVERNMENT, NEWSPAPER, PORTAL = "statistics_bureau", "government", "newspaper", "portal"


def article_id(name: str) -> str:
    return hashlib.blake2b(name.encode(), digest_size=10).hexdigest()


def indicator(
    article: str, *, value: float | None = 147.0, unit: str | None = "亿元", growth: float | None = 5.3,
    authority: str | None = NEWSPAPER, published_at: str = "2023-04-20T09:00:00+08:00", duplicate_of: str | None = None,
    region: tuple[str, str, str] = ("420303", "张湾区", "county"), metric: tuple[str, str] = ("gdp", "地区生产总值"),
    period: tuple[str, str, str, str] = ("一季度", "period", "2023-01-01", "2023-03-31"),
    scope: tuple[str, str | None] = ("region", None), breakdown_of: str | None = None, seq: int = 0,
    source_id: str = "shiyan-daily", quote: str | None = None,
) -> dict[str, Any]:
    """One indicator record as the processor publishes it, its observation key from reconcile.keys."""
    scale = {"亿元": Decimal(10**8), "万元": Decimal(10**4)}.get(unit, Decimal(1))
    aid = article_id(article)
    record: dict[str, Any] = {
        "schema_version": 1, "indicator_id": f"{aid}-{seq:04d}", "article_id": aid, "seq": seq,
        "metric": metric[1], "metric_id": metric[0], "subject": region[1], "subject_code": region[0],
        "subject_parent_codes": [region[0][:2] + "0000", region[0][:4] + "00"],
        "period": period[0], "period_start": period[2], "period_end": period[3],
        "value": value, "unit": unit if value is not None else ("%" if growth is not None else None),
        "value_normalized": float(Decimal(str(value)) * scale) if value is not None else None,
        "unit_normalized": ("CNY" if unit in ("亿元", "万元") else "count") if value is not None else None,
        "growth_pct": growth, "growth_basis": "yoy" if growth is not None else None, "rank": None, "rank_scope": None,
        "qualifier": None, "quote": quote or f"{region[1]}{metric[1]}{value}{unit or ''}，增长{growth}%",
        "quote_start": 0, "quote_end": 20, "core": True,
        "url": f"https://news.example.cn/{article}.html", "title": article, "source_id": source_id,
        "published_at": published_at, "duplicate_of": duplicate_of,
        "region_code": region[0], "region_name": region[1], "region_level": region[2],
        "scope_kind": scope[0], "scope_name": scope[1], "breakdown_of": breakdown_of,
        "period_kind": period[1], "metric_name": metric[1], "source_authority": authority,
    }
    record["measure"] = measure_of(record)
    record["observation_key"] = observation_key(record)
    return record
