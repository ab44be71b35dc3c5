"""The one place where the local stack's versions are pinned.

docker-compose.yml uses the same versions (a test checks it); bump them together.
"""

KAFKA_VERSION = "4.4.0"
KAFKA_SCALA = "2.13"
LOG4J_VERSION = "2.25.2"
SLF4J_VERSION = "2.0.17"

ELASTICSEARCH_VERSION = "9.5.4"
# Maven Central serves no checksum beside this zip, so it is pinned here.
ELASTICSEARCH_ZIP_SHA256 = "d9b0c28e08e499f6510b52ad66ec4bf9cdceab97cc28b3456989b8744b896934"
ELASTICSEARCH_ZIP_PATH = (
    "org/elasticsearch/distribution/integ-test-zip/elasticsearch/"
    f"{ELASTICSEARCH_VERSION}/elasticsearch-{ELASTICSEARCH_VERSION}.zip"
)
KIBANA_VERSION = ELASTICSEARCH_VERSION

MIN_JAVA = 21
