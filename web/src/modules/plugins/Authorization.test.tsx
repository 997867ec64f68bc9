import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { safeLink } from "./Authorization";
import { plugin, pluginBackend, setUp, top } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const MAIL = plugin("1", "Mail");
const LINK = "https://id.example.com/authorize?state=s";

describe("a per-user plugin's authorization", { timeout: 30_000 }, () => {
  it("links to the consent page, then revokes", async () => {
    let status = 2;
    const b = pluginBackend(
      { plugins: [MAIL] },
      {
        "/api/plugin_api/get_oauth_status": () => top({ is_oauth: true, status, content: status === 2 ? LINK : "" }),
        "/api/plugin_api/revoke_auth_token": () => {
          status = 2;
          return top({});
        },
      },
    );
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    const authorize = await screen.findByRole("link", { name: "Authorize" });
    expect(authorize).toHaveAttribute("href", LINK);
    expect(authorize).toHaveAttribute("target", "_blank");

    status = 1; // the user consented in the other tab
    await user.click(screen.getByRole("button", { name: "Check again" }));
    await user.click(await screen.findByRole("button", { name: "Revoke" }));
    await waitFor(() => expect(b.bodies("/api/plugin_api/revoke_auth_token")).toEqual([{ plugin_id: "1" }]));
    expect(await screen.findByRole("link", { name: "Authorize" })).toBeInTheDocument();
  });

  it("says nothing for a plugin that does not act for each user", async () => {
    pluginBackend({ plugins: [MAIL] }, { "/api/plugin_api/get_oauth_status": () => top({ is_oauth: false, status: 1, content: "" }) });
    renderApp("/spaces/9/plugins/1");
    expect(await screen.findByRole("heading", { name: "Mail" })).toBeInTheDocument();
    expect(screen.queryByTestId("oauth-status")).not.toBeInTheDocument();
  });

  it("follows only http(s) consent links", () => {
    expect(safeLink(LINK)).toBe(LINK);
    expect(safeLink("javascript:alert(1)")).toBe("");
  });
});

describe("the page the provider sends the user back to", () => {
  it("says the plugin is authorized, signed in or not", async () => {
    pluginBackend();
    renderApp("/information/auth/success");
    expect(await screen.findByRole("heading", { name: "Authorized" })).toBeInTheDocument();
  });
});
