import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { backend, fail, ok } from "./testBackend";
import { generatePassword, passwordProblem } from "./UsersPage";

const ADA = {
  id: "7340000000000000001",
  email: "ada@example.com",
  name: "Ada",
  unique_name: "ada",
  is_superuser: false,
  status: "active",
  created_at: "2026-12-01T10:00:00Z",
};
const ROOT = { ...ADA, id: "7340000000000000002", email: "root@example.com", name: "Root", is_superuser: true };

afterEach(() => vi.unstubAllGlobals());

function admin(extra: Parameters<typeof backend>[0] = {}, users = [ADA, ROOT]) {
  return backend({
    "GET /api/admin/users": ({ query }) => {
      const q = query.get("q") ?? "";
      const found = users.filter((u) => u.email.includes(q) || u.name.includes(q));
      return ok({ users: found, total: found.length });
    },
    ...extra,
  });
}

describe("admin users page", { timeout: 30_000 }, () => {
  it("lists the accounts and searches them", async () => {
    const server = admin();
    renderApp("/admin/users");
    expect(await screen.findByText("ada@example.com")).toBeInTheDocument();
    expect(screen.getByText("root@example.com")).toBeInTheDocument();
    await userEvent.type(screen.getByRole("textbox", { name: "Search users" }), "ada");
    await userEvent.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(screen.queryByText("root@example.com")).toBeNull());
    expect(server.to("GET /api/admin/users").at(-1)?.query.get("q")).toBe("ada");
  });

  it("shows a non-admin 'no access' and none of the data", async () => {
    const server = backend({ "GET /api/admin/users": () => fail(403, 4101, "permission denied") });
    renderApp("/admin/users");
    expect(await screen.findByRole("heading", { name: "No access" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to the studio" })).toHaveAttribute("href", "/");
    expect(screen.queryByRole("table")).toBeNull();
    expect(server.to("GET /api/admin/users")).toHaveLength(1); // the probe only
  });

  it("offers a retry when the server is down", async () => {
    let down = true;
    backend({
      "GET /api/admin/users": () => {
        if (down) throw new TypeError("Failed to fetch");
        return ok({ users: [ADA], total: 1 });
      },
    });
    renderApp("/admin/users");
    expect(await screen.findByText("Server unreachable")).toBeInTheDocument();
    down = false;
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("ada@example.com")).toBeInTheDocument();
  });

  it("refuses an invalid form without calling the server", async () => {
    const server = admin();
    renderApp("/admin/users");
    await userEvent.click(await screen.findByRole("button", { name: "New user" }));
    const dialog = await screen.findByRole("dialog");
    await userEvent.type(within(dialog).getByRole("textbox", { name: "E-mail" }), "not-an-address");
    await userEvent.type(within(dialog).getByLabelText(/^Password/), "12345678");
    await userEvent.click(within(dialog).getByRole("button", { name: "Create user" }));
    expect(within(dialog).getByText("Enter an e-mail address.")).toBeInTheDocument();
    expect(within(dialog).getByText("Use letters and digits (not only one kind).")).toBeInTheDocument();
    expect(server.to("POST /api/admin/users")).toHaveLength(0);
  });

  it("shows the server's message when the e-mail is taken", async () => {
    const server = admin({
      "POST /api/admin/users": () => fail(409, 4090, "This e-mail address is already registered"),
    });
    renderApp("/admin/users");
    await userEvent.click(await screen.findByRole("button", { name: "New user" }));
    const dialog = await screen.findByRole("dialog");
    await userEvent.type(within(dialog).getByRole("textbox", { name: "E-mail" }), "ada@example.com");
    await userEvent.type(within(dialog).getByLabelText(/^Password/), "long enough 1");
    await userEvent.click(within(dialog).getByRole("button", { name: "Create user" }));
    expect(await within(dialog).findByTestId("action-error")).toHaveTextContent("This e-mail address is already registered");
    expect(server.to("POST /api/admin/users").at(0)?.body).toEqual({
      email: "ada@example.com",
      name: "",
      password: "long enough 1",
      is_superuser: false,
    });
  });

  it("creates a user and lists it", async () => {
    const users = [ROOT];
    const server = admin(
      {
        "POST /api/admin/users": ({ body }) => {
          const b = body as { email: string; name: string };
          const made = { ...ADA, id: "9", email: b.email, name: b.name };
          users.push(made);
          return ok(made);
        },
      },
      users,
    );
    renderApp("/admin/users");
    await userEvent.click(await screen.findByRole("button", { name: "New user" }));
    const dialog = await screen.findByRole("dialog");
    await userEvent.type(within(dialog).getByRole("textbox", { name: "E-mail" }), "bea@example.com");
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Name" }), "Bea");
    await userEvent.click(within(dialog).getByRole("button", { name: "Generate" }));
    await userEvent.click(within(dialog).getByRole("checkbox", { name: /Administrator/ }));
    await userEvent.click(within(dialog).getByRole("button", { name: "Create user" }));
    expect(await screen.findByText("bea@example.com")).toBeInTheDocument();
    const sent = server.to("POST /api/admin/users").at(0)?.body as { password: string; is_superuser: boolean };
    expect(passwordProblem(sent.password)).toBeNull();
    expect(sent.is_superuser).toBe(true);
  });

  it("disables and enables an account", async () => {
    const ada = { ...ADA };
    const users = [ada];
    const server = admin(
      {
        [`POST /api/admin/users/${ADA.id}/status`]: ({ body }) => {
          ada.status = (body as { status: string }).status;
          return ok(ada);
        },
      },
      users,
    );
    renderApp("/admin/users");
    await userEvent.click(await screen.findByRole("button", { name: "Disable ada@example.com" }));
    expect(await screen.findByRole("button", { name: "Enable ada@example.com" })).toBeInTheDocument();
    expect(screen.getByText("Disabled")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Enable ada@example.com" }));
    expect(await screen.findByRole("button", { name: "Disable ada@example.com" })).toBeInTheDocument();
    expect(server.to(`POST /api/admin/users/${ADA.id}/status`).map((c) => c.body)).toEqual([
      { status: "disabled" },
      { status: "active" },
    ]);
  });

  it("resets a password and shows the new one once", async () => {
    const server = admin({ [`POST /api/admin/users/${ADA.id}/reset_password`]: () => ok() });
    renderApp("/admin/users");
    await userEvent.click(await screen.findByRole("button", { name: "Reset the password of ada@example.com" }));
    const dialog = await screen.findByRole("dialog");
    await userEvent.click(within(dialog).getByRole("button", { name: "Reset password" }));
    const shown = (await within(dialog).findByTestId("new-password")).textContent ?? "";
    expect(server.to(`POST /api/admin/users/${ADA.id}/reset_password`).at(0)?.body).toEqual({ password: shown });
    await userEvent.click(within(dialog).getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByTestId("new-password")).toBeNull());
    // Opening the dialog again offers a new reset; the old password is not shown any more.
    await userEvent.click(screen.getByRole("button", { name: "Reset the password of ada@example.com" }));
    expect(screen.queryByText(shown)).toBeNull();
  });

  it("generates passwords the backend accepts", () => {
    for (let i = 0; i < 50; i++) expect(passwordProblem(generatePassword())).toBeNull();
    expect(passwordProblem("short1")).toBe("short");
    expect(passwordProblem("onlyletters")).toBe("weak");
  });
});
