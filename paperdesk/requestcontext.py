"""What a log line or an audit entry knows about the request it belongs to."""

from __future__ import annotations

import contextvars
import logging

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("paperdesk_request_id", default="-")
client_ip: contextvars.ContextVar[str] = contextvars.ContextVar("paperdesk_client_ip", default="-")
# The background job being run by this worker (its task id), "" outside a job: the outbox
# files each message under it, so a job run again after a takeover sends nothing twice.
job_id: contextvars.ContextVar[str] = contextvars.ContextVar("paperdesk_job_id", default="")
# How many messages this run of the job has sent per (template, recipients): the nth message
# to the same people is the same message when the job runs again.
job_mail_counts: contextvars.ContextVar[dict | None] = contextvars.ContextVar("paperdesk_job_mail_counts", default=None)


def current_client_ip() -> str | None:
    value = client_ip.get()
    return None if value == "-" else value


class RequestContextFilter(logging.Filter):
    """Adds `request_id` and `client_ip` to every record (a dash outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        if not hasattr(record, "client_ip"):
            record.client_ip = client_ip.get()
        return True
