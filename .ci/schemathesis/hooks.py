"""Schemathesis hooks for Tally's API suite (.ci/schemathesis/run.sh).

One custom check: `refusals_are_documented`. The OpenAPI document states every bound a single
request can be checked against (lengths, ranges, patterns, enums, shapes). A few rules depend on
the server's state or on two values at once and cannot be written in JSON Schema: an account that
does not exist, an `occurred_at` outside the late-event window relative to now, an id reused with
another payload, a usage report's `from` after its `to`. For those operations the config lets
positive (schema-valid) data be answered 400 or 422; this check then requires every such refusal
to be one of those rules, by its field and message. Any other refusal of valid data fails the run,
so a bound missing from the document is still caught.
"""

import re

import schemathesis

# POST /api/v1/events: (field, message pattern) of each refused event.
EVENT_RULES = [
    ("account", r"^no account has this external id$"),
    ("occurred_at", r"^is more than 5 minutes in the future$"),
    ("occurred_at", r"^is older than the late-event window \(\d+ days\)$"),
    ("id", r"^an earlier event of this batch has the same id and a different payload$"),
    ("id", r"^an event with this id is already stored with a different payload$"),
    ("metadata", r"^must be at most 4 KiB$"),
    ("metadata", r"^must not contain NUL characters$"),
    ("usage", r"cannot exceed (prompt_tokens|input_tokens|completion_tokens|cache_creation_input_tokens|promptTokenCount|candidatesTokenCount)"),
    ("event", r"one event may (cost|earn); send it as several events$"),
]

# GET …/usage and …/usage.csv: the two-parameter rules.
USAGE_RULES = [
    r"^from \(\d{4}-\d{2}-\d{2}\) is after to \(\d{4}-\d{2}-\d{2}\)\.$",
    r"^The range \d{4}-\d{2}-\d{2}…\d{4}-\d{2}-\d{2} is longer than 366 days\.$",
]


def _is_positive(case):
    meta = case.meta
    return meta is not None and meta.generation.mode.is_positive


@schemathesis.check
def refusals_are_documented(ctx, response, case):
    if not _is_positive(case) or response.status_code not in (400, 422):
        return None
    path = case.operation.path
    try:
        body = response.json()
    except Exception:
        raise AssertionError(f"{response.status_code} without a JSON body")
    if path == "/api/v1/events" and response.status_code == 422:
        for problem in body.get("events", []):
            field, message = problem.get("field"), problem.get("message", "")
            if not any(field == f and re.search(p, message) for f, p in EVENT_RULES):
                raise AssertionError(
                    f"schema-valid event refused for a rule the document does not state: {field}: {message}")
        return None
    if path.startswith("/api/v1/accounts/{account}/usage") and response.status_code == 400:
        message = body.get("error", "")
        if not any(re.search(p, message) for p in USAGE_RULES):
            raise AssertionError(f"schema-valid usage query refused: {message}")
    # Other operations: positive_data_acceptance already refuses every 400 and 422.
    return None
