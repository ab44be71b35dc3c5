"""SimHash fingerprints: stable, 64-bit, close for near-duplicates, far for different texts."""

from newsmon.text.fingerprint import hamming, is_near_duplicate, simhash

COUNTIES = ["竹溪县", "竹山县", "房县", "郧西县", "郧阳区", "茅箭区", "张湾区", "丹江口市"]
TEMPLATES = [
    "今年一季度，{c}完成地区生产总值{n}.3亿元，同比增长{m}.1%。",
    "{c}规上工业增加值同比增长{m}.4%，固定资产投资增速排名全市第{m}。",
    "{c}社会消费品零售总额{n}.7亿元，新签约亿元以上项目{n}个。",
    "{c}新开工项目{m}{n}个，总投资{n}{m}亿元，招商引资成效明显。",
]
# A realistic-length invented article (SimHash needs a few hundred shingles to be stable).
ARTICLE = "".join(
    template.format(c=county, n=10 + 7 * i + j, m=1 + (i + j) % 9)
    for i, county in enumerate(COUNTIES)
    for j, template in enumerate(TEMPLATES)
)


def test_fingerprint_is_64_bit_and_deterministic():
    value = simhash(ARTICLE)
    assert 0 <= value < 2**64
    assert simhash(ARTICLE) == value


def test_small_edit_is_a_near_duplicate():
    edited = ARTICLE.replace("竹山县", "竹山", 1).replace("，", ",", 2)
    assert is_near_duplicate(simhash(ARTICLE), simhash(edited))


def test_different_articles_are_far_apart():
    other = "房县今年举办培训班32期，培训农民工2100人次，志愿服务活动开展480余场，惠及群众3万人。" * 3
    assert hamming(simhash(ARTICLE), simhash(other)) > 10


def test_empty_text():
    assert simhash("") == 0
    assert hamming(0, 0b1011) == 3
