// The register/edit form's fields and the auth as register_plugin_meta and update_plugin_meta take
// it (auth_type, sub_auth_type, location, key, service_token, oauth_info). Secrets are never read
// back: an empty secret on an edit keeps the stored one.
import type { McpTransport, PluginMeta } from "./types";

export type AuthChoice = "none" | "service" | "oauthClient" | "oauthCode";
export const AUTH_CHOICES: AuthChoice[] = ["none", "service", "oauthClient", "oauthCode"];
/** An MCP server takes no token or a service token in a header. */
export const MCP_AUTH_CHOICES: AuthChoice[] = ["none", "service"];
/** Coze's PluginType of an HTTP plugin, and cozeplus's of an MCP server. */
export const PLUGIN_TYPE_MCP = 7;

export type PluginKindChoice = "http" | "mcp";

export interface MetaForm {
  /** An HTTP API (its tools added one by one) or an MCP server (its tools listed by the server). */
  kind: PluginKindChoice;
  transport: McpTransport;
  name: string;
  desc: string;
  url: string;
  auth: AuthChoice;
  /** The service token's place: "1" a header, "2" a query parameter, named `key`. */
  location: "1" | "2";
  key: string;
  serviceToken: string;
  clientId: string;
  clientSecret: string;
  /** Authorization code: where the user consents (Coze's client_url). */
  consentUrl: string;
  tokenUrl: string;
  scope: string;
}

export const emptyMeta: MetaForm = {
  kind: "http",
  transport: "streamable_http",
  name: "",
  desc: "",
  url: "",
  auth: "none",
  location: "1",
  key: "Authorization",
  serviceToken: "",
  clientId: "",
  clientSecret: "",
  consentUrl: "",
  tokenUrl: "",
  scope: "",
};

const SUB_CODE = 4;
const SUB_CLIENT = 10;

function oauthPayload(text: string | null | undefined): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text || "{}");
    return parsed && typeof parsed === "object" ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** The form for a stored plugin: its fields, the secrets empty. */
export function metaFormOf(meta: PluginMeta): MetaForm {
  const mcp = meta.mcp_transport ? { kind: "mcp" as const, transport: meta.mcp_transport } : {};
  const form: MetaForm = { ...emptyMeta, ...mcp, name: meta.name, desc: meta.desc, url: meta.url };
  const kind = meta.auth_type[0] ?? 0;
  if (kind === 1) {
    return { ...form, auth: "service", location: meta.location === 2 ? "2" : "1", key: meta.key ?? "" };
  }
  if (kind === 3 || kind === 4) {
    const o = oauthPayload(meta.oauth_info);
    const code = meta.sub_auth_type === SUB_CODE;
    return {
      ...form,
      auth: code ? "oauthCode" : "oauthClient",
      clientId: o.client_id ?? "",
      consentUrl: code ? (o.client_url ?? "") : "",
      tokenUrl: (code ? o.authorization_url : o.token_url) ?? "",
      scope: o.scope ?? "",
    };
  }
  return form;
}

/** What register_plugin_meta and update_plugin_meta are sent for the form (trimmed). */
export function metaBody(f: MetaForm): Record<string, unknown> {
  const body: Record<string, unknown> = { name: f.name.trim(), desc: f.desc, url: f.url.trim() };
  if (f.kind === "mcp") {
    const server = { ...body, plugin_type: PLUGIN_TYPE_MCP, mcp_transport: f.transport };
    if (f.auth !== "service") return { ...server, auth_type: 0 };
    return { ...server, auth_type: 1, sub_auth_type: 0, location: 1, key: f.key.trim(), service_token: f.serviceToken };
  }
  if (f.auth === "none") return { ...body, auth_type: 0 };
  if (f.auth === "service") {
    const token = { location: Number(f.location), key: f.key.trim(), service_token: f.serviceToken };
    return { ...body, auth_type: 1, sub_auth_type: 0, ...token };
  }
  const common = { client_id: f.clientId.trim(), client_secret: f.clientSecret, scope: f.scope.trim() };
  const payload =
    f.auth === "oauthClient"
      ? { ...common, token_url: f.tokenUrl.trim() }
      : {
          ...common,
          client_url: f.consentUrl.trim(),
          authorization_url: f.tokenUrl.trim(),
          authorization_content_type: "application/json",
        };
  const sub_auth_type = f.auth === "oauthClient" ? SUB_CLIENT : SUB_CODE;
  return { ...body, auth_type: 3, sub_auth_type, oauth_info: JSON.stringify(payload) };
}
