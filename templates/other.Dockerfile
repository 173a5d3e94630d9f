# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a project whose stack it does not know: a
# skeleton to complete. Fill in the TODO lines, build it (`docker build .`),
# then `seaworthy check` keeps its production settings in place.
FROM debian:bookworm-slim
WORKDIR /app
# TODO: install what the app needs to run, for example:
# RUN apt-get update \
#     && apt-get install -y --no-install-recommends ca-certificates \
#     && rm -rf /var/lib/apt/lists/*
COPY . .
# TODO: build the app here if it needs building, or in a stage of its own
# (FROM the toolchain's image) whose output this stage copies.
# An unprivileged user; the files copied above stay owned by root.
USER 65532:65532
{% if port %}EXPOSE {{ port }}
{% if not health_path %}# No health route is known, and nothing says what the port speaks: a probe
# written without them could fail on a healthy app. Serve a health route,
# declare it ([health] path in seaworthy.toml), delete this line and run
# `seaworthy fix`.
HEALTHCHECK NONE
{% endif %}{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
