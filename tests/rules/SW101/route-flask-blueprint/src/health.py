from flask import Blueprint, jsonify

health = Blueprint("health", __name__, url_prefix="/health")


@health.route("/live")
def live():
    return jsonify(status="ok")


@health.get("/ready")
def ready():
    return jsonify(status="ready")
