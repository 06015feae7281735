"""An e-mail backend for the worker processes of the job tests: each message is a file in
JOBS_TEST_MAIL_DIR (one per message, so duplicates can be counted). With JOBS_TEST_MAIL_GATE
naming a FIFO, the message after the first JOBS_TEST_MAIL_GATE_AFTER ones blocks opening
the FIFO, so a test can kill the worker in the middle of a wave at a known point."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        folder = Path(os.environ["JOBS_TEST_MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        gate = os.environ.get("JOBS_TEST_MAIL_GATE")
        after = int(os.environ.get("JOBS_TEST_MAIL_GATE_AFTER", "0"))
        for message in messages:
            if gate and len(list(folder.glob("*.eml"))) >= after:
                with open(gate, "rb") as fifo:
                    fifo.read(1)
            part = folder / f"{uuid.uuid4().hex}.part"
            part.write_bytes(message.message().as_bytes())
            part.rename(part.with_suffix(".eml"))
        return len(messages)


def recipients(folder: Path) -> list[str]:
    """"To: Subject" of every message written, one entry per message."""
    import email

    found = []
    for path in sorted(Path(folder).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        found.append(f"{message['To']}: {message['Subject']}")
    return found
