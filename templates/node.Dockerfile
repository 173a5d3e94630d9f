# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a {{ framework }} app. Dependencies are
# installed in their own layer, cached until {{ manager.copy | join(", ") }} change.
{% if manager.runtime == "bun" %}{% set image = "oven/bun:1-slim" %}{% set user = "bun" %}{% else %}{% set image = "node:22-slim" %}{% set user = "node" %}{% endif -%}
FROM {{ image }} AS build
WORKDIR /app
{% for copy in manager.copies %}COPY {{ copy.from | join(" ") }} {{ copy.to }}
{% endfor %}RUN {{ manager.install }}
COPY . .
{% if build_script or manager.prune %}RUN {% if build_script %}{{ manager.runtime or "npm" }} run build{% if manager.prune %} && {% endif %}{% endif %}{{ manager.prune or "" }}
{% endif %}
FROM {{ image }}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown={{ user }}:{{ user }} /app ./
# The {{ "bun" if manager.runtime == "bun" else "node" }} image's own unprivileged user.
USER 1000
{% if port %}EXPOSE {{ port }}
{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
