"""An e-mail backend that counts what it sent and what failed (for /metrics) and hands
every message to the real backend named by EMAIL_DELIVERY_BACKEND."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from . import metrics


class MeteredEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(getattr(settings, "EMAIL_DELIVERY_BACKEND", None), fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, email_messages):
        messages = list(email_messages)
        try:
            sent = self.inner.send_messages(messages) or 0
        except Exception:
            metrics.EMAILS_FAILED.inc(len(messages))
            raise
        metrics.EMAILS_SENT.inc(sent)
        if sent < len(messages):  # fail_silently swallowed an error
            metrics.EMAILS_FAILED.inc(len(messages) - sent)
        return sent
