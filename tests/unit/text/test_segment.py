"""Segmentation keeps domain terms whole; sentences split after their closing punctuation."""

from newsmon.text.segment import segment, segment_for_index, split_sentences


def test_domain_terms_stay_whole():
    words = segment("一季度张湾区完成地区生产总值98亿元，固定资产投资增长7.1%")
    for term in ("张湾区", "地区生产总值", "固定资产投资", "亿元"):
        assert term in words


def test_every_county_of_the_gazetteer_is_a_word():
    assert "竹溪县" in segment("竹溪县今年新签约项目")
    assert "江陵县" in segment("江陵县今年新签约项目")


def test_index_form_is_space_joined_without_punctuation():
    assert segment_for_index("房县签约项目9个，总投资12亿元。") == "房县 签约项目 9 个 总投资 12 亿元"


def test_queries_segment_like_documents():
    assert segment_for_index("张湾区 地区生产总值") == "张湾区 地区生产总值"


def test_split_sentences_keeps_closing_quotes_and_line_breaks():
    text = "他说：“今年形势很好。”随后离开！第三句……第四句\n第五句"
    assert split_sentences(text) == ["他说：“今年形势很好。”", "随后离开！", "第三句……", "第四句", "第五句"]
