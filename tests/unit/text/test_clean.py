"""clean(): characters, punctuation, spacing, newspaper re-flow and layout furniture."""

import time

from newsmon.text.clean import clean, to_simplified


def test_full_width_digits_letters_and_spaces_become_half_width():
    cleaned = clean("全区完成投资１２．５亿元，ＧＤＰ增长５％。")
    assert cleaned.text == "全区完成投资12.5亿元，GDP增长5%。"


def test_ascii_punctuation_between_chinese_becomes_chinese_but_numbers_keep_ascii():
    cleaned = clean("上半年,郧阳区签约项目12个;协议投资3.5亿元(同比增长8.1%),完成率1,200%:好。")
    assert cleaned.text == "上半年，郧阳区签约项目12个；协议投资3.5亿元（同比增长8.1%），完成率1,200%：好。"


def test_stray_spaces_inside_numbers_and_dates_are_removed():
    cleaned = clean("3月 15日，茅箭区新增市场主体1 200户，总投资 8亿元。")
    assert cleaned.text == "3月15日，茅箭区新增市场主体1200户，总投资8亿元。"


def test_column_wrapped_lines_are_reflowed_into_paragraphs():
    raw = (
        "郧西县县长王\n"
        "建国表示，全县\n"
        "将新开工项目30\n"
        "个，总投资45亿\n"
        "\n"
        "元。\n"
        "短段落结束。\n"
    )
    cleaned = clean(raw)
    assert cleaned.text.startswith("郧西县县长王建国表示，全县将新开工项目30个，总投资45亿元。")


def test_vertical_headline_is_rebuilt_as_one_heading():
    raw = "正文第一段说明情况，内容较长。\n\n招\n商\n引\n资\n\n正文第二段继续说明，内容较长。\n"
    cleaned = clean(raw)
    assert "招商引资" in cleaned.headings
    assert [p.kind for p in cleaned.paragraphs] == ["body", "heading", "body"]


def test_bylines_and_photo_credits_leave_the_body():
    raw = (
        "竹山县项目建设提速\n\n"
        "记者张小明 通讯员李华\n\n"
        "王大伟 摄\n\n"
        "今年以来，竹山县新签约项目18个。\n\n"
        "竹山县工业园一角\n"
    )
    cleaned = clean(raw)
    assert cleaned.bylines == ["记者张小明 通讯员李华", "王大伟 摄"]
    assert cleaned.captions == ["竹山县工业园一角"]
    assert cleaned.title == "竹山县项目建设提速"
    assert "记者" not in cleaned.text and "摄" not in cleaned.text
    assert "今年以来，竹山县新签约项目18个。" in cleaned.text


def test_body_line_opening_with_a_role_is_not_a_byline_and_is_read_in_linear_time():
    # Every way of cutting the long run into names used to be tried: this line took 12 s.
    line = "记者在孙启勤的办公室里看到的山庄规划图上，不仅有为度假设置的农家餐厅、宾馆、垂钓台、游猎场、休闲中心，" \
        "还有以生态景观为主的天鹅湖、鱼塘、花园，占地500余亩。"
    started = time.perf_counter()
    cleaned = clean(f"标题\n\n{line * 3}\n\n记者 张小明、李华 通讯员：王大伟")
    assert time.perf_counter() - started < 1.0
    assert cleaned.bylines == ["记者 张小明、李华 通讯员：王大伟"]
    assert line * 3 in cleaned.text


def test_paragraph_offsets_index_the_text():
    cleaned = clean("标题一行\n\n第一段文字，很长的一段。\n\n第二段文字，也很长。")
    for paragraph in cleaned.paragraphs:
        assert cleaned.text[paragraph.start : paragraph.end] == paragraph.text


def test_traditional_text_keeps_its_script_and_has_a_simplified_form_of_same_length():
    cleaned = clean("張灣區實現地區生產總值147億元。")
    assert cleaned.text == "張灣區實現地區生產總值147億元。"
    assert cleaned.simplified == "张湾区实现地区生产总值147亿元。"
    assert len(cleaned.simplified) == len(cleaned.text)
    assert to_simplified("已是简体") == "已是简体"


def test_control_and_zero_width_characters_are_dropped():
    assert clean("增长\x00\u200b5%\x07。").text == "增长5%。"


def test_empty_input():
    cleaned = clean("")
    assert cleaned.text == "" and cleaned.paragraphs == [] and cleaned.title is None


def test_photo_credits_opening_with_a_marker_leave_the_body():
    raw = "竹山县项目建设提速\n\n（图/张小明）\n\n图片来源：县融媒体中心\n\n今年以来，竹山县新签约项目18个。\n"
    cleaned = clean(raw)
    assert cleaned.bylines == ["（图/张小明）", "图片来源：县融媒体中心"]
    assert cleaned.text == "竹山县项目建设提速\n\n今年以来，竹山县新签约项目18个。"


def test_reflow_measures_chinese_characters_as_two_columns():
    # Line widths 36, 38, 21, 36, 25 columns: the Latin line is short and ends its paragraph
    # (counted in characters, 18, 19, 21, 18, 13, it would look full and run on).
    raw = (
        "郧阳区今年新签约项目十二个总投资达到\n"
        "了新的水平并且完成了全年目标任务的一半\n"
        "GDP grew 6.1 percent。\n"
        "郧阳区新开工项目八个总投资较上年增加\n"
        "后续项目正在加紧推进之中。\n"
    )
    assert clean(raw).text == (
        "郧阳区今年新签约项目十二个总投资达到了新的水平并且完成了全年目标任务的一半GDP grew 6.1 percent。"
        "\n\n郧阳区新开工项目八个总投资较上年增加后续项目正在加紧推进之中。"
    )
