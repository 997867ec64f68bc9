// Shapes of the agent routes of /api (Coze Studio's draftbot and intelligence bodies, ids and
// times as strings). Only the fields these pages read or write are typed.

export interface IntelligenceBasicInfo {
  id: string;
  name: string;
  description: string;
  icon_url: string;
  space_id: string;
  owner_id: string;
  create_time: string; // seconds since the epoch, as text
  update_time: string;
  status: number;
  publish_time: string;
}

export interface Intelligence {
  basic_info: IntelligenceBasicInfo;
  type: number;
  publish_info: { has_published: boolean; publish_time: string };
}

export interface IntelligenceList {
  intelligences: Intelligence[];
  total: number;
  has_more: boolean;
  next_cursor_id: string;
}

export interface ShortMemoryPolicy {
  history_round?: number | null;
  context_mode?: number | null;
}

export interface ModelInfo {
  model_id?: string | null;
  temperature?: number | null;
  max_tokens?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  short_memory_policy?: ShortMemoryPolicy | null;
  response_format?: number | null; // 0 text, 1 markdown, 2 json
  sp_current_time?: boolean | null;
}

export interface VariableItem {
  key: string;
  description: string;
  default_value: string;
  is_system?: boolean;
  prompt_disabled: boolean;
  is_disabled: boolean;
}

export interface ClientTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** Coze's bot Knowledge: the knowledge bases an agent searches before answering, and how. */
export interface KnowledgeConfig {
  knowledge_info: { id: string; name?: string }[];
  auto: boolean;
  search_strategy: number; // 0 semantic, 1 hybrid, 20 full text
  top_k: number;
  min_score: number;
  show_source: boolean;
  no_recall_reply_mode: number; // 0 the model answers, 1 the custom text
  no_recall_reply_customize_prompt: string;
  recall_strategy?: { use_rerank: boolean; use_rewrite: boolean; use_nl2sql: boolean };
}

/** A knowledge base of the space, as /api/knowledge/list answers (only what the editor reads). */
export interface DatasetSummary {
  dataset_id: string;
  name: string;
  description: string;
  status: number; // 1 enabled, 3 disabled
  format_type: number;
  doc_count: number;
  slice_count: number;
}

export interface BotInfo {
  bot_id: string;
  name: string;
  description: string;
  icon_uri: string;
  icon_url: string;
  creator_id: string;
  space_id: string;
  create_time: string;
  update_time: string;
  version: string;
  prompt_info: { prompt: string };
  model_info: ModelInfo;
  onboarding_info: { prologue: string; suggested_questions: string[] };
  suggest_reply_info: { suggest_reply_mode: number; customized_suggest_prompt: string };
  variable_list: VariableItem[];
  client_tools: ClientTool[];
  knowledge?: Partial<KnowledgeConfig>;
  plugin_info_list?: PluginToolRef[];
}

export interface DraftData {
  bot_info: BotInfo;
  published_versions: Record<string, string>;
}

export interface BotInfoForUpdate {
  bot_id: string;
  name?: string;
  description?: string;
  prompt_info?: { prompt: string };
  model_info?: ModelInfo;
  onboarding_info?: { prologue: string; suggested_questions: string[] };
  suggest_reply_info?: { suggest_reply_mode: number; customized_suggest_prompt: string };
  variable_list?: VariableItem[];
  client_tools?: ClientTool[];
  knowledge?: KnowledgeConfig;
  plugin_info_list?: PluginToolRef[];
}

export interface ModelParameter {
  name: string;
  type: number; // 1 float, 2 int, 3 bool, 4 string
  default_val: { default_val: string } | number | boolean | string;
  min?: string | number | null;
  max?: string | number | null;
  precision: number;
  label: string;
  desc: string;
}

export interface ChatModel {
  name: string;
  model_type: string; // the model's id
  model_name: string;
  model_class_name: string;
  model_brief_desc: string;
  model_quota: { token_limit: number; token_resp: number };
  model_params: ModelParameter[];
  model_ability: { json_mode: boolean; function_call: boolean };
  is_default: boolean;
}

export interface PublishConnector {
  id: string;
  name: string;
  desc: string;
  connector_status: number;
  is_last_published: boolean;
  last_publish_version: string;
}

export interface PublishResult {
  version: string;
  publish_result: Record<string, { connector_id: string; publish_result_status: number }>;
}

export interface HistoryInfo {
  version: string;
  history_type: number;
  info: string;
  create_time: string;
  connector_infos: { id: string; name: string }[];
  creator: { id: string };
  publish_id: string;
}

export interface HistoryPage {
  history_infos: HistoryInfo[];
  total: number;
  has_more: boolean;
}

export interface BotSpace {
  id: string;
  name: string;
  space_type: number; // 1 personal, 2 team
  space_role_type: number;
}

/** A published plugin tool bound to the agent (Coze's bot PluginInfo). */
export interface PluginToolRef {
  plugin_id: string;
  api_id: string;
  api_name?: string;
}

/** A plugin the agent may bind, with its tools (get_playground_plugin_list). */
export interface PlaygroundPlugin {
  id: string;
  name: string;
  desc_for_human: string;
  plugin_apis: { api_id: string; name: string; desc: string }[];
}

/** A bound tool's request parameter with the agent's own value (get_bot_default_params). */
export interface ToolParam {
  name: string;
  desc: string;
  type: number;
  is_required: boolean;
  /** The agent's value, used when the model gives none; null: none. */
  local_default: string | null;
  /** Hidden from the model: it always takes the default. */
  local_disable: boolean;
  /** 1: the value comes from the agent variable `variable_ref` (its value in the chat). */
  default_param_source?: number | null;
  variable_ref?: string | null;
  [field: string]: unknown;
}
