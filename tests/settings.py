"""Settings for the test run: Felt's own, in development mode, unless the environment says more."""

import os
import tempfile

os.environ.setdefault("FELT_DEBUG", "1")
os.environ.setdefault("FELT_SECRET_KEY", "felt-tests-only")
os.environ.setdefault("FELT_DATA_DIR", tempfile.mkdtemp(prefix="felt-tests-"))

from felt.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # fast; Argon2 is tested on its own
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
