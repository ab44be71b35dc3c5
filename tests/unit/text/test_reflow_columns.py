"""E-paper re-flow (issue 15, item 6): texts set in a narrow column, 10 to 15 characters a line,
or a whole page scanned column by column, come back as their paragraphs; headlines, bylines and
captions never glue to the body. The texts are this file's own, wrapped here at several widths."""

from __future__ import annotations

import pytest

from newsmon.text.clean import clean

HEADLINE = "城关镇特色产业带动农户增收"
BYLINE = "本报记者 周明远 通讯员 赵小兰"
PARAGRAPHS = [
    "今年以来，城关镇立足山区资源禀赋，大力发展茶叶、食用菌和中药材三大特色产业，全镇新增种植面积一万二千亩，带动一千八百余户农户稳定增收。",
    "在镇东村的食用菌基地，一排排大棚整齐排列，工人们正忙着采收香菇。基地负责人介绍，基地采取“公司加合作社加农户”的模式，统一供种、统一技术、统一收购。",
    "下一步，城关镇将继续延伸产业链条，建设冷链仓储和初加工车间，推动特色产业提质增效。",
]
HEADLINE_2 = "河口村光伏电站并网发电"
PARAGRAPHS_2 = [
    "日前，河口村村级光伏电站顺利并网发电，电站装机容量三百千瓦，预计每年可为村集体增加收入二十余万元。",
    "村党支部书记表示，光伏收益将主要用于公益岗位和村内道路维护，让群众共享发展成果。",
]
CAPTION = "图为镇东村食用菌基地工人采收香菇。"
CREDIT = "周明远 摄"


def column(paragraphs: list[str], width: int, indent: str = "\u3000\u3000") -> list[str]:
    lines = []
    for paragraph in paragraphs:
        text = indent + paragraph
        lines += [text[i:i + width] for i in range(0, len(text), width)]
    return lines


def bodies(text: str) -> list[str]:
    return [p.text for p in clean(text).paragraphs if p.kind == "body"]


@pytest.mark.parametrize("width", [10, 11, 12, 13, 15])
def test_one_column_story_with_headline_and_byline(width: int) -> None:
    text = "\n".join([HEADLINE, BYLINE, *column(PARAGRAPHS, width)])
    result = clean(text)
    assert result.title == HEADLINE
    assert result.bylines == [BYLINE]
    assert bodies(text) == PARAGRAPHS


@pytest.mark.parametrize("width", [10, 11, 12, 13])
def test_unindented_column_keeps_paragraph_breaks_at_short_last_lines(width: int) -> None:
    # No indent: a paragraph ends where a line ending a sentence stops short of the column.
    lines = column(PARAGRAPHS, width, indent="")
    # (the texts' last lines end short of the column at these widths, or no break could be seen)
    assert all(len(p) % width not in (0, width - 1, width - 2) for p in PARAGRAPHS)
    assert bodies("\n".join(lines)) == PARAGRAPHS


@pytest.mark.parametrize("width", [10, 12, 15])
def test_caption_and_credit_stay_out_of_the_body(width: int) -> None:
    text = "\n".join([HEADLINE, BYLINE, *column(PARAGRAPHS[:2], width), CAPTION, CREDIT, *column(PARAGRAPHS[2:], width)])
    result = clean(text)
    assert bodies(text) == PARAGRAPHS
    assert CREDIT in result.bylines and result.captions == [CAPTION]
    assert all(CAPTION not in p for p in bodies(text))


@pytest.mark.parametrize("width", [11, 13, 14])
def test_scanned_page_of_two_stories(width: int) -> None:
    """A whole page read column by column: story after story, each headline and byline on its own line."""
    text = "\n".join([HEADLINE, BYLINE, *column(PARAGRAPHS, width), HEADLINE_2, "记者 李华", *column(PARAGRAPHS_2, width)])
    result = clean(text)
    assert bodies(text) == PARAGRAPHS + PARAGRAPHS_2
    assert "记者 李华" in result.bylines and BYLINE in result.bylines
    headings = [p.text for p in result.paragraphs if p.kind in ("title", "heading")]
    assert headings == [HEADLINE, HEADLINE_2]


@pytest.mark.parametrize("width", [10, 12, 15])
def test_wrapped_headline_over_two_lines_is_one_heading(width: int) -> None:
    long_headline = "城关镇特色产业带动一千八百户农户增收致富"
    lines = [long_headline[:width], long_headline[width:], BYLINE, *column(PARAGRAPHS, width)]
    result = clean("\n".join(lines))
    assert result.title is not None and result.title.replace(" ", "") == long_headline
    assert bodies("\n".join(lines)) == PARAGRAPHS
