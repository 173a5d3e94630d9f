from aiohttp import web


async def index(request):
    return web.Response(text="hello")


async def health(request):
    return web.json_response({"status": "ok"})


app = web.Application()
app.add_routes([web.get("/", index), web.get("/health", health)])
