"""gunicorn entry point for the throughput benchmark: the app plus the floor route."""
from bench.app import build

server = build()
