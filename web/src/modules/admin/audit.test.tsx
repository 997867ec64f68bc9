import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { backend, fail, ok } from "./testBackend";

const ROOT = { id: "42", email: "root@example.com", name: "Root", unique_name: "root", is_superuser: true, status: "active", created_at: "" };

function entry(id: string, action: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    action,
    result: "ok",
    created_at: "2026-12-07T07:00:00Z",
    actor_id: "42",
    target_type: "user",
    target_id: "9",
    ip: "127.0.0.1",
    user_agent: "test",
    detail: { email: "bea@example.com" },
    ...extra,
  };
}

afterEach(() => vi.unstubAllGlobals());

function admin(extra: Parameters<typeof backend>[0] = {}) {
  return backend({
    "GET /api/admin/users": ({ query }) => ok({ users: (query.get("q") ?? "") === "" ? [] : [ROOT].filter((u) => u.email === query.get("q")), total: 1 }),
    "GET /api/admin/audit/list": ({ query }) => {
      const all = [entry("3", "permission.grant"), entry("2", "admin.model.create"), entry("1", "admin.user.create")];
      const items = all.filter((e) => !query.get("action") || e.action === query.get("action"));
      return ok({ items, total: items.length, has_more: false });
    },
    ...extra,
  });
}

describe("admin audit page", { timeout: 30_000 }, () => {
  it("filters by an actor's e-mail (looked up to its id) and an action", async () => {
    const server = admin();
    renderApp("/admin/audit");
    expect(await screen.findByText("admin.user.create")).toBeInTheDocument();
    await userEvent.type(screen.getByRole("textbox", { name: "Actor" }), "root@example.com");
    await userEvent.type(screen.getByRole("combobox", { name: "Action" }), "permission.grant");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    await waitFor(() => expect(screen.queryByText("admin.user.create")).toBeNull());
    expect(screen.getByRole("button", { name: "permission.grant" })).toBeInTheDocument();
    const last = server.to("GET /api/admin/audit/list").at(-1);
    expect(last?.query.get("actor_id")).toBe("42");
    expect(last?.query.get("action")).toBe("permission.grant");
    expect(last?.query.get("page")).toBe("1");
  });

  it("sends a time range as RFC 3339 and refuses one that ends before it starts", async () => {
    const server = admin();
    renderApp("/admin/audit");
    await screen.findByText("admin.user.create");
    const since = screen.getByLabelText("From");
    const until = screen.getByLabelText("Until");
    await userEvent.type(since, "2026-12-07T10:00");
    await userEvent.type(until, "2026-12-07T09:00");
    const before = server.to("GET /api/admin/audit/list").length;
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(await screen.findByTestId("action-error")).toHaveTextContent("The start is after the end.");
    expect(server.to("GET /api/admin/audit/list")).toHaveLength(before);
    await userEvent.clear(until);
    await userEvent.type(until, "2026-12-07T11:00");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    await waitFor(() => expect(server.to("GET /api/admin/audit/list").length).toBeGreaterThan(before));
    const sent = server.to("GET /api/admin/audit/list").at(-1)?.query;
    expect(sent?.get("since")).toBe(new Date("2026-12-07T10:00").toISOString());
    expect(sent?.get("until")).toBe(new Date("2026-12-07T11:00").toISOString());
  });

  it("says so when no account has the e-mail, and shows the server's message for a bad filter", async () => {
    admin({ "GET /api/admin/audit/list": ({ query }) => (query.get("actor_id") === "7" ? fail(400, 4000, "actor_id: invalid") : ok({ items: [], total: 0, has_more: false })) });
    renderApp("/admin/audit");
    expect(await screen.findByText("No entries match these filters.")).toBeInTheDocument();
    await userEvent.type(screen.getByRole("textbox", { name: "Actor" }), "nobody@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(await screen.findByTestId("action-error")).toHaveTextContent("No account has the e-mail nobody@example.com.");
    await userEvent.clear(screen.getByRole("textbox", { name: "Actor" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Actor" }), "7");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(await screen.findByText("actor_id: invalid")).toBeInTheDocument();
  });

  it("shows an entry's detail on demand", async () => {
    admin();
    renderApp("/admin/audit?action=admin.user.create");
    const action = await screen.findByRole("button", { name: "admin.user.create" });
    await userEvent.click(action);
    expect(action).toHaveAttribute("aria-expanded", "true");
    expect(within(screen.getByLabelText("Detail")).getByText(/bea@example.com/)).toBeInTheDocument();
  });
});

describe("admin dead letters page", { timeout: 30_000 }, () => {
  const LETTER = {
    id: "5",
    group: "indexer",
    topic: "knowledge.document.created",
    dedupe_id: "d",
    payload: { n: 7 },
    error: "ValueError: cannot index this document",
    attempts: 3,
    created_at: "2026-12-07T07:00:00Z",
    replayed_at: null,
    replay_count: 0,
  };

  it("inspects and replays a dead letter; a bad filter is refused before any call", async () => {
    const server = backend({
      "GET /api/admin/users": () => ok({ users: [], total: 0 }),
      "GET /api/admin/events/dead_letters": () => ok({ dead_letters: [LETTER], next_before_id: null }),
      "POST /api/admin/events/dead_letters/5/replay": () => ok({ ...LETTER, replay_count: 1, replayed_at: "2026-12-07T07:05:00Z" }),
    });
    renderApp("/admin/dead-letters");
    await userEvent.click(await screen.findByRole("button", { name: "Inspect" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText("ValueError: cannot index this document")).toBeInTheDocument();
    expect(within(dialog).getByLabelText("Payload")).toHaveTextContent('"n": 7');
    await userEvent.click(within(dialog).getByRole("button", { name: "Replay" }));
    await waitFor(() => expect(server.to("POST /api/admin/events/dead_letters/5/replay")).toHaveLength(1));
    await waitFor(() => expect(dialog).toHaveTextContent("Replays: 1"));
    await userEvent.click(within(dialog).getByRole("button", { name: "Close" }));

    const before = server.to("GET /api/admin/events/dead_letters").length;
    await userEvent.type(screen.getByRole("textbox", { name: "Topic" }), "Not A Topic");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(screen.getByText("Dotted lower-case words, e.g. knowledge.document.created.")).toBeInTheDocument();
    expect(server.to("GET /api/admin/events/dead_letters")).toHaveLength(before);
  });
});
