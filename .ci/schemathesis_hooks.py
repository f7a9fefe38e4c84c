"""Schemathesis hooks for the stateful run of .ci/api-conformance.

OpenAPI links carry the device token from `POST /v1/enroll` to the first request after it (the link's
`header.Authorization`), but a link cannot name the token of an earlier step in a chain: the token is a
security scheme, not a parameter of push or pull. So the device a scenario enrolled keeps its token for
the rest of the chain, as a replica does: after a successful enroll, later authenticated requests without
an `Authorization` header carry the token of the device enrolled most recently (scenarios run one after
another, so that is the chain's own device, or before its first enroll the previous scenario's). Requests
with a header of their own (generated or linked) keep it.
"""
import schemathesis

_token = {"value": None}
_AUTHENTICATED = {"push", "pullChanges", "getClientChanges", "getDigest"}


@schemathesis.hook
def after_call(context, case, response):
    if case.operation.definition.raw.get("operationId") == "enroll" and response.status_code == 200:
        _token["value"] = response.json()["token"]


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.definition.raw.get("operationId") not in _AUTHENTICATED or _token["value"] is None:
        return
    headers = case.headers if case.headers is not None else {}
    if not any(name.lower() == "authorization" for name in headers):
        headers["Authorization"] = f"Bearer {_token['value']}"
        case.headers = headers
