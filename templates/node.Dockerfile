# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a {{ framework }} app. Dependencies are
# installed in their own layer, cached until {{ manager.copy | join(", ") }} change.
FROM node:22-slim AS build
WORKDIR /app
{% for copy in manager.copies %}COPY {{ copy.from | join(" ") }} {{ copy.to }}
{% endfor %}RUN {{ manager.install }}
COPY . .
RUN {% if build_script %}npm run build && {% endif %}{{ manager.prune }}

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app ./
# The node image's own unprivileged user.
USER 1000
{% if port %}EXPOSE {{ port }}
{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
