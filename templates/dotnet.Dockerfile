# syntax=docker/dockerfile:1
# Written by `seaworthy init` for an {{ framework }} app. Packages are
# restored in their own layer, cached until the project file changes.
FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /src
COPY {{ manager.copy | join(" ") }} ./
RUN {{ manager.install }}
COPY . .
RUN {{ manager.package }}

FROM mcr.microsoft.com/dotnet/aspnet:8.0
WORKDIR /app
COPY --from=build /out ./
{% if port %}ENV ASPNETCORE_HTTP_PORTS={{ port }}
{% endif %}# The image's own unprivileged user (APP_UID).
USER 1654
{% if port %}EXPOSE {{ port }}
{% else %}# It serves no port: there is nothing to probe.
HEALTHCHECK NONE
{% endif %}CMD {{ start_argv }}
