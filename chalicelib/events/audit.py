"""The API's log → the children's audit trails (dal/audit_log.py says why openings travel so).

CloudWatch Logs calls this function asynchronously with the lines its subscription filter
matched. A failure raises: Lambda retries the event twice, then puts it on the function's
dead-letter queue (ops/package.py); locally the pump does the same (ops/pump.py).
"""

from __future__ import annotations

import logging
from typing import Any

from chalice.app import Blueprint

audit = Blueprint(__name__)
log = logging.getLogger(__name__)

AUDIT_FUNCTION = "audit_trail"


@audit.lambda_function(name=AUDIT_FUNCTION)
def store_audit_lines(event: dict[str, Any], context: Any) -> dict[str, int]:
    """Store the entries a subscription event carries; an event that is not one raises (parked)."""
    from chalicelib.dal import audit_log

    stored, rejected = audit_log.store(audit_log.subscription_messages(event))
    log.info("audit trail: %d entries stored, %d lines rejected", stored, rejected)
    return {"stored": stored, "rejected": rejected}
