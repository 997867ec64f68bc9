import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../../test/render";
import { module as auth } from ".";
import { ACCOUNT } from "../../test/fixtures";

const SPACES = {
  code: 0,
  msg: "",
  data: {
    bot_space_list: [{ id: "9", name: "Personal", description: "", icon_url: "", owner_user_id: "42", space_role_type: 1, space_type: 1 }],
    recently_used_space_list: [],
    has_personal_space: true,
    team_space_num: 0,
    max_team_space_num: 10,
    total: 1,
    has_more: false,
  },
};

afterEach(() => vi.unstubAllGlobals());

describe("sign-in", () => {
  it("sends a signed-out visitor of a protected page to sign-in and back after signing in", async () => {
    let signedIn = false;
    const backend = fakeBackend({
      "/api/passport/account/info/v2/": () =>
        signedIn ? { body: { code: 0, msg: "", data: ACCOUNT } } : { status: 401, body: { code: 4100, msg: "sign in first" } },
      "/api/passport/web/email/login/": (body) => {
        const { password } = body as { password: string };
        if (password !== "correct horse") return { status: 401, body: { code: 4100, msg: "wrong e-mail or password" } };
        signedIn = true;
        return { body: { code: 0, msg: "", data: ACCOUNT } };
      },
      "/api/playground_api/space/list": () => ({ body: SPACES }),
    });
    vi.stubGlobal("fetch", backend.fetch);
    const user = userEvent.setup();
    renderApp("/account");

    expect(await screen.findByRole("heading", { name: "Sign in to cozeplus" })).toBeInTheDocument();
    await user.type(screen.getByLabelText(/E-mail/), "ada@example.com");
    await user.type(screen.getByLabelText(/^Password/), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByTestId("form-error")).toHaveTextContent("wrong e-mail or password");

    await user.clear(screen.getByLabelText(/^Password/));
    await user.type(screen.getByLabelText(/^Password/), "correct horse");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Change password" })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("account-menu")).toHaveTextContent("Ada"));
    expect(backend.calls.filter((c) => c.path === "/api/passport/web/email/login/").at(-1)?.body).toEqual({
      email: "ada@example.com",
      password: "correct horse",
    });
  });

  it("shows Retry when the server cannot be reached", async () => {
    let up = false;
    const backend = fakeBackend({
      "/api/passport/account/info/v2/": () => ({ body: { code: 0, msg: "", data: ACCOUNT } }),
      "/api/playground_api/space/list": () => ({ body: SPACES }),
    });
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!up) throw new TypeError("Failed to fetch");
      return backend.fetch(input, init);
    });
    const user = userEvent.setup();
    renderApp("/", [auth]); // the shell's own start page (the agents module sends "/" to its list)
    expect(await screen.findByText("Server unreachable")).toBeInTheDocument();
    up = true;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByRole("heading", { name: "Welcome, Ada" })).toBeInTheDocument();
  });
});
