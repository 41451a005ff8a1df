"""IamEventPattern through the Python bindings builds byte-identical JSON to TypeScript.

The cases (a static factory, then refinements, with their arguments) and TypeScript's toJson()
texts come from test-python/export-iam-pattern-cases.ts, which scripts/test-all.sh runs into
.tmp/iam-pattern-cases.json before pytest. Method names are replayed in their Python spelling.
"""
import json
import os
import pathlib
import re

import pytest

from cdk_iam_change_alerts import patterns

CASES_FILE = pathlib.Path(
    os.environ.get(
        "IAM_PATTERN_CASES",
        pathlib.Path(__file__).resolve().parent.parent / ".tmp" / "iam-pattern-cases.json",
    )
)


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def load_cases():
    if not CASES_FILE.exists():
        raise FileNotFoundError(
            f"{CASES_FILE} is missing: run "
            "`npx ts-node --project tsconfig.dev.json test-python/export-iam-pattern-cases.ts "
            ".tmp/iam-pattern-cases.json` first (scripts/test-all.sh does)"
        )
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


def replay(calls):
    (factory, *factory_args), *refinements = calls
    pattern = getattr(patterns.IamEventPattern, snake(factory))(*factory_args)
    for name, *args in refinements:
        pattern = getattr(pattern, snake(name))(*args)
    return pattern


CASES = load_cases()


def test_every_preset_is_among_the_cases():
    factories = {c["calls"][0][0] for c in CASES}
    assert {"allApiCalls", "changes", "authChanges", "eventNames", "rootUserActivity",
            "consoleSignInWithoutMfa", "failedConsoleSignIns", "cisPolicyChanges"} <= factories


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_python_builds_the_same_json(case):
    pattern = replay(case["calls"])
    assert pattern.to_json() == case["json"]
    assert patterns.EventPatternMatcher.check(pattern.to_json()).valid


def test_refinements_return_new_instances():
    base = patterns.IamEventPattern.changes()
    refined = base.only_failed_calls()
    assert base.to_json() != refined.to_json()
    assert base.to_json() == patterns.IamEventPattern.changes().to_json()


def test_bad_glob_raises_a_clear_error():
    with pytest.raises(Exception) as err:
        patterns.IamEventPattern.event_names("Put**Policy")
    assert "Put**Policy" in str(err.value)


def test_bad_input_errors_have_the_constructs_shape():
    """`<Class>.<method>: <problem> Fix: <fix>`, as the constructs' `<path>: <problem> Fix: <fix>`."""
    with pytest.raises(Exception) as err:
        patterns.IamEventPattern.event_names("Put**Policy")
    assert re.search(r'IamEventPattern\.eventNames: "Put\*\*Policy" has consecutive stars, .* Fix: use a single "\*"\.', str(err.value))
    with pytest.raises(Exception) as err:
        patterns.IamEventPattern.changes().only_accounts("1234")
    assert re.search(r'IamEventPattern\.onlyAccounts: "1234" is not an AWS account id\. Fix: give the 12 digits', str(err.value))
    with pytest.raises(Exception) as err:
        patterns.IamEventPattern.event_names("createUser")
    assert re.search(r"IamEventPattern\.eventNames: .* Fix: correct the case: did you mean CreateUser\?", str(err.value))
