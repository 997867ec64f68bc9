// Renders the whole app (router, i18n, query client) at a path, for page tests.
import { render } from "@testing-library/react";

import { App, createQueryClient } from "../app/App";
import { createI18n } from "../app/i18n";
import type { StudioModule } from "../app/modules";
import { modules as allModules } from "../modules";

export function renderApp(path: string, modules: readonly StudioModule[] = allModules) {
  const queryClient = createQueryClient();
  queryClient.setDefaultOptions({ queries: { retry: false } });
  return render(
    <App modules={modules} initialEntries={[path]} i18n={createI18n("en-US", modules)} queryClient={queryClient} />,
  );
}

type Handler = (body: unknown, init: RequestInit) => { status?: number; body: unknown } | undefined;

/** A fetch that answers each /api path with its handler (404 envelope for the others). */
export function fakeBackend(routes: Record<string, Handler>) {
  const calls: { path: string; body: unknown }[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = String(input);
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ path, body });
    const handler = routes[path];
    const out = handler?.(body, init) ?? { status: 404, body: { code: 4200, msg: "route not found" } };
    return new Response(JSON.stringify(out.body), {
      status: out.status ?? 200,
      headers: { "content-type": "application/json" },
    });
  };
  return { fetch, calls };
}
