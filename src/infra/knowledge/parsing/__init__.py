"""Document parsers of the knowledge context: `FileParser` reads pdf, docx, md, txt, html, csv,
xlsx, json, jpg/jpeg and png into the shapes of domain.knowledge.parsed."""

from infra.knowledge.parsing.parser import SUPPORTED_TYPES, FileParser

__all__ = ["SUPPORTED_TYPES", "FileParser"]
