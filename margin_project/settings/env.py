"""The one ``env`` object every settings module reads."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env is a convenience for developers; the process environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
