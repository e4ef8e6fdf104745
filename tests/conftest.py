import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from carejourney.pathways.loader import builtin_pathway  # noqa: E402


@pytest.fixture(scope="session")
def mild():
    return builtin_pathway("mild")
