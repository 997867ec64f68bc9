"""Errors of the knowledge context; each maps to one API code (api/knowledge_errors.py)."""

from __future__ import annotations

from domain.common.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied


class DatasetNotFound(NotFound):
    message_key = "knowledge.dataset_not_found"


class DocumentNotFound(NotFound):
    message_key = "knowledge.document_not_found"


class SliceNotFound(NotFound):
    message_key = "knowledge.slice_not_found"


class KnowledgeActionDenied(PermissionDenied):
    message_key = "knowledge.action_denied"


class InvalidKnowledgeRequest(InvalidInput):
    message_key = "knowledge.invalid_request"


class DocumentNotReady(Conflict):
    """Slices of a document can be changed only once its indexing has finished."""

    message_key = "knowledge.document_not_ready"


class WrongFormat(InvalidInput):
    """The operation or file does not fit the dataset's format (a PDF into a table dataset, ...)."""

    message_key = "knowledge.wrong_format"


class UnsafeQuery(InvalidInput):
    """NL2SQL produced something other than one read-only SELECT on the dataset's own table."""

    message_key = "knowledge.unsafe_query"


class EmbeddingFailed(DomainError):
    """The embedding model failed; the indexing job retries."""

    message_key = "knowledge.embedding_failed"


class CaptionModelMissing(Conflict):
    """A caption was asked of a model, but no active chat model is marked as taking image input."""

    message_key = "knowledge.caption_model_missing"
