"""Schemathesis against the OpenAPI document: generated input (valid and invalid by the document) to
every operation, some of it validly signed so it reaches the operations' own checks, the rest as
generated, some with the path's ids pointed at the rows that exist. No 500, and every answer conforms to the document (status, content type, body schema).

Each operation runs its own Hypothesis test with `given`: schemathesis's pytest plugin (`parametrize`)
does not run on pytest 9."""
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from lti_app.api import signing
from lti_app.blueprints.api.routes import api
from lti_app.services.reports import request_report
from lti_app.services.resources import create_resource
from tests import factories

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 30


def sign(case, key):
    """Replace the generated credentials with valid ones over the generated parameters."""
    params = case.query if case.method == "GET" else case.body
    if not isinstance(params, dict):
        return
    if isinstance(params.get("package"), bytes):
        params["file_sha256"] = signing.file_sha256(params["package"])
    params.update(api_key=key.key_id, timestamp=str(int(time.time() * 1000)),
                  nonce=f"fuzz-{time.perf_counter_ns()}")
    params["signature"] = signing.sign(key.secret, {name: str(value) for name, value in params.items()
                                                    if name != "package"})


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_every_signed_operation_is_fuzzed(app):
    # schemathesis leaves out the document it was loaded from
    fuzzed = {op.label for op in operations(app)}
    assert fuzzed == {f"{op.method} {op.path}" for op in api.all if op.signed}
    assert "PATCH /resources/{resource_id}" in fuzzed


@pytest.mark.slow
def test_no_generated_request_breaks_the_api(app, run_jobs):
    consumer = factories.consumer()
    resource = create_resource(consumer, "course-1", "link-1", factories.exam())  # ids 1, so some paths find rows
    request_report(resource, "scores", "fuzz")  # report 1 is ready, so its download answers a file
    run_jobs()
    key = factories.api_key()
    answered = Counter()  # (signed, status) -> responses
    for operation in operations(app):
        strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                             operation.as_strategy(GenerationMode.NEGATIVE))

        @given(case=strategy, signed=st.booleans(), existing=st.booleans())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case, signed, existing):
            if existing and case.path_parameters:
                case.path_parameters = {name: 1 for name in case.path_parameters}
            if signed:
                sign(case, key)
            answered[signed, case.call_and_validate(checks=CHECKS).status_code] += 1

        fuzz()
    print(sorted(answered.items()))
    # Signed requests got past the signature check to the operations themselves.
    assert {200, 404, 422} <= {status for signed, status in answered if signed}
