import json
from pathlib import Path

import pytest

from carejourney.questions.box import engine_for

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def engine(mild):
    """The MILD pathway's question-box engine, model loaded once for the whole session."""
    return engine_for(mild)


def labelled(name: str) -> list[dict]:
    """The project's own labelled messages (not the shared dev set)."""
    return [json.loads(line) for line in (HERE / name).read_text().splitlines() if line.strip()]
