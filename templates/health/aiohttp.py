"""Health endpoint written by `seaworthy init`: 200 while the data services
the app needs accept connections, 503 when one does not. To mount it,
{{ mount }}.
"""

import asyncio
import os
from urllib.parse import urlsplit

from aiohttp import web

# Each data service the app cannot work without, and the variable that
# holds its URL (compose.yaml sets them).
CRITICAL = {{ critical }}


async def _reachable(url):
    parts = urlsplit(url)
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port), timeout=1
        )
    except (OSError, TypeError, ValueError, asyncio.TimeoutError):
        return False
    writer.close()
    return True


async def health(request):
    checks = {
        name: "ok" if await _reachable(os.environ.get(variable, "")) else "unreachable"
        for name, variable in CRITICAL.items()
    }
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return web.json_response(body, status=200 if healthy else 503)
