"""Refuse oversized uploads while the request body is read, before anything is stored.

Django spools every uploaded file to memory or a temporary file before a view runs, so a
size check in the service alone would first accept a 2 GB body. This handler sits first in
`request.upload_handlers` and counts each file's bytes as they arrive:

* a file that passes its venue limit is skipped (`SkipFile`): the rest of it is read and
  discarded, nothing of it is kept, and the form fields around it still arrive, so the
  page can say what went wrong and keep what the person typed;
* a body whose declared length exceeds every limit together by more than a margin is not
  read any further once the first file starts (`StopUpload`); the text fields, which the
  forms place before their file inputs, have been parsed by then.

Install it before `request.POST`/`request.FILES` are touched (the view must be
`csrf_exempt` and check CSRF itself afterwards; see Django's "Modifying upload handlers
on the fly").
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload

FORM_MARGIN = 1_000_000  # room for the text fields and the multipart framing


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request, limits: dict[str, int]):
        super().__init__(request)
        self.limits = dict(limits)
        self.too_large: dict[str, int] = {}  # field name -> its limit in bytes
        self.body_too_large = False
        self._received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > sum(self.limits.values()) + FORM_MARGIN:
            self.body_too_large = True
        return None  # go on parsing

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, content_type_extra=None):
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        self._received = 0
        if self.body_too_large:
            self.too_large[field_name] = self.limits.get(field_name, 0)
            raise StopUpload(connection_reset=True)
        if field_name not in self.limits:
            raise SkipFile()  # a file in a field the form does not have

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        limit = self.limits[self.field_name]
        if self._received > limit:
            self.too_large[self.field_name] = limit
            raise SkipFile()
        return raw_data  # hand the chunk on to Django's memory/temporary-file handler

    def file_complete(self, file_size):
        return None  # the next handler builds the UploadedFile


def install(request, limits: dict[str, int]) -> UploadLimitHandler:
    handler = UploadLimitHandler(request, limits)
    request.upload_handlers.insert(0, handler)
    return handler


def too_large_message(field_name: str, limit: int) -> str:
    what = "supplementary archive" if field_name == "supplementary" else "file"
    return f"The {what} is larger than this venue's limit of {limit / 1e6:.0f} MB. Please upload a smaller file."
