// The admin console's calls: the backend's admin routes (src/api/admin/*.py), the permission
// console (src/api/web/permission*.py) and the organisation routes (src/api/web/corporation/).
import { api, apiData } from "../../app/api";

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

const GET = { method: "GET" } as const;

// ---- users (/api/admin/users) ----
export interface AdminUser {
  id: string;
  email: string;
  name: string;
  unique_name: string;
  is_superuser: boolean;
  status: "active" | "disabled" | string;
  created_at: string;
}

export const usersApi = {
  list: (page: number, size: number, q: string) =>
    apiData<{ users: AdminUser[]; total: number }>(`/api/admin/users${query({ page, size, q })}`, undefined, GET),
  create: (body: { email: string; password: string; name: string; is_superuser: boolean }) =>
    apiData<AdminUser>("/api/admin/users", body),
  setStatus: (id: string, status: "active" | "disabled") =>
    apiData<AdminUser>(`/api/admin/users/${id}/status`, { status }),
  resetPassword: (id: string, password: string) => api(`/api/admin/users/${id}/reset_password`, { password }),
};

// ---- models (/api/admin/config/model/*) ----
export interface ProviderView {
  key: string;
  name: { zh_cn: string; en_us: string };
  model_class: number;
}

export interface AdminModel {
  id: string;
  provider: ProviderView;
  display_info: { name: string; description: { zh_cn: string; en_us: string }; output_tokens: number; max_tokens: number };
  capability: Record<string, boolean | number>;
  connection: {
    base_conn_info: { base_url: string; api_key: string; model: string };
    api_key_set: boolean;
    timeout_s: number;
    max_retries: number;
    concurrency: number;
  };
  type: number;
  status: number; // 1 in use, 2 disabled
  is_default: boolean;
  builtin: boolean;
  fallback_id: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface ModelTestResult {
  ok: boolean;
  latency_ms: number;
  first_token_ms: number | null;
  sample: string;
  dimension: number | null;
  error: { code: number; msg: string } | null;
}

export interface ModelInput {
  model_name: string;
  provider: string;
  type: number;
  description: string;
  connection: { base_conn_info: { base_url: string; api_key: string; model: string } };
  is_default?: boolean;
  enabled?: boolean;
}

export interface ModelUpdate {
  id: string;
  model_name?: string;
  description?: string;
  connection?: { base_conn_info: { base_url: string; api_key: string; model: string } };
  clear_api_key?: boolean;
  capability?: Record<string, boolean | number>;
  is_default?: boolean;
  enabled?: boolean;
}

const MODEL = "/api/admin/config/model";

export const modelsApi = {
  list: async (): Promise<AdminModel[]> => {
    const data = await apiData<{ provider_model_list: { model_list: AdminModel[] }[] }>(`${MODEL}/list`, undefined, GET);
    return data.provider_model_list.flatMap((g) => g.model_list);
  },
  get: (id: string) => apiData<AdminModel>(`${MODEL}/get`, { id }),
  create: (body: ModelInput) => apiData<{ id: string; model: AdminModel }>(`${MODEL}/create`, body),
  update: (body: ModelUpdate) => apiData<AdminModel>(`${MODEL}/update`, body),
  remove: (id: string) => api(`${MODEL}/delete`, { id }),
  test: (id: string) => apiData<ModelTestResult>(`${MODEL}/test`, { id }),
};

// ---- roles and grants (/api/permission_api/*) ----
export interface Permission {
  resource: string;
  action: string;
  effect: "allow" | "deny";
  object_id: string;
}

export interface Role {
  id: string;
  role_code: string;
  role_name: string;
  description: string;
  domain: "global" | "space";
  is_builtin: boolean;
  is_disabled: boolean;
  permissions: Permission[];
  created_at: number;
}

export interface TemplateDomain {
  domain: string;
  domain_name: string;
  resources: { resource: string; resource_name: string; actions: { action: string }[] }[];
}

export interface UserRole {
  role_id: string;
  role_code: string;
  role_name: string;
  domain: string;
  derived: boolean;
  assigned_by: string;
  expires_at: number;
  granted_at: number;
}

export const rolesApi = {
  list: (keyword: string, page: number, page_size: number) =>
    apiData<{ roles: Role[]; total: number }>("/api/permission_api/role/list", { keyword, page, page_size }),
  create: (body: { role_code: string; role_name: string; description: string; domain: string; permissions: Permission[] }) =>
    apiData<Role>("/api/permission_api/role/create", body),
  update: (body: { id: string; role_name?: string; description?: string; is_disabled?: boolean; permissions?: Permission[] }) =>
    apiData<Role>("/api/permission_api/role/update", body),
  remove: (id: string) => api("/api/permission_api/role/delete", { id }),
  template: () => apiData<TemplateDomain[]>("/api/permission_api/template/list", {}),
  userRoles: (user_id: string) => apiData<UserRole[]>("/api/permission_api/user/roles", { user_id }),
  assign: (body: { user_id: string; role_ids: string[]; domain: string; expires_at?: number }) =>
    apiData<UserRole[]>("/api/permission_api/user/assign_roles", body),
  unassign: (body: { user_id: string; role_ids: string[]; domain: string }) =>
    apiData<{ removed: number }>("/api/permission_api/user/unassign_roles", body),
};

// ---- organisations (/api/v1/corporation/*, /api/v1/organization/tree) ----
export interface OrgNode {
  id: string;
  node_type: "corp" | "dept";
  name: string;
  sort: number;
  corp_id: string;
  corp_type: number;
  dept_id: string | null;
  parent_id: string | null;
  business_parent_id: string | null;
  level: number;
  employee_count: number;
  has_children: boolean;
  children: OrgNode[];
}

const CORP = "/api/v1/corporation";

export const orgApi = {
  tree: () => apiData<OrgNode[]>("/api/v1/organization/tree", { include_departments: true }),
  createCorp: (body: { name: string; corp_type: number; parent_id?: string }) => apiData(`${CORP}/create`, body),
  updateCorp: (id: string, body: { name?: string; parent_id?: string }) =>
    apiData(`${CORP}/${id}`, body, { method: "PUT" }),
  deleteCorp: (id: string) => api(`${CORP}/${id}`, undefined, { method: "DELETE" }),
  createDept: (body: { name: string; corp_id: string; parent_id?: string }) => apiData(`${CORP}/department/create`, body),
  updateDept: (id: string, body: { name?: string; parent_id?: string }) =>
    apiData(`${CORP}/department/${id}`, body, { method: "PUT" }),
  deleteDept: (id: string) => api(`${CORP}/department/${id}`, undefined, { method: "DELETE" }),
};

// ---- audit (/api/admin/audit/list) ----
export interface AuditItem {
  id: string;
  action: string;
  result: "ok" | "denied" | "failed" | string;
  created_at: string;
  actor_id: string;
  target_type: string;
  target_id: string;
  ip: string;
  user_agent: string;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  actor_id?: string;
  action?: string;
  result?: string;
  target_type?: string;
  since?: string;
  until?: string;
}

export const auditApi = {
  list: (filter: AuditFilter, page: number, size: number) =>
    apiData<{ items: AuditItem[]; total: number; has_more: boolean }>(
      `/api/admin/audit/list${query({ ...filter, page, size })}`,
      undefined,
      GET,
    ),
};

// ---- settings (/api/admin/settings) ----
export interface Setting {
  id: string;
  key: string;
  value: unknown;
  version: number;
  updated_at: string;
}

export interface Revision {
  id: string;
  key: string;
  version: number;
  value: unknown;
  created_at: string;
}

export const settingsApi = {
  list: () => apiData<{ settings: Setting[] }>("/api/admin/settings", undefined, GET).then((d) => d.settings),
  put: (key: string, value: unknown, expected_version?: number) =>
    apiData<Setting>(`/api/admin/settings/${encodeURIComponent(key)}`, { value, expected_version }, { method: "PUT" }),
  history: (key: string) =>
    apiData<{ revisions: Revision[] }>(`/api/admin/settings/${encodeURIComponent(key)}/history?limit=100`, undefined, GET).then(
      (d) => d.revisions,
    ),
  revision: (id: string) => apiData<Revision>(`/api/admin/settings/revisions/${id}`, undefined, GET),
};

// ---- dead letters (/api/admin/events/dead_letters) ----
export interface DeadLetter {
  id: string;
  group: string;
  topic: string;
  dedupe_id: string;
  payload: Record<string, unknown>;
  error: string;
  attempts: number;
  created_at: string;
  replayed_at: string | null;
  replay_count: number;
}

export const deadLettersApi = {
  list: (filter: { group?: string; topic?: string }, before_id: string | undefined, limit: number) =>
    apiData<{ dead_letters: DeadLetter[]; next_before_id: string | null }>(
      `/api/admin/events/dead_letters${query({ ...filter, before_id, limit })}`,
      undefined,
      GET,
    ),
  replay: (id: string) => apiData<DeadLetter>(`/api/admin/events/dead_letters/${id}/replay`, {}),
};
