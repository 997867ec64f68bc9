import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { backend, fail, ok } from "./testBackend";

afterEach(() => vi.unstubAllGlobals());

const STORED = { id: "5", key: "outbound.allow_list", value: ["wiki.corp.example"], version: 3, updated_at: "2026-12-07T07:00:00Z" };

describe("admin outbound allow-list", { timeout: 30_000 }, () => {
  it("shows the stored entries one per line and saves the edited list with its version", async () => {
    const server = backend({
      "GET /api/admin/users": () => ok({ users: [], total: 0 }),
      "GET /api/admin/settings": () => ok({ settings: [STORED] }),
      "PUT /api/admin/settings/outbound.allow_list": ({ body }) => ok({ ...STORED, value: (body as { value: unknown }).value, version: 4 }),
    });
    renderApp("/admin/settings");
    const box = await screen.findByTestId("outbound-allow-list");
    await waitFor(() => expect(box).toHaveValue("wiki.corp.example"));
    await userEvent.type(box, "\n  *.corp.example \n\n10.20.0.0/16");
    await userEvent.click(screen.getByTestId("outbound-allow-list-save"));
    await waitFor(() => expect(server.to("PUT /api/admin/settings/outbound.allow_list")).toHaveLength(1));
    expect(server.to("PUT /api/admin/settings/outbound.allow_list")[0]?.body).toEqual({
      value: ["wiki.corp.example", "*.corp.example", "10.20.0.0/16"],
      expected_version: 3,
    });
  });

  it("shows the server's reason for a refused entry", async () => {
    backend({
      "GET /api/admin/users": () => ok({ users: [], total: 0 }),
      "GET /api/admin/settings": () => ok({ settings: [] }),
      "PUT /api/admin/settings/outbound.allow_list": () =>
        fail(400, 4000, "the outbound allow-list is not valid: 'not a host' is neither a host name nor a CIDR"),
    });
    renderApp("/admin/settings");
    await userEvent.type(await screen.findByTestId("outbound-allow-list"), "not a host");
    await userEvent.click(screen.getByTestId("outbound-allow-list-save"));
    expect(await screen.findByTestId("action-error")).toHaveTextContent("neither a host name nor a CIDR");
  });
});
