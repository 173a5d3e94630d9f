from fastapi import FastAPI

from .health import router

app = FastAPI()
app.include_router(router, prefix="/api/v1")
