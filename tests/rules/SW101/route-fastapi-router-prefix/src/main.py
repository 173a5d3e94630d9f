from fastapi import FastAPI

from . import health

app = FastAPI()
app.include_router(health.router)


@app.get("/")
async def index() -> dict[str, str]:
    return {"service": "catalog"}
