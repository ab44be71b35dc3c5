# One image for every newsmon service; the command picks the service
# (newsmon crawl | process | index | run --external | kibana setup ...).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml MANIFEST.in README.md ./
COPY native ./native
COPY services ./services
COPY schemas ./schemas
COPY deploy ./deploy
# The install compiles the Rust extension newsmon._native (native/, rustc >= 1.85) into
# services/newsmon/. The toolchain (rustup, minimal profile; gcc links and builds PCRE2's C
# sources, statically) lives only for this one layer: it is removed before the layer ends.
ARG RUST_TOOLCHAIN=stable
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl gcc libc6-dev \
 && curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
    | RUSTUP_HOME=/opt/rustup CARGO_HOME=/opt/cargo \
      sh -s -- -y --no-modify-path --profile minimal --default-toolchain "$RUST_TOOLCHAIN" \
 && RUSTUP_HOME=/opt/rustup CARGO_HOME=/opt/cargo PATH="/opt/cargo/bin:$PATH" PCRE2_SYS_STATIC=1 \
    pip install --no-cache-dir -e . \
 && python -c 'import newsmon._native' \
 && rm -rf /opt/rustup /opt/cargo native/target build \
 && apt-get purge -y --auto-remove curl gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 newsmon
USER newsmon
ENTRYPOINT []
CMD ["newsmon", "--help"]
