"""schemathesis fuzzes the running server from its own /api/v1/openapi.json (issue 19): no
5xx, and every answer's status, content type, headers and body match the document. A
fixed number of examples per operation keeps the run short and repeatable."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = 25  # per operation, each test one operation


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
PATHS = ["/units", "/levels", "/today", "/trends", "/targets"]


def _operations(api_base: str) -> dict:
    """The document's GET operations by path. schemathesis's own pytest plugin
    (`from_fixture`) fails on pytest 9 (it reads `Function._nodeid`), so each operation's
    hypothesis strategy is run here under @given."""
    schema = schemathesis.openapi.from_url(f"{api_base}/openapi.json")
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[operation.path] = operation
    return found


@pytest.mark.parametrize("path", PATHS)
def test_api_matches_its_document(api_base, path):
    operations = _operations(api_base)
    assert sorted(operations) == sorted(PATHS)

    @given(case=operations[path].as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case):
        case.call_and_validate(base_url=api_base, checks=CHECKS)

    fuzz()
