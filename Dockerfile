# One image for every newsmon service; the command picks the service
# (newsmon crawl | process | index | run --external | kibana setup ...).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY schemas ./schemas
COPY deploy ./deploy
RUN pip install --no-cache-dir -e . \
 && useradd --system --uid 10001 newsmon
USER newsmon
ENTRYPOINT []
CMD ["newsmon", "--help"]
