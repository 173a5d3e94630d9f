from flask import Flask

admin = Flask(__name__)


@admin.route("/healthz")
def healthz():
    return "ok"
