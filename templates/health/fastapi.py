"""Health endpoint written by `seaworthy init`: 200 while the data services
the app needs accept connections, 503 when one does not. To mount it,
{{ mount }}.
"""

import os
import socket
from urllib.parse import urlsplit

from fastapi import APIRouter
from fastapi.responses import JSONResponse

router = APIRouter()

# Each data service the app cannot work without, and the variable that
# holds its URL (compose.yaml sets them).
CRITICAL = {{ critical }}


def _reachable(url):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=1):
            return True
    except (OSError, TypeError, ValueError):
        return False


@router.get("/health")
def health():
    checks = {
        name: "ok" if _reachable(os.environ.get(variable, "")) else "unreachable"
        for name, variable in CRITICAL.items()
    }
    healthy = all(state == "ok" for state in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status_code=200 if healthy else 503,
    )
