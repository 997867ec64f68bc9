"""API codes and messages of the agent context (documented in ADR 0020).

Unknown agents and other spaces' agents are 4200 like every missing resource; an agent that is not
published on the connector asked about is Coze's 4015 ("bot not published"). Configuration errors
are 4000 with a reason naming the field.
"""

from __future__ import annotations

from api.errors import ErrorSpec
from domain.agent.errors import AgentNotPublished
from domain.common.errors import DomainError, InvalidInput


class InvalidParameter(InvalidInput):
    """A query or body value the HTTP layer parses itself (paging, flags); `detail` says which."""

    message_key = "error.invalid_params"


BOT_NOT_PUBLISHED = 4015

ERRORS: dict[type[DomainError], ErrorSpec] = {AgentNotPublished: ErrorSpec(404, BOT_NOT_PUBLISHED)}

MESSAGES: dict[str, dict[str, str]] = {
    "agent.not_found": {"en-US": "agent not found", "zh-CN": "智能体不存在"},
    "agent.not_published": {
        "en-US": "the agent is not published to connector {connector}",
        "zh-CN": "智能体未发布到渠道 {connector}",
    },
    "agent.invalid_config": {
        "en-US": "invalid agent settings: {reason}",
        "zh-CN": "智能体配置无效：{reason}",
    },
    "agent.invalid_persona": {
        "en-US": "the persona prompt is not a valid template: {reason}",
        "zh-CN": "人设提示词模板无效：{reason}",
    },
    "agent.unknown_model": {
        "en-US": "model {model_id} is not an available chat model",
        "zh-CN": "模型 {model_id} 不是可用的对话模型",
    },
    "agent.invalid_connector": {
        "en-US": "connector {connector} cannot be published to; choose from {allowed}",
        "zh-CN": "不能发布到渠道 {connector}，可选：{allowed}",
    },
    "agent.action_denied": {
        "en-US": "no permission to {action} agents in this space",
        "zh-CN": "没有在该空间{action}智能体的权限",
    },
}
