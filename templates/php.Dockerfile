# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a {{ framework }} app. Packages are
# installed in their own layer, cached until {{ manager.copy | join(", ") }} change.
FROM composer:2 AS build
WORKDIR /app
COPY {{ manager.copy | join(" ") }} ./
RUN {{ manager.install }}
COPY . .
RUN {{ manager.package }}

FROM php:8.3-apache
# Apache on 8080 so that it runs as www-data; the site is {{ docroot }}.
RUN sed -i 's/^Listen 80$/Listen 8080/' /etc/apache2/ports.conf \
    && sed -i 's/<VirtualHost \*:80>/<VirtualHost *:8080>/; s#DocumentRoot /var/www/html#DocumentRoot {{ docroot }}#' /etc/apache2/sites-available/000-default.conf \
    && a2enmod rewrite{% if "postgres" in service_names %} \
    && apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && docker-php-ext-install pdo_pgsql \
    && rm -rf /var/lib/apt/lists/*{% endif %}{% if "mysql" in service_names %} \
    && docker-php-ext-install pdo_mysql{% endif %}
WORKDIR /var/www/html
COPY --from=build --chown=www-data:www-data /app ./
# www-data
USER 33
{% if port %}EXPOSE {{ port }}
{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
