import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../../test/render";
import { ACCOUNT } from "../../test/fixtures";

const SPACE = { id: "9", name: "Personal", description: "", icon_url: "", owner_user_id: "42", space_role_type: 1, space_type: 1 };
const SPACES = {
  bot_space_list: [SPACE],
  recently_used_space_list: [],
  has_personal_space: true,
  team_space_num: 0,
  max_team_space_num: 100,
  total: 1,
  has_more: false,
};
const LIST = "/api/permission_api/pat/list_personal_access_tokens?page=0&size=100";
const CREATE = "/api/permission_api/pat/create_personal_access_token_and_permission";
const DELETE = "/api/permission_api/pat/delete_personal_access_token_and_permission";

function backend() {
  const tokens: Record<string, unknown>[] = [];
  return fakeBackend({
    "/api/passport/account/info/v2/": () => ({ body: { code: 0, msg: "", data: ACCOUNT } }),
    "/api/playground_api/space/list": () => ({ body: { code: 0, msg: "", data: SPACES } }),
    [LIST]: () => ({ body: { code: 0, msg: "", data: { personal_access_tokens: tokens, has_more: false } } }),
    [CREATE]: (body) => {
      const { name, scopes, space_id, duration_day } = body as Record<string, unknown>;
      if (Number(duration_day) > 30) {
        return { status: 400, body: { code: 4000, msg: "expiry is limited to 30 days" } };
      }
      const token = {
        id: String(100 + tokens.length),
        name,
        created_at: 1_800_000_000,
        updated_at: 1_800_000_000,
        last_used_at: -1,
        expire_at: 1_800_086_400,
        scopes,
        space_id,
      };
      tokens.push(token);
      return { body: { code: 0, msg: "", data: { personal_access_token: token, token: "pat_secret-once-123" } } };
    },
    [DELETE]: (body) => {
      const { id } = body as { id: string };
      tokens.splice(
        tokens.findIndex((t) => t.id === id),
        1,
      );
      return { body: { code: 0, msg: "" } };
    },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe("personal access tokens", { timeout: 30_000 }, () => {
  it("shows the secret once, lists the token, and revokes it after confirming", async () => {
    const fake = backend();
    vi.stubGlobal("fetch", fake.fetch);
    const user = userEvent.setup();
    renderApp("/tokens");
    expect(await screen.findByTestId("no-tokens", {}, { timeout: 5000 })).toBeInTheDocument();

    await user.type(screen.getByRole("textbox", { name: /Name/ }), "ci bot");
    await user.click(screen.getByLabelText("Chat with agents"));
    await user.click(screen.getByLabelText("Read agents"));
    await user.click(screen.getByRole("button", { name: "Create token" }));

    const dialog = await screen.findByRole("dialog", { name: "Your new token" });
    expect(within(dialog).getByTestId("token-secret")).toHaveTextContent("pat_secret-once-123");
    expect(within(dialog).getByText(/only time the token is shown/)).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Copy token" })).toBeInTheDocument();
    expect(fake.calls.find((c) => c.path === CREATE)?.body).toEqual({
      name: "ci bot",
      scopes: ["chat", "bot:read"],
      space_id: "",
      duration_day: "30",
    });

    await user.click(within(dialog).getByRole("button", { name: "I have copied it" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    // Listed, and the secret is nowhere on the page any more.
    const row = await screen.findByTestId("token-100");
    expect(row).toHaveTextContent("ci bot");
    expect(row).toHaveTextContent("chat");
    expect(document.body).not.toHaveTextContent("pat_secret-once-123");

    await user.click(within(row).getByRole("button", { name: "Revoke ci bot" }));
    const confirm = await screen.findByRole("dialog", { name: "Revoke the token?" });
    expect(fake.calls.some((c) => c.path === DELETE)).toBe(false); // nothing before confirming
    await user.click(within(confirm).getByRole("button", { name: "Revoke" }));
    expect(await screen.findByTestId("no-tokens")).toBeInTheDocument();
    expect(fake.calls.find((c) => c.path === DELETE)?.body).toEqual({ id: "100" });
  });

  it("refuses an empty name and an expiry out of range in the form, and shows the server's refusal", async () => {
    const fake = backend();
    vi.stubGlobal("fetch", fake.fetch);
    const user = userEvent.setup();
    renderApp("/tokens");
    await screen.findByTestId("no-tokens", {}, { timeout: 5000 });

    await user.type(screen.getByRole("textbox", { name: /Name/ }), "   ");
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByText("Enter a name")).toBeInTheDocument();

    await user.type(screen.getByRole("textbox", { name: /Name/ }), "long lived");
    await user.click(screen.getByTestId("token-expiry"));
    await user.click(await screen.findByRole("option", { name: "Custom…" }));
    const days = screen.getByTestId("token-days");
    await user.clear(days);
    await user.type(days, "400");
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByText("Between 1 and 365 days")).toBeInTheDocument();
    expect(fake.calls.some((c) => c.path === CREATE)).toBe(false);

    // In range for the form, refused by the server's own limit: its message is shown.
    await user.clear(days);
    await user.type(days, "90");
    await user.click(screen.getByRole("button", { name: "Create token" }));
    expect(await screen.findByTestId("form-error")).toHaveTextContent("expiry is limited to 30 days");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });
});
