# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a {{ framework }} app. Dependencies are
# installed in their own layer, cached until {{ manager.copy | join(", ") }} change.
FROM python:3.12-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
{% for copy in manager.copies %}COPY {{ copy.from | join(" ") }} {{ copy.to }}
{% endfor %}RUN {{ manager.install }}{% if server %} \
    && pip --python /opt/venv/bin/python install --no-cache-dir {{ server }}{% endif %}

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH"{% if import_root %} \
    PYTHONPATH=/app/{{ import_root }}{% endif %}
WORKDIR /app
RUN useradd --no-log-init --create-home --uid 10001 app
COPY --from=build /opt/venv /opt/venv
COPY --chown=app:app . .
USER 10001
{% if port %}EXPOSE {{ port }}
{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
