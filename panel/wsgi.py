import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")

site = get_wsgi_application()  # sets Django up

# /api/v2 takes a lean middleware stack (panel.api.wsgi); every other path the site's.
from panel.api.wsgi import with_lean_api  # noqa: E402

application = with_lean_api(site)
