"""The ASGI application: Django for pages, Channels for the room's socket."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "felt.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from felt.room.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Felt serves its own few static files so the embedded default needs nothing else.
        "http": ASGIStaticFilesHandler(django_asgi),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
