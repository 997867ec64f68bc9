// The agent routes these pages call, and their react-query keys.
import { api, apiData } from "../../app/api";
import type {
  BotInfoForUpdate,
  ChatModel,
  DatasetSummary,
  DraftData,
  HistoryPage,
  IntelligenceList,
  PlaygroundPlugin,
  PublishConnector,
  PublishResult,
  ToolParam,
} from "./types";

export const PAGE_SIZE = 20;
export const HISTORY_PAGE_SIZE = 10;

export const keys = {
  list: (spaceId: string, name: string) => ["agents", "list", spaceId, name] as const,
  lists: (spaceId: string) => ["agents", "list", spaceId] as const,
  draft: (agentId: string) => ["agents", "draft", agentId] as const,
  models: (spaceId: string) => ["agents", "models", spaceId] as const,
  connectors: (agentId: string) => ["agents", "connectors", agentId] as const,
  history: (agentId: string, page: number) => ["agents", "history", agentId, page] as const,
  histories: (agentId: string) => ["agents", "history", agentId] as const,
  knowledge: (spaceId: string) => ["agents", "knowledge", spaceId] as const,
  plugins: (spaceId: string) => ["agents", "plugins", spaceId] as const,
  toolParams: (agentId: string, pluginId: string, apiName: string) =>
    ["agents", "tool-params", agentId, pluginId, apiName] as const,
};

/** One page of a space's agents; `name` searches on the server (a substring, any case). */
export function listAgents(spaceId: string, name: string, cursor: string | undefined) {
  const body: Record<string, unknown> = { space_id: spaceId, size: PAGE_SIZE, types: [1] };
  if (name) body.name = name;
  if (cursor) body.cursor_id = cursor;
  return apiData<IntelligenceList>("/api/intelligence_api/search/get_draft_intelligence_list", body);
}

export function createAgent(spaceId: string, name: string, description: string) {
  return apiData<{ bot_id: string }>("/api/draftbot/create", { space_id: spaceId, name, description });
}

export function duplicateAgent(spaceId: string, agentId: string) {
  return apiData<{ bot_id: string; name: string }>("/api/draftbot/duplicate", {
    bot_id: agentId,
    space_id: spaceId,
  });
}

export function deleteAgent(spaceId: string, agentId: string) {
  return apiData<unknown>("/api/draftbot/delete", { bot_id: agentId, space_id: spaceId });
}

/** The draft; an agent of another space (or one the caller cannot see) is a 404 ApiError. */
export function getDraft(spaceId: string, agentId: string) {
  return apiData<DraftData>("/api/playground_api/draftbot/get_draft_bot_info", {
    bot_id: agentId,
    space_id: spaceId,
  });
}

export function updateDraft(botInfo: BotInfoForUpdate) {
  return apiData<{ has_change: boolean }>("/api/playground_api/draftbot/update_draft_bot_info", {
    bot_info: botInfo,
  });
}

export async function listModels(spaceId: string): Promise<ChatModel[]> {
  const data = await apiData<{ model_list: ChatModel[] }>("/api/bot/get_type_list", {
    model: true,
    space_id: spaceId,
  });
  return data.model_list;
}

/** The plugins an agent of the space may bind: the built-in one and the space's published ones. */
export async function listPlugins(spaceId: string): Promise<PlaygroundPlugin[]> {
  const data = await apiData<{ plugin_list: PlaygroundPlugin[]; total: number }>(
    "/api/plugin_api/get_playground_plugin_list",
    { space_id: spaceId, page: 1, size: 100 },
  );
  return data.plugin_list;
}

/** The space's knowledge bases an agent may search (the first 100: more than an agent may bind). */
export async function listKnowledge(spaceId: string): Promise<DatasetSummary[]> {
  const data = await apiData<{ dataset_list: DatasetSummary[]; total: number }>("/api/knowledge/list", {
    space_id: spaceId,
    page: 1,
    size: 100,
  });
  return data.dataset_list;
}

export async function listConnectors(spaceId: string, agentId: string): Promise<PublishConnector[]> {
  const data = await apiData<{ publish_connector_list: PublishConnector[] }>(
    "/api/draftbot/publish/connector/list",
    { bot_id: agentId, space_id: spaceId },
  );
  return data.publish_connector_list;
}

export function publishAgent(spaceId: string, agentId: string, connectorIds: string[], note: string) {
  const connectors = Object.fromEntries(connectorIds.map((id) => [id, {}]));
  return apiData<PublishResult>("/api/draftbot/publish", {
    bot_id: agentId,
    space_id: spaceId,
    connectors,
    history_info: note,
  });
}

export function listHistory(spaceId: string, agentId: string, page: number) {
  return apiData<HistoryPage>("/api/draftbot/list_draft_history", {
    bot_id: agentId,
    space_id: spaceId,
    page_index: page,
    page_size: HISTORY_PAGE_SIZE,
    history_type: 1,
  });
}

/** Seconds since the epoch (as the API sends them) in the reader's locale; "" for none. */
export function formatTime(seconds: string, locale: string): string {
  const n = Number(seconds);
  if (!Number.isFinite(n) || n <= 0) return "";
  return new Date(n * 1000).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

/** A bound tool's request parameters with the agent's defaults and hidden ones. */
export async function getToolParams(agentId: string, pluginId: string, apiName: string): Promise<ToolParam[]> {
  const body = { bot_id: agentId, plugin_id: pluginId, api_name: apiName };
  return (await api<{ request_params: ToolParam[] }>("/api/plugin_api/get_bot_default_params", body)).request_params;
}

/** Saves the agent's defaults and hidden parameters for the tool (the whole set: others are cleared). */
export function setToolParams(agentId: string, pluginId: string, apiName: string, params: ToolParam[]) {
  const body = { bot_id: agentId, plugin_id: pluginId, api_name: apiName, request_params: params };
  return api("/api/plugin_api/update_bot_default_params", body);
}
