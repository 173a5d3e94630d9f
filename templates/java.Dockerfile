# syntax=docker/dockerfile:1
# Written by `seaworthy init` for a {{ framework }} app. Dependencies are
# downloaded in their own layer, cached until {{ manager.copy | join(", ") }} change.
FROM {% if manager.name == "maven" %}maven:3.9-eclipse-temurin-21{% else %}gradle:8.10-jdk21{% endif %} AS build
WORKDIR /src
COPY {{ manager.copy | join(" ") }} ./
RUN {{ manager.install }}
COPY . .
RUN {{ manager.package }}

FROM eclipse-temurin:21-jre
# The JVM sizes its heap from the container's memory limit.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
WORKDIR /app
RUN useradd --no-log-init --uid 10001 app
COPY --from=build /app.jar /app/app.jar
USER 10001
{% if port %}EXPOSE {{ port }}
{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
