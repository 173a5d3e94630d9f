#!/usr/bin/env python3
"""Generate ONE Compose file with many services, for the scaling benchmark.

    scripts/bench.d/one_compose.py OUT_DIR --services N

Writes OUT_DIR/compose.yaml with N services and, beside it, the Dockerfiles
they build (`Dockerfile`, built with `build: .`, and `Dockerfile.metrics`,
whose start command runs the health stage's metrics exporter). The services
cycle through eight shapes: postgres, redis, nginx, rabbitmq, mongo, an
unknown registry image and two built from the local Dockerfiles; they have
published ports (unique host ports), environment lists and maps, named and
bind-mounted volumes, and short `depends_on` lists naming earlier services,
with the usual drift (no health checks, limits, log rotation or restart
policy on most), so every Compose rule has work on every service. The shape
is the same at every N, so the cost per service should be too.
Deterministic: same N, same bytes. benches/one_compose.rs runs it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DOCKERFILE = """\
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 8000
USER nobody
CMD ["python", "-m", "app", "--port", "8000"]
"""

METRICS_DOCKERFILE = """\
FROM ghcr.io/acme/healthcheck:1 AS healthcheck

FROM python:3.12-slim
WORKDIR /app
COPY --from=healthcheck /usr/local/bin/healthcheck /usr/local/bin/healthcheck
COPY . .
EXPOSE 8000
HEALTHCHECK CMD ["healthcheck", "http://127.0.0.1:8000/healthz"]
CMD ["healthcheck", "--export-prom", ":9091", "--", "python", "-m", "app", "--port", "8000"]
"""


def depends(i: int, count: int) -> list[str]:
    """Up to `count` earlier services, spread over the file."""
    return [name(j) for j in sorted({i // 2, i - 1, i - 3}) if 0 <= j < i][:count]


def name(i: int) -> str:
    kind = ("db", "cache", "proxy", "queue", "docs", "vendor", "api", "exporter")
    return f"{kind[i % len(kind)]}-{i:05d}"


def service(i: int) -> str:
    """The YAML of service number i (two-space indentation, under `services:`)."""
    port = 20000 + i
    lines = [f"  {name(i)}:"]
    shape = i % 8
    deps = depends(i, 1 + i % 3)
    if shape == 0:
        lines += [
            f"    image: postgres:{16 + i % 2}",
            "    environment:",
            "      POSTGRES_USER: app",
            f"      POSTGRES_DB: app{i}",
            "    volumes:",
            f"      - ./pgdata-{i}:/var/lib/postgresql/data",
        ]
    elif shape == 1:
        lines += [
            "    image: redis:7-alpine",
            "    command: redis-server --appendonly yes",
            "    restart: always",
        ]
    elif shape == 2:
        lines += [
            "    image: nginx:1.27-alpine",
            "    ports:",
            f'      - "{port}:80"',
            "    volumes:",
            "      - ./nginx.conf:/etc/nginx/nginx.conf:ro",
        ]
    elif shape == 3:
        lines += [
            "    image: rabbitmq:3-management",
            "    ports:",
            f'      - "{port}:15672"',
            "    logging:",
            "      driver: json-file",
            "      options:",
            "        max-size: 10m",
            '        max-file: "3"',
        ]
    elif shape == 4:
        lines += [
            "    image: mongo:7",
            "    volumes:",
            f"      - mongo-{i}:/data/db",
        ]
    elif shape == 5:
        lines += [
            f"    image: ghcr.io/acme/vendor-{i}:1.{i % 10}",
            "    environment:",
            "      - MODE=production",
        ]
    elif shape == 6:
        lines += [
            "    build: .",
            "    ports:",
            f'      - "{port}:8000"',
            "    environment:",
            f"      - DATABASE_URL=postgres://app@{name(i - 6)}:5432/app",
            "      - WORKERS=4",
        ]
    else:
        lines += [
            "    build:",
            "      context: .",
            "      dockerfile: Dockerfile.metrics",
            "    environment:",
            "      - LOG_LEVEL=INFO",
        ]
    if deps and shape in (2, 5, 6, 7):
        lines.append("    depends_on:")
        lines += [f"      - {d}" for d in deps]
    return "\n".join(lines) + "\n"


def compose(services: int) -> str:
    volumes = [f"  mongo-{i}:\n" for i in range(services) if i % 8 == 4]
    return (
        "name: scaling\n\nservices:\n"
        + "".join(service(i) for i in range(services))
        + ("\nvolumes:\n" + "".join(volumes) if volumes else "")
    )


def generate(out: Path, services: int) -> Path:
    """Writes the files; returns the Compose file's path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "Dockerfile").write_text(DOCKERFILE)
    (out / "Dockerfile.metrics").write_text(METRICS_DOCKERFILE)
    path = out / "compose.yaml"
    path.write_text(compose(services))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--services", type=int, default=1000)
    args = ap.parse_args()
    path = generate(args.out, args.services)
    print(f"{path}: {args.services} services, {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
