// The one way pages talk to the backend: the SPA API under /api, with the session cookie.
// Every answer is a Coze envelope {code, msg, data, ...}; code 0 is success, anything else an ApiError.

/** A failed call. status 0: the server could not be reached (network error, server down). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: number;
  readonly msg: string;
  readonly logId: string | null;

  constructor(status: number, code: number, msg: string, logId: string | null = null) {
    super(msg || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.msg = msg;
    this.logId = logId;
  }

  get unreachable(): boolean {
    return this.status === 0;
  }

  get unauthenticated(): boolean {
    return this.status === 401 || this.code === CODE_UNAUTHENTICATED;
  }

  get notFound(): boolean {
    return this.status === 404 || this.code === CODE_NOT_FOUND;
  }
}

// Codes of the backend's error registry (src/api/errors.py, docs/adr/0003-error-codes.md).
export const CODE_UNAUTHENTICATED = 4100;
export const CODE_FORBIDDEN = 4101;
export const CODE_NOT_FOUND = 4200;

/** The fields every envelope has; the rest (`data`, and on some routes siblings of it) is the route's. */
export interface Envelope {
  code: number;
  msg: string;
  data?: unknown;
  detail?: { logid?: string };
}

export interface ApiInit extends Omit<RequestInit, "body"> {
  /** Whether a 401 sends the browser to the sign-in page (default true; the sign-in page itself says false). */
  redirectOnAuth?: boolean;
}

type AuthRedirect = (next: string) => void;

let language = "en-US";
let authRedirect: AuthRedirect = (next) => {
  window.location.assign(signInPath(next));
};

/** The Accept-Language the backend renders `msg` in; i18n keeps it in step with the shell's language. */
export function setApiLanguage(lang: string): void {
  language = lang;
}

/** Who handles a 401 (the router installs a client-side navigation; tests install a spy). */
export function setAuthRedirect(fn: AuthRedirect): void {
  authRedirect = fn;
}

export function signInPath(next: string): string {
  return next && next !== "/" && !next.startsWith("/sign-in") ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in";
}

function currentPath(): string {
  const { pathname, search, hash } = window.location;
  return `${pathname}${search}${hash}`;
}

/**
 * Calls an /api route and returns its envelope (typed as T: the caller names the shape it reads).
 * With a body, or without one unless `init.method` says otherwise, it POSTs JSON, as the SPA API's
 * routes mostly are; pass `{ method: "GET" }` for the GET routes.
 */
export async function api<T = Envelope>(path: string, body?: unknown, init: ApiInit = {}): Promise<T> {
  const { redirectOnAuth = true, headers, ...rest } = init;
  const method = (init.method ?? "POST").toUpperCase();
  const h = new Headers(headers);
  h.set("Accept", "application/json");
  h.set("Accept-Language", language);
  let payload: BodyInit | undefined;
  if (method !== "GET" && method !== "HEAD") {
    h.set("Content-Type", "application/json");
    payload = JSON.stringify(body ?? {});
  }
  let response: Response;
  try {
    response = await fetch(path, { ...rest, method, headers: h, body: payload, credentials: "same-origin" });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, 0, "");
  }
  const logId = response.headers.get("x-log-id");
  let envelope: Envelope | null = null;
  try {
    envelope = (await response.json()) as Envelope;
  } catch {
    envelope = null;
  }
  if (envelope === null || typeof envelope !== "object" || typeof envelope.code !== "number") {
    // Not our JSON: a proxy's error page, or the connection dropped mid-body.
    const unreachable = response.status === 502 || response.status === 504 || response.status === 0;
    throw new ApiError(unreachable ? 0 : response.status, 0, "", logId);
  }
  if (envelope.code !== 0 || !response.ok) {
    const error = new ApiError(response.status, envelope.code, envelope.msg ?? "", envelope.detail?.logid ?? logId);
    if (error.unauthenticated && redirectOnAuth) authRedirect(currentPath());
    throw error;
  }
  return envelope as T;
}

/** The `data` of an envelope, for the routes whose payload is there. */
export async function apiData<D>(path: string, body?: unknown, init?: ApiInit): Promise<D> {
  const envelope = await api<{ data: D }>(path, body, init);
  return envelope.data;
}
