# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a Rust ({{ framework }}) program. The
# registry and target folders are cache mounts: a code change rebuilds only
# the crate.
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    {{ manager.install }} \
    && cargo build --release {% if locked %}--locked {% endif %}--bin {{ binary }} \
    && cp target/release/{{ binary }} /usr/local/bin/{{ binary }}

FROM debian:bookworm-slim
RUN useradd --no-log-init --uid 10001 app
COPY --from=build /usr/local/bin/{{ binary }} /usr/local/bin/{{ binary }}
USER 10001
{% if framework == "Rocket" %}ENV ROCKET_ADDRESS=0.0.0.0{% if port %} ROCKET_PORT={{ port }}{% endif %}
{% endif %}{% if port %}EXPOSE {{ port }}
{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
