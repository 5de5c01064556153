"""WSGI entry point for gunicorn: `gunicorn 'web.wsgi:app'` (production: see README)."""

from engine.budget import limit_memory

from .app import create_app
from .context import services_of
from .startup import UnsafeConfiguration

try:
    app = create_app()
    limit_memory(services_of(app).settings.memory_limit_mb)
    services_of(app).engine.letters.warm()
except UnsafeConfiguration as exc:
    # gunicorn prints an AppImportError's message alone and stops (no traceback, no respawn).
    try:
        from gunicorn.errors import AppImportError
    except ImportError:  # another WSGI server
        raise exc from None
    raise AppImportError(str(exc)) from None
