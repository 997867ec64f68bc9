import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { fail, plugin, pluginBackend, setUp, tool } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const NOTES = plugin("1", "Notes");

describe("the plugin's form pages", { timeout: 30_000 }, () => {
  it("registers from the form with a service token and opens the new plugin", async () => {
    const b = pluginBackend();
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/new");
    await user.click(await screen.findByRole("link", { name: "Register from a form instead" }));
    expect(await screen.findByRole("heading", { name: "Register a plugin from a form" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Register" }));
    expect(await screen.findByText("Give the plugin a name")).toBeInTheDocument();
    expect(b.bodies("/api/plugin_api/register_plugin_meta")).toEqual([]);

    await user.type(screen.getByRole("textbox", { name: "Name" }), "Notes");
    await user.type(screen.getByRole("textbox", { name: /^Server URL/ }), "https://notes.example.com");
    await user.click(screen.getByRole("radio", { name: "Service token" }));
    await user.clear(screen.getByRole("textbox", { name: /^Header or parameter name/ }));
    await user.type(screen.getByRole("textbox", { name: /^Header or parameter name/ }), "X-Api-Key");
    await user.type(screen.getByLabelText("Token value"), "s3cret");
    await user.click(screen.getByRole("button", { name: "Register" }));
    expect(await screen.findByRole("heading", { name: "Notes" })).toBeInTheDocument();
    expect(b.bodies("/api/plugin_api/register_plugin_meta")).toEqual([
      {
        space_id: "9",
        name: "Notes",
        desc: "",
        url: "https://notes.example.com",
        auth_type: 1,
        sub_auth_type: 0,
        location: 1,
        key: "X-Api-Key",
        service_token: "s3cret",
      },
    ]);
  });

  it("edits the meta without showing the stored secret; an empty one is sent empty", async () => {
    const metas = { "1": { auth_type: [3], sub_auth_type: 10, oauth_info: '{"client_id":"c1","token_url":"https://a/t"}', client_secret_set: true } };
    const b = pluginBackend({ plugins: [NOTES], metas });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    expect(await screen.findByTestId("plugin-auth")).toHaveTextContent("OAuth client credentials");
    await user.click(screen.getByRole("button", { name: "Edit" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit plugin" });
    const secret = within(dialog).getByLabelText("Client secret");
    expect(secret).toHaveValue("");
    expect(secret).toHaveAttribute("placeholder", "Stored — leave empty to keep it");
    expect(within(dialog).getByRole("textbox", { name: /^Client ID/ })).toHaveValue("c1");
    await user.clear(within(dialog).getByRole("textbox", { name: "Name" }));
    await user.type(within(dialog).getByRole("textbox", { name: "Name" }), "Notes 2");
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("heading", { name: "Notes 2" })).toBeInTheDocument();
    const [sent] = b.bodies("/api/plugin_api/update_plugin_meta");
    expect(sent).toMatchObject({ plugin_id: "1", name: "Notes 2", auth_type: 3, sub_auth_type: 10 });
    expect(JSON.parse(String(sent!.oauth_info))).toMatchObject({ client_id: "c1", client_secret: "", token_url: "https://a/t" });
  });

  it("adds a tool with a parameter through create_api", async () => {
    const b = pluginBackend({ plugins: [NOTES] });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    await user.click(await screen.findByRole("button", { name: "Add tool" }));
    const dialog = await screen.findByRole("dialog", { name: "Add a tool" });
    await user.type(within(dialog).getByRole("textbox", { name: /^Tool name/ }), "list_notes");
    await user.clear(within(dialog).getByRole("textbox", { name: "Path" }));
    await user.type(within(dialog).getByRole("textbox", { name: "Path" }), "/notes");
    await user.click(within(dialog).getByRole("button", { name: "Add parameter" }));
    await user.type(within(dialog).getByRole("textbox", { name: "Name of parameter 1" }), "tag");
    await user.click(within(dialog).getByRole("checkbox", { name: "Parameter 1 is required" }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(await screen.findByTestId("tool-row")).toHaveTextContent("list_notes");
    expect(b.bodies("/api/plugin_api/create_api")).toEqual([
      {
        plugin_id: "1",
        name: "list_notes",
        desc: "",
        path: "/notes",
        method: 1,
        request_params: [{ name: "tag", desc: "", type: 1, location: 2, is_required: true, sub_parameters: [] }],
      },
    ]);
  });

  it("edits a tool's parameters and shows the server's refusal in the dialog", async () => {
    const city = { name: "city", desc: "", type: 1 as const, location: 2, is_required: true, sub_parameters: [] };
    const tools = { "1": [tool("11", "forecast", { request_params: [city] })] };
    const b = pluginBackend({ plugins: [NOTES], tools }, {
      "/api/plugin_api/update_api": () => fail(400, 4000, "path parameter 'id' is not in the path"),
    });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    await user.click(await screen.findByRole("button", { name: "Edit forecast" }));
    const dialog = await screen.findByRole("dialog", { name: "Edit forecast" });
    expect(within(dialog).getByRole("textbox", { name: "Name of parameter 1" })).toHaveValue("city");
    await user.click(within(dialog).getByRole("button", { name: "Remove parameter 1" }));
    expect(within(dialog).getByText("No parameters.")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Add parameter" }));
    await user.type(within(dialog).getByRole("textbox", { name: "Name of parameter 1" }), "id");
    await user.click(within(dialog).getAllByLabelText("Location of parameter 1")[0]!);
    await user.click(await screen.findByRole("option", { name: "Path", hidden: true }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByText("path parameter 'id' is not in the path")).toBeInTheDocument();
    expect(b.bodies("/api/plugin_api/update_api")).toEqual([
      {
        plugin_id: "1",
        api_id: "11",
        name: "forecast",
        desc: "Does forecast",
        path: "/forecast",
        method: 1,
        request_params: [{ name: "id", desc: "", type: 1, location: 1, is_required: false, sub_parameters: [] }],
      },
    ]);
  });

  it("lists the published versions, a new one after publishing", async () => {
    const versions = { "1": [{ publisher_id: "42", version_ts: 1765000000000, version_name: "v1.0.0", version_desc: "First" }] };
    pluginBackend({ plugins: [plugin("1", "Notes", { version_ts: "1765000000000" })], versions });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    const rows = await screen.findAllByTestId("version-row");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent("v1.0.0");
    expect(rows[0]).toHaveTextContent("First");
    await user.click(screen.getByRole("button", { name: "Publish" }));
    const dialog = await screen.findByRole("dialog");
    await waitFor(() => expect(within(dialog).getByLabelText("Version")).toHaveValue("v1.0.1"));
    await user.click(within(dialog).getByRole("button", { name: "Publish" }));
    await waitFor(() => expect(screen.getAllByTestId("version-row")).toHaveLength(2));
    expect(screen.getAllByTestId("version-row")[0]).toHaveTextContent("v1.0.1");
  });

  it("says when nothing is published yet", async () => {
    pluginBackend({ plugins: [NOTES] });
    renderApp("/spaces/9/plugins/1");
    expect(await screen.findByTestId("versions-empty")).toHaveTextContent("Not published yet.");
  });
});
