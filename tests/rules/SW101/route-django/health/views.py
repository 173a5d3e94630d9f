from django.db import connection
from django.http import JsonResponse


def live(request):
    return JsonResponse({"status": "ok"})


def ready(request):
    connection.ensure_connection()
    return JsonResponse({"status": "ready"})


def startup(request):
    return JsonResponse({"status": "started"})


def ping(request):
    return JsonResponse({"pong": True})
