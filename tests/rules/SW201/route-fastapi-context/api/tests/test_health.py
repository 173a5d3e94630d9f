from fastapi.testclient import TestClient

from app.main import app


def test_health() -> None:
    assert TestClient(app).get("/healthz").status_code == 404
    assert TestClient(app).get("/health").status_code == 200
