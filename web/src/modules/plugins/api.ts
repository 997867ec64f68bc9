// The plugin routes these pages call, and their react-query keys.
import { api } from "../../app/api";
import type { APIParameter, Converted, DebugResult, PluginInfo, PluginList, Registered, ToolList, VersionList } from "./types";

export const PAGE_SIZE = 20;
export const NAME_LIMIT = 100;

export const keys = {
  all: (spaceId: string) => ["plugins", "list", spaceId] as const,
  list: (spaceId: string, name: string) => ["plugins", "list", spaceId, name] as const,
  plugin: (pluginId: string) => ["plugins", "plugin", pluginId] as const,
  tools: (pluginId: string) => ["plugins", "tools", pluginId] as const,
  nextVersion: (pluginId: string) => ["plugins", "next-version", pluginId] as const,
  versions: (pluginId: string) => ["plugins", "versions", pluginId] as const,
};
export const VERSION_PAGE_SIZE = 20;

export function listPlugins(spaceId: string, name: string, page: number) {
  const body: Record<string, unknown> = { space_id: spaceId, page, size: PAGE_SIZE };
  if (name) body.name = name;
  return api<PluginList>("/api/plugin_api/get_dev_plugin_list", body);
}

export function deletePlugin(pluginId: string) {
  return api("/api/plugin_api/del_plugin", { plugin_id: pluginId });
}

export async function registerPlugin(spaceId: string, manifest: string, openapi: string): Promise<Registered> {
  const answer = await api<{ data: Registered }>("/api/plugin_api/register", {
    space_id: spaceId,
    ai_plugin: manifest,
    openapi,
  });
  return answer.data;
}

/** A plugin from the form (its tools come one by one after); `meta` is metaBody's fields. */
export async function registerMeta(spaceId: string, meta: Record<string, unknown>): Promise<string> {
  return (await api<{ plugin_id: string }>("/api/plugin_api/register_plugin_meta", { space_id: spaceId, ...meta })).plugin_id;
}

export function updateMeta(pluginId: string, meta: Record<string, unknown>) {
  return api("/api/plugin_api/update_plugin_meta", { plugin_id: pluginId, ...meta });
}

export function convertToOpenapi(spaceId: string, data: string) {
  return api<Converted>("/api/plugin_api/convert_to_openapi", { space_id: spaceId, data });
}

/** Whether a plugin has a published version. */
export const isPublished = (p: { version_ts: string }) => p.version_ts !== "";

export const METHODS: Record<number, string> = { 1: "GET", 2: "POST", 3: "PUT", 4: "DELETE", 5: "PATCH" };
export const TOOL_PAGE_SIZE = 100;

export function getPlugin(pluginId: string) {
  return api<PluginInfo>("/api/plugin_api/get_plugin_info", { plugin_id: pluginId });
}

/** The plugin's tools (the first 100: a plugin document rarely has more). */
export function listTools(pluginId: string) {
  return api<ToolList>("/api/plugin_api/get_plugin_apis", { plugin_id: pluginId, page: 1, size: TOOL_PAGE_SIZE });
}

export function setToolDisabled(pluginId: string, apiId: string, disabled: boolean) {
  return api("/api/plugin_api/update_api", { plugin_id: pluginId, api_id: apiId, disabled });
}

/** What the tool editor sends: the operation and its request parameters. */
export interface ToolEdit {
  name: string;
  desc: string;
  path: string;
  method: number;
  request_params: APIParameter[];
}

export async function createTool(pluginId: string, tool: ToolEdit): Promise<string> {
  return (await api<{ api_id: string }>("/api/plugin_api/create_api", { plugin_id: pluginId, ...tool })).api_id;
}

export function updateTool(pluginId: string, apiId: string, tool: ToolEdit) {
  return api("/api/plugin_api/update_api", { plugin_id: pluginId, api_id: apiId, ...tool });
}

/** The published versions, the newest first, one page of them. */
export function listVersions(pluginId: string, page: number) {
  return api<VersionList>("/api/plugin_api/get_plugin_publish_history", { plugin_id: pluginId, page, size: VERSION_PAGE_SIZE });
}

export function debugTool(pluginId: string, apiId: string, parameters: string) {
  return api<DebugResult>("/api/plugin_api/debug_api", { plugin_id: pluginId, api_id: apiId, parameters, operation: 1 });
}

export async function nextVersion(pluginId: string, spaceId: string): Promise<string> {
  return (await api<{ next_version_name: string }>("/api/plugin_api/get_plugin_next_version", { plugin_id: pluginId, space_id: spaceId }))
    .next_version_name;
}

export function publishPlugin(pluginId: string, versionName: string, versionDesc: string) {
  return api<{ version_ts: string; version_name: string }>("/api/plugin_api/publish_plugin", {
    plugin_id: pluginId,
    version_name: versionName,
    version_desc: versionDesc,
  });
}

/** A JSON text of the tool's top-level request parameters, each with an empty value of its type. */
export function sampleInputs(params: { name: string; type: number }[]): string {
  const empty: Record<number, unknown> = { 1: "", 2: 0, 3: 0, 4: {}, 5: [], 6: false };
  return JSON.stringify(Object.fromEntries(params.map((p) => [p.name, empty[p.type] ?? ""])), null, 2);
}

/** A JSON text pretty-printed; any other text as it is. */
export function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** An MCP plugin's tools listed again from its server into the draft. */
export function refreshMcpTools(pluginId: string) {
  return api<{ total: number; edit_version: number }>("/api/plugin_api/refresh_mcp_tools", { plugin_id: pluginId });
}
