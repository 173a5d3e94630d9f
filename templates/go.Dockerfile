# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a Go ({{ framework }}) program. Modules are
# downloaded in their own layer, cached until {{ manager.copy | join(", ") }} change.
FROM golang:1 AS build
WORKDIR /src
COPY {{ manager.copy | join(" ") }} ./
RUN {{ manager.install }}
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/{{ binary }} {{ build_path }}

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/{{ binary }} /usr/local/bin/{{ binary }}
USER 65532:65532
{% if port %}EXPOSE {{ port }}
{% if not health_path %}# No health route is known, and this image has no shell or HTTP client: the
# only probe it could copy in without one is a bare TCP connect, which passes
# on a server that accepts and never answers. Serve a health route, declare it
# ([health] path in seaworthy.toml), delete this line and run `seaworthy fix`.
HEALTHCHECK NONE
{% endif %}{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
