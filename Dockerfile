# One image for every newsmon service; the command picks the service
# (newsmon crawl | process | index | demo-site | run --external --setup-only | kibana setup).
#
# Two stages, the usual way for a Python project with a compiled extension: `build` makes the
# wheel (newsmon._native compiled in by scripts/build-wheel), the runtime stage installs only that
# wheel and its dependencies. Debian 13 (trixie) ships rustc 1.85, the floor of native/ (pcre2 is
# an edition-2024 crate); Debian 12's 1.63 is too old.
# tests/deploy/ reads this file: the runtime stage's user creation (the RUN with useradd), its ENV,
# WORKDIR, VOLUME and HEALTHCHECK, and runs every worker kind under them against a real stack.
ARG PYTHON_IMAGE=python:3.11-slim-trixie

FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends cargo rustc gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml MANIFEST.in README.md ./
COPY scripts/build-wheel scripts/rust-env ./scripts/
COPY native ./native
COPY services ./services
COPY schemas ./schemas
COPY deploy/sources ./deploy/sources
COPY deploy/kibana/newsmon.ndjson ./deploy/kibana/
RUN PYTHON=python scripts/build-wheel /dist

FROM ${PYTHON_IMAGE}
ARG NEWSMON_VERSION=0.1.0
LABEL org.opencontainers.image.title="newsmon" \
      org.opencontainers.image.description="Streaming ingestion of Chinese regional economic news" \
      org.opencontainers.image.version="${NEWSMON_VERSION}" \
      org.opencontainers.image.source="https://github.com/newsmon/newsmon"
# A user with a home (Python and Faust write under ~ and the state dir), owning the state volume.
RUN useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin newsmon \
 && install -d -o newsmon -g newsmon -m 0750 /var/lib/newsmon
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSMON_STATE_DIR=/var/lib/newsmon \
    NEWSMON_CACHE_DIR=/home/newsmon/.cache/newsmon \
    NEWSMON_METRICS_PORT=9400 \
    NEWSMON_FAUST_WEB_PORT=6066
COPY --from=build /dist /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/newsmon-*.whl \
 && rm -rf /tmp/wheels \
 && newsmon --version
USER newsmon
WORKDIR /home/newsmon
# Faust's app directory (and anything else a worker keeps on disk) lives here: give it a volume.
VOLUME ["/var/lib/newsmon"]
# 9400: /metrics of crawler and indexer; 6066: the processor's web port; 8800: newsmon demo-site.
EXPOSE 9400 6066 8800
HEALTHCHECK --interval=15s --timeout=10s --start-period=30s --retries=4 CMD ["newsmon", "health"]
CMD ["newsmon", "--help"]
