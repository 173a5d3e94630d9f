import argparse
import asyncio

import yaml
from aiohttp import ClientSession, web


async def proxy(request: web.Request) -> web.StreamResponse:
    upstream = request.app["upstream"]
    async with ClientSession() as session:
        async with session.request(
            request.method, upstream + request.path_qs, data=await request.read()
        ) as answer:
            return web.Response(status=answer.status, body=await answer.read())


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def main(path: str) -> None:
    with open(path) as f:
        config = yaml.safe_load(f)["gateway"]
    app = web.Application()
    app["upstream"] = config["upstream"]
    app.router.add_route("*", "/{tail:.*}", proxy)

    health = web.Application()
    health.router.add_get("/healthz", healthz)

    for site_app, port in ((app, config["listen_port"]), (health, config["health_port"])):
        runner = web.AppRunner(site_app)
        await runner.setup()
        await web.TCPSite(runner, "0.0.0.0", port).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="config.yaml")
    asyncio.run(main(parser.parse_args().config))
