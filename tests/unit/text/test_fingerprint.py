"""SimHash fingerprints: stable, 64-bit, close for near-duplicates, far for different texts."""

import pytest

from newsmon.text.fingerprint import hamming, is_near_duplicate, simhash

COUNTIES = ["竹溪县", "竹山县", "房县", "郧西县", "郧阳区", "茅箭区", "张湾区", "丹江口市"]
TEMPLATES = [
    "今年一季度，{c}完成地区生产总值{n}.3亿元，同比增长{m}.1%。",
    "{c}规上工业增加值同比增长{m}.4%，固定资产投资增速排名全市第{m}。",
    "{c}社会消费品零售总额{n}.7亿元，新签约亿元以上项目{n}个。",
    "{c}新开工项目{m}{n}个，总投资{n}{m}亿元，招商引资成效明显。",
    "{c}聚焦汽车零部件、绿色食品和文化旅游等产业，外出招商{m}批次，走访企业{n}家。",
    "{c}地方一般公共预算收入{n}.2亿元，其中税收收入占比{m}{n}%，较上年提高{m}个百分点。",
    "{c}持续优化营商环境，推行审批服务“一网通办”，企业开办时间压缩至{m}个工作日。",
    "{c}农村常住居民人均可支配收入{n}{m}元，增速高于全省平均水平，城乡差距逐步缩小。",
    "{c}引进高校毕业生{n}{m}人，新增市场主体{m}{n}户，城镇新增就业{n}.5万人。",
    "{c}完成造林{m}.{n}万亩，建成高标准农田{n}{m}亩，粮食产量保持稳定。",
    "{c}接待游客{n}.{m}万人次，实现旅游综合收入{m}.{n}亿元，同比增长{n}.6%。",
    "{c}外贸进出口总额{m}{n}.8亿元，实际利用外资{n}{m}万美元。",
]
# An invented article of realistic length: SimHash needs a thousand or more distinct shingles
# before a one-character edit reliably moves fewer than four bits.
ARTICLE = "".join(
    template.format(c=county, n=10 + 7 * i + j, m=1 + (i + j) % 9)
    for i, county in enumerate(COUNTIES)
    for j, template in enumerate(TEMPLATES)
)


def test_fingerprint_is_64_bit_and_deterministic():
    value = simhash(ARTICLE)
    assert 0 <= value < 2**64
    assert simhash(ARTICLE) == value


def test_fingerprint_value_is_pinned():
    # Integer mixing with fixed constants: the same value in every process, version and platform.
    assert simhash("十堰经开区新签约项目12个，协议投资86亿元。") == 0x82ECD97DEA1BF148


def test_small_edit_is_a_near_duplicate():
    edited = ARTICLE.replace("竹山县", "竹山", 1).replace("，", ",", 2)
    assert is_near_duplicate(simhash(ARTICLE), simhash(edited))


def test_one_character_edits_anywhere_stay_near():
    original = simhash(ARTICLE)
    step = len(ARTICLE) // 50
    distances = [hamming(original, simhash(ARTICLE[:i] + "的" + ARTICLE[i + 1 :])) for i in range(0, len(ARTICLE), step)]
    assert sum(distance <= 3 for distance in distances) >= 0.9 * len(distances)


def test_punctuation_and_spacing_are_ignored():
    assert simhash(ARTICLE) == simhash(ARTICLE.replace("，", " , ").replace("。", "\n\n_"))
    assert simhash("GDP增长5.3%") == simhash("GDP 增长 53")


def test_different_articles_are_far_apart():
    other = "房县今年举办培训班32期，培训农民工2100人次，志愿服务活动开展480余场，惠及群众3万人。" * 3
    assert hamming(simhash(ARTICLE), simhash(other)) > 10


def _mix(x: int) -> int:
    mask = 2**64 - 1
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & mask
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & mask
    return x ^ (x >> 33)


def _reference_simhash(text: str, shingle: int = 4) -> int:
    """The scheme written out plainly, one shingle at a time."""
    codes = [ord(char) for char in text if char.isalnum()]
    if not codes:
        return 0
    shingle = min(shingle, len(codes))
    hashes = set()
    for start in range(len(codes) - shingle + 1):
        value = 0
        for step in range(0, shingle, 3):
            packed = 0
            for code in codes[start + step : start + min(step + 3, shingle)]:
                packed = (packed << 21) | code
            value = _mix(value ^ packed)
        hashes.add(value)
    return sum(1 << bit for bit in range(64) if 2 * sum((h >> bit) & 1 for h in hashes) > len(hashes))


@pytest.mark.parametrize("shingle", [1, 2, 3, 4, 5, 7])
def test_fingerprint_is_the_scheme_written_out(shingle):
    for text in (ARTICLE[:3000], "GDP增长5.3%，𠀀𠀁𠀂", "\ud800十堰\udfff经开区", "ab", "，。"):
        assert simhash(text, shingle) == _reference_simhash(text, shingle), (text[:20], shingle)


def test_empty_and_short_text():
    assert simhash("") == 0
    assert simhash("，。 ") == 0
    assert simhash("经开区") != 0
    assert simhash("经开区") != simhash("开发区")
    assert hamming(0, 0b1011) == 3
