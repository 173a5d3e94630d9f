from starlette.applications import Starlette
from starlette.responses import PlainTextResponse


async def healthz(request):
    return PlainTextResponse("ok")


app = Starlette()
app.add_route("/healthz", healthz, methods=["GET"])
