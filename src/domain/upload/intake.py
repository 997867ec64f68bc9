"""Checks an upload's bytes as they stream past: size limit, SHA-256, and text staying text."""

from __future__ import annotations

import codecs
import hashlib

from domain.upload.detection import CONTROL, Detected
from domain.upload.errors import EmptyUpload, FileTooLarge, InvalidFile


class Intake:
    """Feed every chunk in order, then `finish()`. Raises as soon as a chunk breaks a rule, so a
    stream being stored is cut off there and the partial object dropped."""

    def __init__(self, detected: Detected, limit: int) -> None:
        self._limit = limit
        self._hash = hashlib.sha256()
        self._encoding = detected.encoding
        self._decoder = codecs.getincrementaldecoder(detected.encoding)() if detected.encoding else None
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._limit:
            raise FileTooLarge(limit=self._limit)
        self._hash.update(chunk)
        if self._decoder is not None:
            self._check_text(chunk, final=False)

    def finish(self) -> None:
        if self.size == 0:
            raise EmptyUpload(reason="the file has no content")
        if self._decoder is not None:
            self._check_text(b"", final=True)

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    def _check_text(self, chunk: bytes, *, final: bool) -> None:
        assert self._decoder is not None
        try:
            text = self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            raise InvalidFile(reason=f"the text is not valid {self._encoding} throughout") from None
        if CONTROL.search(text):
            raise InvalidFile(reason="the text contains binary data")
