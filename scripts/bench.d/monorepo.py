#!/usr/bin/env python3
"""Generate a synthetic monorepo for scripts/bench.

    scripts/bench.d/monorepo.py OUT_DIR --services N   (N a multiple of 10)

Writes N/10 projects, OUT_DIR/proj-NNN/, each with one compose.yaml of 10
services: 4 built from local Dockerfiles (api: python, web: node build + nginx,
worker: python, gateway: go multi-stage) and 6 from images (postgres, redis,
nginx, rabbitmq, mongo, mariadb). Services have the usual drift (no health
checks, limits, log rotation or restart policy on most; short depends_on), so
`seaworthy check` has work to do on every file. Content varies per project
(names, ports, versions) but the shape is the same, so the cost per service
should be the same at every size. Deterministic: same N, same bytes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SERVICES_PER_PROJECT = 10

PY_DOCKERFILE = """\
FROM python:3.{minor}-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE {port}
USER nobody
CMD ["python", "-m", "{module}", "--port", "{port}"]
"""

NODE_DOCKERFILE = """\
FROM node:{node}-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginx:1.27-alpine
COPY --from=build /src/dist /usr/share/nginx/html
COPY nginx.conf /etc/nginx/conf.d/default.conf
EXPOSE 80
"""

GO_DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM golang:1.{minor} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/{name} ./cmd/{name}

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/{name} /usr/local/bin/{name}
EXPOSE {port}
ENTRYPOINT ["/usr/local/bin/{name}"]
"""

COMPOSE = """\
name: {proj}

services:
  api:
    build: ./api
    ports:
      - "{api_port}:8000"
    environment:
      DATABASE_URL: postgres://app:app@db:5432/{proj}
      REDIS_URL: redis://cache:6379/0
      AMQP_URL: amqp://guest:guest@queue:5672/
    depends_on:
      - db
      - cache
      - queue

  web:
    build:
      context: ./web
      dockerfile: Dockerfile
    ports:
      - "{web_port}:80"
    depends_on:
      - api

  worker:
    build: ./worker
    command: ["python", "-m", "worker", "--concurrency", "{workers}"]
    environment:
      - DATABASE_URL=postgres://app:app@db:5432/{proj}
      - AMQP_URL=amqp://guest:guest@queue:5672/
    depends_on:
      - db
      - queue
    restart: unless-stopped

  gateway:
    build: ./gateway
    ports:
      - "{gw_port}:9000"
    depends_on:
      - api
      - web

  db:
    image: postgres:{pg}
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: app
      POSTGRES_DB: {proj}
    volumes:
      - db-data:/var/lib/postgresql/data

  cache:
    image: redis:7-alpine
    command: redis-server --appendonly yes

  proxy:
    image: nginx:1.27-alpine
    ports:
      - "{proxy_port}:80"
    volumes:
      - ./proxy/nginx.conf:/etc/nginx/nginx.conf:ro
    depends_on:
      - gateway

  queue:
    image: rabbitmq:3-management
    ports:
      - "{mq_port}:15672"

  docs:
    image: mongo:7
    volumes:
      - mongo-data:/data/db

  legacy-db:
    image: mariadb:11
    environment:
      MARIADB_ROOT_PASSWORD: example
    logging:
      driver: json-file
      options:
        max-size: 10m
        max-file: "3"

volumes:
  db-data:
  mongo-data:
"""


def project_files(i: int) -> dict[str, str]:
    """Relative path -> content for project number i."""
    proj = f"proj-{i:03d}"
    base = 20000 + 10 * i
    return {
        "compose.yaml": COMPOSE.format(
            proj=proj, api_port=base, web_port=base + 1, gw_port=base + 2,
            proxy_port=base + 3, mq_port=base + 4, workers=2 + i % 7,
            pg=("15", "16", "17")[i % 3]),
        "api/Dockerfile": PY_DOCKERFILE.format(minor=11 + i % 3, port=8000, module="api"),
        "worker/Dockerfile": PY_DOCKERFILE.format(minor=11 + i % 3, port=8001, module="worker"),
        "web/Dockerfile": NODE_DOCKERFILE.format(node=(18, 20, 22)[i % 3]),
        "gateway/Dockerfile": GO_DOCKERFILE.format(minor=21 + i % 3, name=f"gw{i}", port=9000),
    }


def generate(out: Path, services: int) -> list[Path]:
    """Writes the tree; returns the Compose and Dockerfiles written, sorted."""
    if services % SERVICES_PER_PROJECT:
        raise ValueError(f"services must be a multiple of {SERVICES_PER_PROJECT}")
    written = []
    for i in range(services // SERVICES_PER_PROJECT):
        for rel, text in project_files(i).items():
            p = out / f"proj-{i:03d}" / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
            written.append(p)
    return sorted(written)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--services", type=int, default=1000)
    args = ap.parse_args()
    files = generate(args.out, args.services)
    print(f"{args.out}: {args.services} services, {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
