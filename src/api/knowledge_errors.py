"""API codes and messages of the knowledge context. Not found answers 4200 and bad input 4000 like
every Coze route; a document that is still indexing, or a caption asked of a model when none takes
images, is a conflict (4090)."""

from __future__ import annotations

from api.errors import ErrorSpec
from domain.common.errors import DomainError
from domain.knowledge.errors import (
    CaptionModelMissing,
    DatasetNotFound,
    DocumentNotFound,
    DocumentNotReady,
    EmbeddingFailed,
    InvalidKnowledgeRequest,
    KnowledgeActionDenied,
    SliceNotFound,
    UnsafeQuery,
    WrongFormat,
)
from domain.knowledge.parsed import ParseFailed
from domain.knowledge.reviews import ReviewNotFound
from domain.knowledge.values import InvalidChunking

ERRORS: dict[type[DomainError], ErrorSpec] = {
    DatasetNotFound: ErrorSpec(404, 4200),
    DocumentNotFound: ErrorSpec(404, 4200),
    SliceNotFound: ErrorSpec(404, 4200),
    ReviewNotFound: ErrorSpec(404, 4200),
    KnowledgeActionDenied: ErrorSpec(403, 4101),
    InvalidKnowledgeRequest: ErrorSpec(400, 4000),
    InvalidChunking: ErrorSpec(400, 4000),
    WrongFormat: ErrorSpec(400, 4000),
    UnsafeQuery: ErrorSpec(400, 4000),
    ParseFailed: ErrorSpec(400, 4000),
    DocumentNotReady: ErrorSpec(409, 4090),
    CaptionModelMissing: ErrorSpec(409, 4090),
    EmbeddingFailed: ErrorSpec(502, 5000),
}

MESSAGES: dict[str, dict[str, str]] = {
    "knowledge.dataset_not_found": {"en-US": "knowledge base not found", "zh-CN": "知识库不存在"},
    "knowledge.document_not_found": {"en-US": "document not found", "zh-CN": "文档不存在"},
    "knowledge.slice_not_found": {"en-US": "slice not found", "zh-CN": "分片不存在"},
    "knowledge.review_not_found": {
        "en-US": "document review not found (reviews last 24 hours)",
        "zh-CN": "文档预览不存在（预览保留 24 小时）",
    },
    "knowledge.action_denied": {
        "en-US": "you may not {action} knowledge bases here",
        "zh-CN": "你没有权限在这里{action}知识库",
    },
    "knowledge.invalid_request": {"en-US": "{detail}", "zh-CN": "{detail}"},
    "knowledge.invalid_chunking": {"en-US": "chunking: {detail}", "zh-CN": "分段设置：{detail}"},
    "knowledge.wrong_format": {"en-US": "{detail}", "zh-CN": "{detail}"},
    "knowledge.unsafe_query": {
        "en-US": "the generated query was refused: {detail}",
        "zh-CN": "生成的查询被拒绝：{detail}",
    },
    "knowledge.parse_failed": {
        "en-US": "the document cannot be read ({reason}): {detail}",
        "zh-CN": "无法读取文档（{reason}）：{detail}",
    },
    "knowledge.document_not_ready": {
        "en-US": "the document is still being indexed ({status}); try again when it is ready",
        "zh-CN": "文档仍在处理中（{status}），请在处理完成后再试",
    },
    "knowledge.caption_model_missing": {
        "en-US": "no chat model that takes images is configured: an admin can mark one (image input)",
        "zh-CN": "未配置可识别图片的对话模型：管理员可为模型开启图片理解",
    },
    "knowledge.embedding_failed": {
        "en-US": "the embedding model failed: {detail}",
        "zh-CN": "向量模型调用失败：{detail}",
    },
}
