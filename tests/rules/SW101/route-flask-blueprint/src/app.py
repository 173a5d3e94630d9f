from flask import Flask, jsonify

from .health import health

app = Flask(__name__)
app.register_blueprint(health)


@app.route("/healthz")
def healthz():
    return jsonify(status="ok")


@app.route("/")
def index():
    return "hello"
