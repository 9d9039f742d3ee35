"""Database: PostgreSQL from DATABASE_URL, else an embedded SQLite file."""

from .env import BASE_DIR, env

_sqlite_path = env("SQLITE_PATH", default=str(BASE_DIR / "var" / "db.sqlite3"))

# An empty DATABASE_URL= (a blank line in an env file) means the default, like an unset one.
DATABASES = {
    "default": env.db_url_config(env("DATABASE_URL", default="") or f"sqlite:///{_sqlite_path}"),
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer,
    # IMMEDIATE transactions take the write lock up front (no upgrade deadlocks),
    # and the timeout makes a busy writer wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {
        "NAME": env("SQLITE_TEST_PATH", default=str(BASE_DIR / "var" / "test.sqlite3"))
    }
else:
    # Lets parallel runs on one server keep their test databases apart.
    if env("TEST_DB_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DATABASES["default"]["ATOMIC_REQUESTS"] = False
