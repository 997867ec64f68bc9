// For the admin pages' tests: a fetch answering by method and path (query string apart), recording calls.
import { configure } from "@testing-library/react";
import { vi } from "vitest";

// Pages load lazily, and the first one of a file also compiles: give finds more than a second.
configure({ asyncUtilTimeout: 5000 });

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

// jsdom has no document.fonts, which Mantine's autosizing Textarea listens to.
if (!("fonts" in document)) {
  Object.defineProperty(document, "fonts", {
    value: { addEventListener: () => {}, removeEventListener: () => {} },
    configurable: true,
  });
}

type Answer = { status?: number; body: unknown };
type Handler = (call: Call) => Answer;

export const ADMIN_ACCOUNT = {
  user_id_str: "1",
  name: "Root",
  user_unique_name: "root",
  email: "root@example.com",
  description: "",
  avatar_url: "",
  screen_name: "Root",
  locale: "en-US",
  user_create_time: 0,
};

export const ok = (data: unknown = null): Answer => ({ body: { code: 0, msg: "", data } });
export const fail = (status: number, code: number, msg: string): Answer => ({ body: { code, msg, data: null }, status });

/** Installs the fake as the global fetch; routes are "METHOD /path". The account route is built in. */
export function backend(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const all: Record<string, Handler> = {
    "POST /api/passport/account/info/v2/": () => ok(ADMIN_ACCOUNT),
    ...routes,
  };
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://localhost");
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    const call = { method, path: url.pathname, query: url.searchParams, body };
    calls.push(call);
    const handler = all[`${method} ${url.pathname}`];
    const out = handler?.(call) ?? fail(404, 4200, "route not found");
    return new Response(JSON.stringify(out.body), { status: out.status ?? 200, headers: { "content-type": "application/json" } });
  };
  vi.stubGlobal("fetch", fetch);
  return {
    calls,
    /** The calls to one route. */
    to: (route: string) => calls.filter((c) => `${c.method} ${c.path}` === route),
  };
}
