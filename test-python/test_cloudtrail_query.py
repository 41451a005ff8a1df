"""CloudTrailQuery through the Python bindings generates byte-identical SQL to TypeScript.

The cases (named patterns and options) and TypeScript's SQL come from
test-python/export-cloudtrail-query-cases.ts, which scripts/test-all.sh runs into
.tmp/cloudtrail-query-cases.json before pytest.
"""
import json
import os
import pathlib

import pytest

from cdk_iam_change_alerts import patterns

CASES_FILE = pathlib.Path(
    os.environ.get(
        "CLOUDTRAIL_QUERY_CASES",
        pathlib.Path(__file__).resolve().parent.parent / ".tmp" / "cloudtrail-query-cases.json",
    )
)


def load_cases():
    if not CASES_FILE.exists():
        raise FileNotFoundError(
            f"{CASES_FILE} is missing: run "
            "`npx ts-node --project tsconfig.dev.json test-python/export-cloudtrail-query-cases.ts "
            ".tmp/cloudtrail-query-cases.json` first (scripts/test-all.sh does)"
        )
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_python_generates_the_same_sql(case):
    options = case["options"]
    result = patterns.CloudTrailQuery.for_patterns(
        [patterns.NamedEventPattern(name=p["name"], pattern=p["pattern"]) for p in case["patterns"]],
        dialect=patterns.QueryDialect.of(options["dialect"]),
        table=options.get("table"),
        since=options["since"],
        until=options["until"],
        accounts=options["accounts"],
        regions=options["regions"],
    )
    assert result.sql == case["sql"]
    assert result.exact == case["exact"]
    assert result.inexact_reasons == case["inexactReasons"]
    assert [{"sql": s.sql, "patternNames": s.pattern_names} for s in result.statements] == case["statements"]
    assert result.oversized_patterns == case["oversizedPatterns"]


def test_an_iam_event_pattern_in_athena():
    result = patterns.CloudTrailQuery.for_iam_event_pattern(
        "changes", patterns.IamEventPattern.changes(), dialect=patterns.QueryDialect.ATHENA, since="2024-01-01")
    assert result.exact
    assert "THEN 'changes' END" in result.sql
    assert "\"timestamp\" >= '2024/01/01'" in result.sql


def test_bad_input_names_the_fix():
    with pytest.raises(Exception, match="since 'last week' is not a UTC date or time"):
        patterns.CloudTrailQuery.for_pattern("p", patterns.IamEventPattern.changes().to_json(),
                                             dialect=patterns.QueryDialect.DUCKDB, since="last week")
