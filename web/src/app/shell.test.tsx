import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../test/render";
import { modules } from "../modules";
import { createI18n, LANGUAGE_KEY, resourcesOf } from "./i18n";
import type { StudioModule } from "./modules";

const ACCOUNT = {
  user_id_str: "1",
  name: "Grace",
  user_unique_name: "grace",
  email: "grace@example.com",
  description: "",
  avatar_url: "",
  screen_name: "Grace",
  locale: "en-US",
  user_create_time: 0,
};
const SPACES = {
  code: 0,
  msg: "",
  data: {
    bot_space_list: [
      { id: "1", name: "Personal", description: "", icon_url: "", owner_user_id: "1", space_role_type: 1, space_type: 1 },
      { id: "2", name: "Team", description: "", icon_url: "", owner_user_id: "1", space_role_type: 1, space_type: 2 },
    ],
    recently_used_space_list: [],
    has_personal_space: true,
    team_space_num: 1,
    max_team_space_num: 10,
    total: 2,
    has_more: false,
  },
};

function signedIn(extra: Record<string, () => { status?: number; body: unknown }> = {}) {
  const backend = fakeBackend({
    "/api/passport/account/info/v2/": () => ({ body: { code: 0, msg: "", data: ACCOUNT } }),
    "/api/playground_api/space/list": () => ({ body: SPACES }),
    ...extra,
  });
  vi.stubGlobal("fetch", backend.fetch);
  return backend;
}

const probe: StudioModule = {
  id: "probe",
  surface: "admin",
  routes: [
    { path: "/admin/probe", element: <p>admin probe page</p> },
    {
      path: "/admin/broken",
      lazy: async () => ({
        Component: () => {
          throw new Error("render failed");
        },
      }),
    },
  ],
  nav: [{ path: "/admin/probe", labelKey: "probe.nav" }],
  messages: { "en-US": { "probe.nav": "Probe" }, "zh-CN": { "probe.nav": "探针" } },
};

afterEach(() => vi.unstubAllGlobals());

describe("shell", () => {
  it("puts admin modules under /admin with their navigation", async () => {
    signedIn();
    renderApp("/admin/probe", [...modules, probe]);
    expect(await screen.findByText("admin probe page")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Probe" })).toHaveAttribute("href", "/admin/probe");
    expect(screen.queryByRole("link", { name: "Account" })).toBeNull(); // a studio module's nav
  });

  it("shows not found for a path no module claims", async () => {
    signedIn();
    renderApp("/no/such/page");
    expect(await screen.findByRole("heading", { name: "Not found" })).toBeInTheDocument();
  });

  it("shows a route error instead of a blank page when a page throws", async () => {
    signedIn();
    vi.spyOn(console, "error").mockImplementation(() => {});
    renderApp("/admin/broken", [...modules, probe]);
    expect(await screen.findByText("Something went wrong")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });

  it("switches spaces and remembers the choice", async () => {
    signedIn();
    const user = userEvent.setup();
    renderApp("/account"); // not "/": the agents list there sets the switcher to its URL's space
    const switcher = await screen.findByTestId("space-switcher");
    expect(switcher).toHaveValue("Personal");
    await user.click(switcher);
    await user.click(await screen.findByRole("option", { name: "Team" }));
    expect(window.localStorage.getItem("cozeplus.space")).toBe("2");
  });

  it("shows the envelope's message when the account cannot be read", async () => {
    vi.stubGlobal(
      "fetch",
      fakeBackend({
        "/api/passport/account/info/v2/": () => ({ status: 503, body: { code: 5031, msg: "database unavailable" } }),
      }).fetch,
    );
    renderApp("/");
    expect(await screen.findByTestId("error-message")).toHaveTextContent("database unavailable");
  });
});

describe("i18n", () => {
  it("refuses a key two modules define", () => {
    const twin: StudioModule = { ...probe, id: "twin" };
    expect(() => resourcesOf([probe, twin])).toThrow(/probe.nav/);
  });

  it("remembers the language and tells the api client", async () => {
    const i18n = createI18n("en-US", modules);
    await i18n.changeLanguage("zh-CN");
    expect(window.localStorage.getItem(LANGUAGE_KEY)).toBe("zh-CN");
    expect(document.documentElement.lang).toBe("zh-CN");
    const fetch = vi.fn(async () => new Response('{"code":0,"msg":""}', { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    const { api } = await import("./api");
    await api("/api/x", {});
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(new Headers(init.headers).get("accept-language")).toBe("zh-CN");
    await i18n.changeLanguage("en-US");
  });

  it("has every shell and module key in both languages", () => {
    const resources = resourcesOf(modules);
    expect(Object.keys(resources["zh-CN"].translation).sort()).toEqual(Object.keys(resources["en-US"].translation).sort());
  });
});
