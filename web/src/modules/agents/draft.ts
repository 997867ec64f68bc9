// The editor's form: what it holds, how it comes from a draft and how it goes back as an update.
import type {
  BotInfo,
  BotInfoForUpdate,
  ClientTool,
  KnowledgeConfig,
  ModelInfo,
  PluginToolRef,
  VariableItem,
} from "./types";

// The backend's limits (src/domain/agent/values.py); the server is the judge, these guide the user.
export const LIMITS = {
  name: 40,
  description: 500,
  prompt: 20_000,
  prologue: 5_000,
  questions: 10,
  question: 300,
  suggestPrompt: 2_000,
  variables: 50,
  variableValue: 1_000,
  clientTools: 32,
  toolDescription: 1_024,
  historyRounds: 100,
  versionNote: 1_000,
  datasets: 20,
  pluginTools: 50,
  recallTopK: 20,
  noRecallReply: 500,
} as const;

/** Search strategies: Coze's bot numbers. */
export const SEARCH = { semantic: 0, hybrid: 1, fullText: 20 } as const;
/** What an agent says when its knowledge finds nothing: Coze's KnowledgeNoRecallReplyMode. */
export const NO_RECALL = { model: 0, custom: 1 } as const;

export interface KnowledgeForm {
  datasetIds: string[];
  auto: boolean;
  searchStrategy: number;
  /** null while the field is empty: the default is sent. */
  topK: number | null;
  minScore: number | null;
  showSource: boolean;
  noRecallMode: number;
  noRecallText: string;
  /** Coze's recall strategy: rewrite the question, rerank, answer tables with SQL. */
  rewrite: boolean;
  rerank: boolean;
  nl2sql: boolean;
}

/** Coze's editor defaults (the backend's too). */
export const RECALL_DEFAULTS = { topK: 3, minScore: 0.5 } as const;

export function knowledgeFormOf(k: Partial<KnowledgeConfig> | undefined): KnowledgeForm {
  return {
    datasetIds: (k?.knowledge_info ?? []).map((i) => i.id),
    auto: k?.auto ?? true,
    searchStrategy: k?.search_strategy ?? SEARCH.semantic,
    topK: k?.top_k ?? RECALL_DEFAULTS.topK,
    minScore: k?.min_score ?? RECALL_DEFAULTS.minScore,
    showSource: k?.show_source ?? false,
    noRecallMode: k?.no_recall_reply_mode ?? NO_RECALL.model,
    noRecallText: k?.no_recall_reply_customize_prompt ?? "",
    rewrite: k?.recall_strategy?.use_rewrite ?? false,
    rerank: k?.recall_strategy?.use_rerank ?? false,
    nl2sql: k?.recall_strategy?.use_nl2sql ?? false,
  };
}

export function knowledgeOf(k: KnowledgeForm): KnowledgeConfig {
  return {
    knowledge_info: k.datasetIds.map((id) => ({ id })),
    auto: k.auto,
    search_strategy: k.searchStrategy,
    top_k: k.topK ?? RECALL_DEFAULTS.topK,
    min_score: k.minScore ?? RECALL_DEFAULTS.minScore,
    show_source: k.showSource,
    no_recall_reply_mode: k.noRecallMode,
    no_recall_reply_customize_prompt: k.noRecallText,
    recall_strategy: { use_rewrite: k.rewrite, use_rerank: k.rerank, use_nl2sql: k.nl2sql },
  };
}

/** The sampling settings the API takes by name, with the ranges the backend accepts. */
export const SAMPLING = [
  { name: "temperature", min: 0, max: 2, step: 0.1, int: false },
  { name: "top_p", min: 0, max: 1, step: 0.05, int: false },
  { name: "max_tokens", min: 1, max: 1_000_000, step: 1, int: true },
  { name: "top_k", min: 1, max: 1000, step: 1, int: true },
  { name: "presence_penalty", min: -2, max: 2, step: 0.1, int: false },
  { name: "frequency_penalty", min: -2, max: 2, step: 0.1, int: false },
] as const;

export type SamplingName = (typeof SAMPLING)[number]["name"];

/** Follow-up suggestions: Coze's SuggestReplyMode numbers. */
export const SUGGEST = { system: 0, custom: 1, off: 2 } as const;

export interface ToolForm {
  name: string;
  description: string;
  /** The JSON Schema of the tool's arguments, as the user edits it. */
  parameters: string;
}

export interface DraftForm {
  name: string;
  description: string;
  prompt: string;
  variables: VariableItem[];
  modelId: string | null;
  sampling: Record<SamplingName, number | null>;
  /** 0 text, 1 markdown, 2 json; null when never set: not sent, so the model's own default stands. */
  responseFormat: number | null;
  historyRounds: number;
  currentTime: boolean;
  prologue: string;
  questions: string[];
  suggestMode: number;
  suggestPrompt: string;
  tools: ToolForm[];
  knowledge: KnowledgeForm;
  /** Bound plugin tools, as "pluginId:apiId" (what the tool picker lists). */
  pluginTools: string[];
}

export function pluginToolKey(t: PluginToolRef): string {
  return `${t.plugin_id}:${t.api_id}`;
}

export function formOf(b: BotInfo): DraftForm {
  const m: ModelInfo = b.model_info ?? {};
  const sampling = Object.fromEntries(
    SAMPLING.map((s) => [s.name, (m[s.name] as number | null | undefined) ?? null]),
  ) as Record<SamplingName, number | null>;
  return {
    name: b.name,
    description: b.description,
    prompt: b.prompt_info?.prompt ?? "",
    variables: (b.variable_list ?? []).filter((v) => !v.is_system).map((v) => ({ ...v })),
    modelId: m.model_id ?? null,
    sampling,
    responseFormat: m.response_format ?? null,
    historyRounds: m.short_memory_policy?.history_round ?? 3,
    currentTime: m.sp_current_time ?? true,
    prologue: b.onboarding_info?.prologue ?? "",
    questions: [...(b.onboarding_info?.suggested_questions ?? [])],
    suggestMode: b.suggest_reply_info?.suggest_reply_mode ?? SUGGEST.off,
    suggestPrompt: b.suggest_reply_info?.customized_suggest_prompt ?? "",
    tools: (b.client_tools ?? []).map(toolForm),
    knowledge: knowledgeFormOf(b.knowledge),
    pluginTools: (b.plugin_info_list ?? []).map(pluginToolKey),
  };
}

function toolForm(t: ClientTool): ToolForm {
  return { name: t.name, description: t.description, parameters: JSON.stringify(t.parameters, null, 2) };
}

export class ToolSchemaError extends Error {
  readonly tool: string;
  constructor(tool: string) {
    super(tool);
    this.tool = tool;
  }
}

/** The tools as the API takes them; a schema that is not a JSON object throws ToolSchemaError. */
export function toolsOf(tools: ToolForm[]): ClientTool[] {
  return tools.map((t) => {
    let parameters: unknown;
    try {
      parameters = t.parameters.trim() ? JSON.parse(t.parameters) : { type: "object", properties: {} };
    } catch {
      throw new ToolSchemaError(t.name);
    }
    if (parameters === null || typeof parameters !== "object" || Array.isArray(parameters)) {
      throw new ToolSchemaError(t.name);
    }
    return { name: t.name.trim(), description: t.description, parameters: parameters as Record<string, unknown> };
  });
}

/**
 * The update body for the whole form. Sampling settings left empty are not sent: the API keeps
 * what it has (an unset one is the model's default).
 */
export function updateOf(agentId: string, f: DraftForm): BotInfoForUpdate {
  const model: ModelInfo = {
    short_memory_policy: { history_round: f.historyRounds },
    sp_current_time: f.currentTime,
  };
  if (f.modelId) model.model_id = f.modelId;
  // Only a format the user chose: models that take no response_format refuse even "text".
  if (f.responseFormat !== null) model.response_format = f.responseFormat;
  for (const s of SAMPLING) {
    const value = f.sampling[s.name];
    if (value !== null && Number.isFinite(value)) model[s.name] = value;
  }
  return {
    bot_id: agentId,
    name: f.name,
    description: f.description,
    prompt_info: { prompt: f.prompt },
    model_info: model,
    onboarding_info: { prologue: f.prologue, suggested_questions: f.questions.filter((q) => q.trim()) },
    suggest_reply_info: { suggest_reply_mode: f.suggestMode, customized_suggest_prompt: f.suggestPrompt },
    variable_list: f.variables.map((v) => ({ ...v, key: v.key.trim() })),
    client_tools: toolsOf(f.tools),
    knowledge: knowledgeOf(f.knowledge),
    plugin_info_list: f.pluginTools.map((key) => {
      const [plugin_id = "", api_id = ""] = key.split(":");
      return { plugin_id, api_id };
    }),
  };
}

/** Whether two forms differ (the prompt compared first and by identity: it may be megabytes long). */
export function sameForm(a: DraftForm, b: DraftForm): boolean {
  if (a.prompt !== b.prompt) return false;
  const { prompt: _a, ...restA } = a;
  const { prompt: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

// Variables the persona names, {{ name }} or {{ name|filter }}: scanned only in a prompt the backend
// could accept (a larger one is refused anyway, and scanning megabytes on each key press would stall).
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]{0,49})\s*(?:\||\}\})/g;
const SCAN_LIMIT = LIMITS.prompt * 2;

export function placeholdersOf(prompt: string): string[] {
  if (prompt.length > SCAN_LIMIT) return [];
  const found = new Set<string>();
  for (const match of prompt.matchAll(PLACEHOLDER)) if (match[1]) found.add(match[1]);
  return [...found];
}

export const KEYWORD = /^[A-Za-z][A-Za-z0-9_]{0,49}$/;
export const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
