# seaworthy's own image: a static binary on scratch, run as a non-root user.
#
#   docker build -t seaworthy .
#   docker run --rm -v "$PWD:/src" seaworthy check            # the folder mounted at /src
#   docker run --rm -i seaworthy check - --stdin-filename Dockerfile < Dockerfile
#
# `fix` writes into the mounted folder: run it as its owner
# (`docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/src" seaworthy fix --yes`).
# The GitHub Action (action.yml) builds this file and runs it that way.

ARG RUST_VERSION=1.95

# ---- build: a static musl binary for the build machine's architecture
# (x86_64 or aarch64). musl-tools gives cc-rs the musl-gcc that mimalloc's
# C sources compile with; the Rust standard library for the target comes
# from rustup.
FROM rust:${RUST_VERSION}-slim-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY benches ./benches
COPY data ./data
COPY templates ./templates
COPY src ./src
RUN target="$(uname -m)-unknown-linux-musl" \
 && rustup target add "$target" \
 && cargo build --release --locked --target "$target" \
 && cp "target/$target/release/seaworthy" /seaworthy \
 && /seaworthy --version

# ---- the image: nothing but the binary. scratch has no /etc/passwd, so the
# user is numeric (65532, distroless's "nonroot").
FROM scratch
LABEL org.opencontainers.image.title="seaworthy" \
      org.opencontainers.image.description="Checks and fixes Dockerfiles and Compose files for production" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /seaworthy /usr/local/bin/seaworthy
USER 65532:65532
WORKDIR /src
# A one-shot command-line tool: there is no long-running process to probe,
# and a container that exits when its run is done is never "unhealthy".
# `HEALTHCHECK NONE` says so on purpose (SW101 respects it).
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/seaworthy"]
CMD ["check"]
