"""The demo site's government portal section: a 统计数据 column like a county TRS-style portal.

What it serves under /gov/tjsj/ (all GBK, declared only in an http-equiv <meta>):
- `index.html`, `index_1.html`, `index_2.html` …: list pages of `PER_PAGE` articles, newest
  first, each row a relative link (`./202612/t20261201_4180013.html`) and its date in a <span>;
  pagination by 下一页 / numbered links; nav, asset and off-site links around the list. List
  pages carry ETag and Last-Modified (a conditional GET of an unchanged list gets 304).
- article pages: title, an info line "发布日期：… 来源：…" (left out on every third article, whose
  date is then only in the list), body paragraphs; no date in any meta tag.
Texts come from demo.generator (its own seeded generator, one article a day going back).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsmon.demo.generator import SHANGHAI, ArticleGenerator, GeneratedArticle

ROOT = "/gov/tjsj/"
PER_PAGE = 8
SPACING = timedelta(days=1)
CHARSET = "gbk"


@dataclass(frozen=True, slots=True)
class PortalArticle:
    article: GeneratedArticle
    seq: int  # publication order, from 0

    @property
    def path(self) -> str:
        return f"{ROOT}{self.article.published_at:%Y%m}/{self.article.slug}.html"

    @property
    def dated_in_body(self) -> bool:
        """Every third article prints no date: only its list row dates it."""
        return self.seq % 3 != 2


class Portal:
    """The portal's articles, newest last; publishing is synchronous and does no I/O."""

    def __init__(self, seed: int, backlog: int, now: datetime) -> None:
        self.generator = ArticleGenerator(seed * 7919 + 101)
        self.articles: list[PortalArticle] = []
        self.by_path: dict[str, PortalArticle] = {}
        self.changed_at = now.replace(microsecond=0)
        self.etag_prefix = f"{seed}-{int(now.timestamp())}"
        for k in range(backlog, 0, -1):
            self._add(now - SPACING * k)

    def _add(self, at: datetime) -> PortalArticle:
        published = PortalArticle(self.generator.next(at.astimezone(SHANGHAI)), len(self.articles))
        self.articles.append(published)
        self.by_path[published.path] = published
        return published

    def publish(self, now: datetime) -> PortalArticle:
        """A new article at the top of page 1 (the last one of each page moves to the next)."""
        now = now.replace(microsecond=0)
        self.changed_at = max(now, self.changed_at + timedelta(seconds=1))
        return self._add(now)

    def etag(self) -> str:
        return f'"{self.etag_prefix}-portal-{len(self.articles)}"'

    def pages(self) -> int:
        return max(1, -(-len(self.articles) // PER_PAGE))

    def page(self, n: int) -> list[PortalArticle]:
        """List page n (0 = index.html), newest first."""
        newest = list(reversed(self.articles))
        return newest[n * PER_PAGE:(n + 1) * PER_PAGE]


def page_name(n: int) -> str:
    return "index.html" if n == 0 else f"index_{n}.html"


def render_list(portal: Portal, n: int, site_name: str) -> str:
    rows = "\n".join(
        f'<li><a href="./{p.article.published_at:%Y%m}/{p.article.slug}.html" target="_blank" '
        f'title="{html.escape(p.article.title)}">{html.escape(p.article.title)}</a>'
        f'<span class="date">{p.article.published_at:%Y-%m-%d}</span></li>'
        for p in portal.page(n)
    )
    total = portal.pages()
    numbers = " ".join(f'<a href="{page_name(k)}">{k + 1}</a>' if k != n else f"<b>{k + 1}</b>" for k in range(total))
    prev_link = f'<a href="{page_name(n - 1)}">上一页</a>' if n > 0 else ""
    next_link = f'<a href="{page_name(n + 1)}">下一页</a>' if n + 1 < total else ""
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>统计数据_{html.escape(site_name)}人民政府</title>
<link rel="stylesheet" href="/gov/css/style.css"></head>
<body>
<div class="head"><a href="/gov/">首页</a> <a href="/gov/zwgk/">政务公开</a> <a href="/gov/tzgg/index.html">通知公告</a>
<a href="/gov/tjsj/index.html">统计数据</a> <a href="/gov/bmdt/index.html">部门动态</a> <a href="http://www.gov.cn/">中国政府网</a></div>
<div class="crumb">当前位置：<a href="/gov/">首页</a> &gt; <a href="./index.html">统计数据</a></div>
<div class="list"><ul>
{rows}
</ul></div>
<div class="page">共{total}页 {prev_link} {numbers} {next_link} <a href="{page_name(total - 1)}">尾页</a></div>
<div class="foot"><a href="/gov/sitemap/">网站地图</a> <a href="/gov/lxwm/">联系我们</a> 主办：{html.escape(site_name)}（演示站点，内容为程序生成）</div>
</body></html>"""


def render_article(published: PortalArticle, site_name: str) -> str:
    article = published.article
    paragraphs = "\n".join(f"<p>\u3000\u3000{html.escape(text)}</p>" for text in article.paragraphs)
    info = (f'<div class="info">发布日期：{article.published_at:%Y-%m-%d}\u3000来源：{html.escape(article.region_name)}统计局'
            "\u3000【字体：大 中 小】</div>") if published.dated_in_body else '<div class="info">【字体：大 中 小】【打印】</div>'
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{html.escape(article.title)}</title>
<meta name="keywords" content="统计数据"></head>
<body>
<div class="head"><a href="/gov/">首页</a> <a href="/gov/tjsj/index.html">统计数据</a></div>
<div class="crumb">当前位置：<a href="/gov/">首页</a> &gt; <a href="../index.html">统计数据</a> &gt; 正文</div>
<div class="article"><h1>{html.escape(article.title)}</h1>
{info}
<div class="TRS_Editor">
{paragraphs}
</div></div>
<div class="foot">主办：{html.escape(site_name)}（演示站点，内容为程序生成）</div>
</body></html>"""
