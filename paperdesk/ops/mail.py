"""The e-mail backend Paperdesk is configured with: it hands every message to the real
backend named by EMAIL_DELIVERY_BACKEND. (E-mails sent and failed are counted from the
outbox table for /metrics, so every process reports the same figures.)"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend


class MeteredEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(getattr(settings, "EMAIL_DELIVERY_BACKEND", None), fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, email_messages):
        return self.inner.send_messages(list(email_messages)) or 0
