"""Knowledge tables and repositories."""

from infra.persistence.knowledge.repositories import (
    SqlDatasetRepository,
    SqlDocumentRepository,
    SqlSliceRepository,
)
from infra.persistence.knowledge.reviews import ReviewRow, SqlReviewRepository
from infra.persistence.knowledge.rows import DatasetRow, DocumentRow, SliceRow

__all__ = [
    "DatasetRow",
    "DocumentRow",
    "ReviewRow",
    "SliceRow",
    "SqlDatasetRepository",
    "SqlDocumentRepository",
    "SqlReviewRepository",
    "SqlSliceRepository",
]
