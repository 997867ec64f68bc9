// Shapes of the plugin routes of /api (src/api/web/plugin_schemas.py, plugins.py): the answers'
// fields sit at the envelope's top level; ids are strings.

/** One plugin of a space's list (PluginInfoForPlayground). */
export interface PluginSummary {
  id: string;
  name: string;
  desc_for_human: string;
  plugin_icon: string;
  status: number;
  space_id: string;
  /** The publishing time in milliseconds, "" before the first publication. */
  version_ts: string;
  version_name: string;
  update_time: string; // seconds, as text
  can_edit: boolean;
}

export interface PluginList {
  plugin_list: PluginSummary[];
  total: string | number;
}

/** What register answers (its payload is in `data`). */
export interface Registered {
  plugin_id: string;
  openapi: string;
}

/** What convert_to_openapi answers. */
export interface Converted {
  openapi: string;
  ai_plugin: string;
  plugin_data_format: number;
}

/** The plugin's form fields as get_plugin_info answers them: secrets never, only whether one is set. */
export interface PluginMeta {
  name: string;
  desc: string;
  url: string;
  /** [0] none, [1] service token, [3] OAuth. */
  auth_type: number[];
  /** Service token: 1 header, 2 query, and the header's or parameter's name. */
  location?: number | null;
  key?: string | null;
  /** 0 service token; OAuth 4 authorization code, 10 client credentials. */
  sub_auth_type?: number | null;
  /** OAuth settings without the secret, a JSON object in a string. */
  oauth_info?: string | null;
  service_token_set?: boolean;
  client_secret_set?: boolean;
  /** An MCP plugin's transport (cozeplus): "streamable_http" or "sse"; absent for an HTTP plugin. */
  mcp_transport?: McpTransport | null;
}

export type McpTransport = "streamable_http" | "sse";

/** get_plugin_info's answer (fields at the top level). */
export interface PluginInfo {
  meta_info: PluginMeta;
  code_info: { openapi_desc: string; plugin_desc: string };
  published: boolean;
  /** Whether the draft changed since the last publication. */
  status: boolean;
  edit_version: number;
  creator: { id: string; name: string };
}

/** 1 string, 2 integer, 3 number, 4 object, 5 array, 6 bool. */
export type ParamType = 1 | 2 | 3 | 4 | 5 | 6;

export interface APIParameter {
  name: string;
  desc: string;
  type: ParamType;
  location: number; // 1 path, 2 query, 3 body, 4 header
  is_required: boolean;
  sub_parameters: APIParameter[];
}

/** One tool of a plugin (PluginAPIInfo); method 1 GET, 2 POST, 3 PUT, 4 DELETE, 5 PATCH. */
export interface PluginTool {
  api_id: string;
  name: string;
  desc: string;
  path: string;
  method: number;
  request_params: APIParameter[];
  response_params: APIParameter[];
  debug_status: number; // 0 not debugged, 1 passed
  disabled: boolean;
  online_status: number; // 1 when a published version has it
}

export interface ToolList {
  api_info: PluginTool[];
  total: number | string;
}

/** debug_api's answer. */
export interface DebugResult {
  success: boolean;
  resp: string;
  reason: string;
  raw_req: string;
  raw_resp: string;
}

/** One published version (get_plugin_publish_history). */
export interface PublishedVersion {
  publisher_id: string;
  version_ts: number; // milliseconds
  version_name: string;
  version_desc: string;
}

export interface VersionList {
  plugin_publish_info_list: PublishedVersion[];
  total: number;
}
