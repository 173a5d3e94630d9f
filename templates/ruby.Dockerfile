# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a {{ framework }} app. Gems are installed
# in their own layer, cached until {{ manager.copy | join(", ") }} change;
# bundler's settings (.bundle/config) travel with the app.
FROM ruby:3.3-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential{% if "postgres" in service_names %} libpq-dev{% endif %}{% if "mysql" in service_names %} default-libmysqlclient-dev{% endif %} \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY {{ manager.copy | join(" ") }} ./
RUN {{ manager.install }}
COPY . .
{% if rails_assets %}RUN SECRET_KEY_BASE_DUMMY=1 bundle exec rails assets:precompile
{% endif %}
FROM ruby:3.3-slim
{% if "postgres" in service_names or "mysql" in service_names %}RUN apt-get update \
    && apt-get install -y --no-install-recommends{% if "postgres" in service_names %} libpq5{% endif %}{% if "mysql" in service_names %} libmariadb3{% endif %} \
    && rm -rf /var/lib/apt/lists/*
{% endif %}{% if framework == "Rails" %}ENV RAILS_ENV=production \
    RAILS_LOG_TO_STDOUT=1
{% endif %}WORKDIR /app
RUN useradd --no-log-init --create-home --uid 10001 app
COPY --from=build /usr/local/bundle /usr/local/bundle
COPY --from=build --chown=app:app /app /app
USER 10001
{% if port %}EXPOSE {{ port }}
{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
