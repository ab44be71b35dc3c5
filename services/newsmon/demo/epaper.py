"""The demo site's e-paper (数字报): the last `DAYS` daily editions, laid out like Founder's system.

Under /epaper/html/<yyyy>-<mm>/<dd>/:
- `node_<p>.htm`: page (版面) p's index: the list of the edition's pages, the page scan with an
  image map (`<area>` links) over its articles, and a title list that leaves one article out
  (reachable through the map only), plus links to the previous and next editions.
- `content_<n>.htm`: an article: headline, the text as set in a narrow column (lines broken
  every 11 to 14 characters with <br>, paragraphs indented), no date but the edition's. The last
  page holds one article that is a whole scanned page: several stories, column by column, with
  their headlines and bylines in between.
Each edition's texts come from a generator seeded by the seed and the date, so an edition reads
the same whichever order it is asked in. Dates outside the window (and tomorrow) are 404.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from newsmon.demo.generator import SHANGHAI, ArticleGenerator, GeneratedArticle

ROOT = "/epaper/html/"
DAYS = 7
PAGES = ("要闻", "经济", "区县", "专版")
PER_PAGE = 2  # articles on each page but the last (the scanned one)
WIDTHS = (11, 12, 13, 14)


@dataclass(frozen=True, slots=True)
class EpaperArticle:
    day: date
    page: int  # from 1
    number: int  # content_<number>.htm
    title: str
    lines: list[str]  # as printed in the column (paragraph starts indented with two ideographic spaces)
    stories: list[GeneratedArticle]  # one, or several on the scanned page

    @property
    def path(self) -> str:
        return f"{edition_dir(self.day)}content_{self.number}.htm"

    @property
    def page_name(self) -> str:
        return page_name(self.page)

    @property
    def published_at(self) -> datetime:
        return datetime.combine(self.day, time(0, 0), SHANGHAI)


def edition_dir(day: date) -> str:
    return f"{ROOT}{day:%Y-%m}/{day:%d}/"


def page_name(page: int) -> str:
    return f"第{page:02d}版：{PAGES[page - 1]}"


def wrap(text: str, width: int) -> list[str]:
    """A paragraph as a narrow column prints it: indented two characters, `width` a line."""
    text = "\u3000\u3000" + text
    return [text[i:i + width] for i in range(0, len(text), width)]


@lru_cache(maxsize=64)
def edition(seed: int, day: date) -> tuple[EpaperArticle, ...]:
    """The articles of one edition, page by page."""
    generator = ArticleGenerator(seed * 100_003 + day.toordinal())
    at = datetime.combine(day - timedelta(days=1), time(20, 0), SHANGHAI)
    articles: list[EpaperArticle] = []
    for page in range(1, len(PAGES) + 1):
        count = PER_PAGE if page < len(PAGES) else 2
        stories = [generator.next(at + timedelta(minutes=10 * len(articles) + k)) for k in range(count)]
        base = day.toordinal() % 100_000 * 100 + page * 10
        width = WIDTHS[(day.toordinal() + page) % len(WIDTHS)]
        if page < len(PAGES):
            for k, story in enumerate(stories):
                lines = [line for paragraph in story.paragraphs for line in wrap(paragraph, width)]
                articles.append(EpaperArticle(day, page, base + k, story.title, lines, [story]))
        else:
            lines = []
            for story in stories:  # the scanned page: headline, byline, column text, story after story
                lines += [story.title, story.byline]
                lines += [line for paragraph in story.paragraphs for line in wrap(paragraph, width)]
            articles.append(EpaperArticle(day, page, base, f"{page_name(page)}（版面扫描）", lines, stories))
    return tuple(articles)


def days(today: date) -> list[date]:
    """The editions online: today and the `DAYS - 1` before it."""
    return [today - timedelta(days=k) for k in range(DAYS)]


def render_page(seed: int, day: date, page: int, site_name: str, today: date) -> str:
    articles = [a for a in edition(seed, day) if a.page == page]
    pages = "\n".join(f'<li><a id="pageLink" href="node_{p}.htm">{page_name(p)}</a></li>' for p in range(1, len(PAGES) + 1))
    areas = "\n".join(f'<area shape="rect" coords="0,{200 * k},600,{200 * k + 190}" href="content_{a.number}.htm">'
                      for k, a in enumerate(articles))
    # The title list leaves the page's last article out: only the image map links it (as real pages often do).
    shown = articles[:-1] if len(articles) > 1 else articles
    titles = "\n".join(f'<li><a href="content_{a.number}.htm">{html.escape(a.title)}</a></li>' for a in shown)
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    nav = f'<a href="../../{before:%Y-%m}/{before:%d}/node_1.htm">前一期</a>'
    if after <= today:
        nav += f' <a href="../../{after:%Y-%m}/{after:%d}/node_1.htm">后一期</a>'
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(site_name)}报 数字报 {day:%Y年%m月%d日} {page_name(page)}</title>
<link rel="stylesheet" href="/epaper/css/paper.css"></head>
<body>
<div class="date">{day:%Y年%m月%d日} 星期{"一二三四五六日"[day.weekday()]} {nav} <a href="/epaper/">往期回顾</a></div>
<div class="pages"><ul>
{pages}
</ul></div>
<div class="scan"><img src="/img/epaper_{day:%Y%m%d}_{page}.gif" usemap="#PagePicMap" alt="{page_name(page)}">
<map name="PagePicMap">
{areas}
</map></div>
<div class="titles"><ul>
{titles}
</ul></div>
<div class="pdf"><a href="/epaper/pdf/{day:%Y%m%d}_{page:02d}.pdf">本版PDF</a></div>
</body></html>"""


def render_article(article: EpaperArticle, site_name: str) -> str:
    body = "<br>\n".join(html.escape(line) for line in article.lines)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(article.title)}</title></head>
<body>
<div class="head">{html.escape(site_name)}报 {article.day:%Y年%m月%d日} <a href="node_{article.page}.htm">{article.page_name}</a>
<a href="node_1.htm">返回目录</a></div>
<div class="article"><h1>{html.escape(article.title)}</h1>
<div id="ozoom"><p>
{body}
</p></div></div>
<div class="foot">{html.escape(site_name)}报社 版权所有（演示站点，内容为程序生成）</div>
</body></html>"""
