import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { notifications } from "@mantine/notifications";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../../test/render";
import { ACCOUNT } from "../../test/fixtures";

const TEAM = { id: "7", name: "Lab", description: "", icon_url: "", owner_user_id: "42", space_role_type: 1, space_type: 2 };
const SPACES = {
  bot_space_list: [TEAM],
  recently_used_space_list: [],
  has_personal_space: false,
  team_space_num: 1,
  max_team_space_num: 100,
  total: 1,
  has_more: false,
};
const member = (id: string, name: string, role: string) => ({
  user_id: id,
  role_type: role,
  user_nickname: name,
  user_unique_name: name.toLowerCase(),
  avatar_url: "",
  joined_at: "2026-12-01T00:00:00Z",
  expires_at: null,
});

function backend() {
  const members = [member("42", "Ada", "owner"), member("43", "Bob", "member"), member("45", "Dan", "member")];
  const invitations: Record<string, unknown>[] = [];
  return fakeBackend({
    "/api/passport/account/info/v2/": () => ({ body: { code: 0, msg: "", data: ACCOUNT } }),
    "/api/playground_api/space/list": () => ({ body: { code: 0, msg: "", data: SPACES } }),
    "/api/space/member/list": (body) =>
      (body as { space_id: string }).space_id === "7"
        ? { body: { code: 0, msg: "", data: { members, total: members.length, has_more: false } } }
        : { status: 404, body: { code: 4200, msg: "space not found" } },
    "/api/space/invitation/list": () => ({ body: { code: 0, msg: "", data: invitations } }),
    "/api/permission_api/template/list": () => ({ status: 403, body: { code: 4101, msg: "not allowed" } }),
    "/api/space/invitation/create": (body) => {
      const { email, role } = body as { email: string; role: string };
      if (email === "nobody@example.com") return { status: 404, body: { code: 4200, msg: "user not found" } };
      invitations.push({
        invitation_id: "900",
        space_id: "7",
        space_name: "Lab",
        user_id: "44",
        user_nickname: "Cleo",
        user_unique_name: "cleo",
        avatar_url: "",
        role_type: role,
        invited_by: "42",
        status: "pending",
        created_at: "2026-12-07T00:00:00Z",
        expires_at: "2026-12-14T00:00:00Z",
      });
      return { body: { code: 0, msg: "", data: invitations[0] } };
    },
    "/api/space/invitation/revoke": () => {
      invitations.splice(0);
      return { body: { code: 0, msg: "" } };
    },
    "/api/space/member/update": (body) => {
      const { user_id, role } = body as { user_id: string; role: string };
      if (user_id === "45") return { status: 403, body: { code: 4101, msg: "requires the owner role in this space" } };
      const m = members.find((x) => x.user_id === user_id)!;
      m.role_type = role;
      return { body: { code: 0, msg: "", data: m } };
    },
    "/api/space/member/remove": (body) => {
      const { user_id } = body as { user_id: string };
      members.splice(
        members.findIndex((m) => m.user_id === user_id),
        1,
      );
      return { body: { code: 0, msg: "" } };
    },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  notifications.clean(); // the store outlives a test: its toasts would be the next test's alerts
});

describe("space members", { timeout: 30_000 }, () => {
  it("the owner makes a member admin and back in place; a refusal shows the server's message", async () => {
    const fake = backend();
    vi.stubGlobal("fetch", fake.fetch);
    const user = userEvent.setup();
    renderApp("/spaces/7/members");
    const bob = await screen.findByTestId("member-43", {}, { timeout: 5000 });
    // Nobody offers to change the owner's role: that is a transfer.
    expect(within(screen.getByTestId("member-42")).queryByRole("button", { name: "Make admin" })).toBeNull();
    await user.click(within(bob).getByRole("button", { name: "Make admin" }));
    await waitFor(() => expect(within(screen.getByTestId("member-43")).getByTestId("role")).toHaveTextContent("Admin"));
    expect(fake.calls.find((c) => c.path === "/api/space/member/update")?.body).toEqual({
      space_id: "7",
      user_id: "43",
      role: "admin",
    });
    await user.click(within(screen.getByTestId("member-43")).getByRole("button", { name: "Make member" }));
    await waitFor(() => expect(within(screen.getByTestId("member-43")).getByTestId("role")).toHaveTextContent("Member"));
    await user.click(within(screen.getByTestId("member-45")).getByRole("button", { name: "Make admin" }));
    expect(await screen.findByText("requires the owner role in this space")).toBeInTheDocument();
    expect(within(screen.getByTestId("member-45")).getByTestId("role")).toHaveTextContent("Member");
  });


  it("lists members with roles, invites by e-mail, revokes, removes after confirming", async () => {
    const fake = backend();
    vi.stubGlobal("fetch", fake.fetch);
    const user = userEvent.setup();
    renderApp("/spaces/7/members");
    const bob = await screen.findByTestId("member-43", {}, { timeout: 5000 });
    expect(within(bob).getByTestId("role")).toHaveTextContent("Member");
    expect(within(screen.getByTestId("member-42")).getByTestId("role")).toHaveTextContent("Owner");
    // The owner cannot be removed; nobody offers it.
    expect(within(screen.getByTestId("member-42")).queryByRole("button", { name: "Remove" })).toBeNull();
    expect(await screen.findByTestId("template-denied")).toBeInTheDocument();

    // A bad e-mail is refused in the form; the server's refusal is shown too.
    const email = screen.getByRole("textbox", { name: "E-mail" });
    await user.type(email, "not-an-address");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByText("Enter a valid e-mail address")).toBeInTheDocument();
    expect(fake.calls.some((c) => c.path === "/api/space/invitation/create")).toBe(false);
    await user.clear(email);
    await user.type(email, "nobody@example.com");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByTestId("invite-error")).toHaveTextContent("user not found");

    // Expiry out of range.
    const days = screen.getByRole("textbox", { name: "Valid for (days)" });
    await user.clear(days);
    await user.type(days, "31");
    await user.clear(email);
    await user.type(email, "cleo@example.com");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByText("Between 1 and 30 days")).toBeInTheDocument();
    await user.clear(days);
    await user.type(days, "3");
    await user.click(screen.getByRole("button", { name: "Send invitation" }));
    const pending = await screen.findByTestId("pending-invitations");
    expect(pending).toHaveTextContent("Cleo");
    expect(fake.calls.filter((c) => c.path === "/api/space/invitation/create").at(-1)?.body).toEqual({
      space_id: "7",
      email: "cleo@example.com",
      role: "member",
      expire_days: 3,
    });

    await user.click(within(pending).getByRole("button", { name: "Revoke" }));
    await user.click(within(await screen.findByRole("dialog")).getByRole("button", { name: "Revoke" }));
    expect(await screen.findByText("No pending invitations.")).toBeInTheDocument();

    await user.click(within(bob).getByRole("button", { name: "Remove" }));
    const dialog = await screen.findByRole("dialog", { name: "Remove from the space?" });
    await user.click(within(dialog).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(screen.queryByTestId("member-43")).not.toBeInTheDocument());
    expect(fake.calls.find((c) => c.path === "/api/space/member/remove")?.body).toEqual({ space_id: "7", user_id: "43" });
  });

  it("shows not found for another space's id", async () => {
    vi.stubGlobal("fetch", backend().fetch);
    renderApp("/spaces/8/members");
    const panel = await screen.findByRole("alert", {}, { timeout: 5000 });
    expect(panel).toHaveAttribute("data-error-kind", "not-found");
    expect(screen.queryByTestId("member-list")).toBeNull();
  });

  it("shows the envelope's message when the server fails", async () => {
    const fake = fakeBackend({
      "/api/passport/account/info/v2/": () => ({ body: { code: 0, msg: "", data: ACCOUNT } }),
      "/api/playground_api/space/list": () => ({ body: { code: 0, msg: "", data: SPACES } }),
      "/api/space/member/list": () => ({ status: 500, body: { code: 5000, msg: "Internal error, log id X1" } }),
    });
    vi.stubGlobal("fetch", fake.fetch);
    renderApp("/spaces/7/members");
    expect(await screen.findByTestId("error-message", {}, { timeout: 5000 })).toHaveTextContent("Internal error, log id X1");
  });
});
