"""`manage.py check --deploy` passes for a production configuration (and fails for a debug one)."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Variables that could weaken or change what is checked; the check must pass on the defaults.
UNSET = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
    "DJANGO_SETTINGS_MODULE",
)


def run_deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in UNSET}
    environment |= {"RESOC_DATA_DIR": str(tmp_path), "STATIC_ROOT": str(tmp_path / "static"), **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!#%&()*+-=@^_"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def test_deploy_check_passes_in_production_configuration(tmp_path: Path) -> None:
    result = run_deploy_check(
        tmp_path, DEBUG="0", SECRET_KEY=random_secret_key(), ALLOWED_HOSTS="resoc.example.lv"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_fails_with_debug_on(tmp_path: Path) -> None:
    result = run_deploy_check(
        tmp_path, DEBUG="1", SECRET_KEY=random_secret_key(), ALLOWED_HOSTS="resoc.example.lv"
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr
