"""newsmon: streaming ingestion of Chinese regional economic news.

The pipeline reads top to bottom: crawl -> text (clean, segment) -> extract -> process (Faust
agents wiring the stages) -> index (Elasticsearch).
"""

__version__ = "0.1.0"
