"""Gazetteer regions, development zones and what 全市/全区/全县 stand for."""

from newsmon.extract.regions import NameMatcher, find_regions, gazetteer


def test_gazetteer_has_six_digit_codes_and_parents():
    (zhangwan,) = [r for r in gazetteer().by_name["张湾区"] if r.name == "张湾区"]
    assert zhangwan.code == "420303"
    assert zhangwan.parent_codes == ("420000", "420300")


def test_short_county_names_count_only_when_confirmed():
    context = find_regions("郧西县今年新签约项目。郧西将继续发力。")
    assert [region.name for _, _, region in context.mentions] == ["郧西县", "郧西县"]
    assert find_regions("他说郧西很美。").mentions == []


def test_deictic_words_resolve_to_the_article_regions():
    context = find_regions("茅箭区今年以来招商成效明显。茅箭区新签约项目12个。十堰市领导调研。")
    assert context.resolve_deictic("全区").name == "茅箭区"
    assert context.resolve_deictic("我市").name == "十堰市"
    assert context.resolve_deictic("全省").name == "湖北省"


def test_development_zones_take_their_host_region():
    context = find_regions("襄阳经开区上半年签约项目8个。经开区将继续推进。")
    names = [region.name for _, _, region in context.mentions]
    assert names == ["襄阳经济技术开发区", "襄阳经济技术开发区"]
    assert context.mentions[0][2].parent_codes == ("420000", "420600")


def test_name_matcher_takes_leftmost_longest_non_overlapping_names():
    matcher = NameMatcher.of({"十堰", "十堰市", "堰市区", "张湾区", "张湾"})
    assert matcher.matches("十堰市张湾区和张湾") == [(0, 3, "十堰市"), (3, 6, "张湾区"), (7, 9, "张湾")]
    assert matcher.matches("𠀀十堰") == [(1, 3, "十堰")]  # offsets count code points
    assert matcher.matches("\ud800十堰市") == [(1, 4, "十堰市")]  # a lone surrogate is one character
    assert matcher.matches("十堰市区") == [(0, 3, "十堰市")]  # "堰市区" overlaps the leftmost name
    assert matcher.matches("十") == [] and matcher.matches("") == []
