import pytest


@pytest.fixture(autouse=True)
def _static_root(settings):
    """WhiteNoise warns on every request when STATIC_ROOT does not exist yet."""
    from pathlib import Path

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
