from fastapi.testclient import TestClient

from app.main import app


@app.get("/health")
def health():
    return {"status": "ok"}


def test_health():
    assert TestClient(app).get("/health").status_code == 200
