# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a site built with {{ framework }}: {{ "Bun" if manager.runtime == "bun" else "Node" }} builds
# it, then a static server serves the files. Dependencies are installed in
# their own layer, cached until {{ manager.copy | join(", ") }} change.
FROM {{ "oven/bun:1-slim" if manager.runtime == "bun" else "node:22-slim" }} AS build
WORKDIR /app
COPY {{ manager.copy | join(" ") }} ./
RUN {{ manager.install }}
COPY . .
RUN {{ manager.runtime or "npm" }} run build

# static-web-server: one static binary on scratch, no shell. It serves
# {{ output }}/ from /site (the image's own /public holds its demo page); a
# path with no file gets index.html, so the app's router answers it.
FROM joseluisq/static-web-server:2
COPY --from=build /app/{{ output }} /site
USER 65532:65532
{% if port %}EXPOSE {{ port }}
{% if not health_path %}# No health route is declared, and this image has no shell or HTTP client:
# the only probe it could copy in without one is a bare TCP connect, which
# passes on a server that accepts and never answers. Declare `/` ([health]
# path in seaworthy.toml), delete this line and run `seaworthy fix`.
HEALTHCHECK NONE
{% endif %}{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}# The image's ENTRYPOINT is the server alone: this one gives its flags too.
ENTRYPOINT {{ start_argv }}
