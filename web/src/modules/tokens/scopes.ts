// What a personal access token may be limited to: the backend's Scope values (domain/common/access.py;
// tests/unit/test_web_token_scopes.py fails when the two lists differ). No scope = all the owner may do.
export const SCOPES = [
  "user:read",
  "workspace:read",
  "workspace:write",
  "bot:read",
  "bot:write",
  "chat",
  "workflow:run",
  "knowledge:read",
  "knowledge:write",
  "file:upload",
] as const;

export type Scope = (typeof SCOPES)[number];

/** Presets of duration_day; the backend caps expiry at openauth.max_token_days (365 by default). */
export const DURATIONS = [1, 30, 60, 90, 180, 365] as const;
export const MAX_DAYS = 365;
export const MAX_NAME = 100;
