"""Shared fixtures for the tests of the Python bindings (the wheel built by jsii-pacmak)."""
import json
import pathlib

import pytest

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures"


@pytest.fixture(scope="session")
def conformance_cases():
    return json.loads((FIXTURES / "pattern-conformance.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def cloudtrail_records():
    return json.loads((FIXTURES / "cloudtrail-records.json").read_text(encoding="utf-8"))
