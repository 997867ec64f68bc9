import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { fail, plugin, pluginBackend, setUp, tool } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const WEATHER = plugin("1", "Weather");
const TOOLS = {
  "1": [
    tool("11", "forecast", {
      path: "/forecast",
      request_params: [
        { name: "city", desc: "", type: 1, location: 2, is_required: true, sub_parameters: [] },
        { name: "days", desc: "", type: 2, location: 2, is_required: false, sub_parameters: [] },
      ],
    }),
    tool("12", "alerts", { method: 2, path: "/alerts", debug_status: 1, disabled: true }),
  ],
};

describe("a plugin's page", { timeout: 30_000 }, () => {
  it("opens from the list and shows the plugin and its tools", async () => {
    pluginBackend({ plugins: [WEATHER], tools: TOOLS });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins");
    await user.click(await screen.findByRole("link", { name: "Weather" }));
    expect(await screen.findByRole("heading", { name: "Weather" })).toBeInTheDocument();
    expect(screen.getByText("Server: https://api.example.com")).toBeInTheDocument();
    const rows = await screen.findAllByTestId("tool-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("forecast");
    expect(rows[0]).toHaveTextContent("GET");
    expect(rows[0]).toHaveTextContent("/forecast");
    expect(rows[0]).toHaveTextContent("Not debugged");
    expect(rows[1]).toHaveTextContent("POST");
    expect(rows[1]).toHaveTextContent("Passed");
    expect(screen.getByRole("switch", { name: "Enable forecast" })).toBeChecked();
    expect(screen.getByRole("switch", { name: "Enable alerts" })).not.toBeChecked();
  });

  it("enables and disables a tool through update_api", async () => {
    const b = pluginBackend({ plugins: [WEATHER], tools: structuredClone(TOOLS) });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    await user.click(await screen.findByRole("switch", { name: "Enable alerts" }));
    await waitFor(() => expect(screen.getByRole("switch", { name: "Enable alerts" })).toBeChecked());
    await user.click(screen.getByRole("switch", { name: "Enable forecast" }));
    await waitFor(() => expect(screen.getByRole("switch", { name: "Enable forecast" })).not.toBeChecked());
    expect(b.bodies("/api/plugin_api/update_api")).toEqual([
      { plugin_id: "1", api_id: "12", disabled: false },
      { plugin_id: "1", api_id: "11", disabled: true },
    ]);
  });

  it("debugs a tool with inputs prefilled from its parameters, showing request and response", async () => {
    const b = pluginBackend({ plugins: [WEATHER], tools: structuredClone(TOOLS) });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    await user.click(await screen.findByRole("button", { name: "Debug forecast" }));
    const panel = await screen.findByRole("region", { name: "Debug forecast" });
    const inputs = within(panel).getByLabelText("Inputs (a JSON object)");
    expect(JSON.parse((inputs as HTMLTextAreaElement).value)).toEqual({ city: "", days: 0 });
    fireEvent.change(inputs, { target: { value: '{"city": "Paris"}' } });
    await user.click(within(panel).getByRole("button", { name: "Run" }));
    expect(await within(panel).findByText("Succeeded")).toBeInTheDocument();
    expect(within(panel).getByTestId("debug-request")).toHaveTextContent('"url": "https://api.example.com/weather?city=Paris"');
    expect(within(panel).getByTestId("debug-request")).toHaveTextContent('"Authorization": "****"');
    expect(within(panel).getByTestId("debug-response")).toHaveTextContent('"temperature": 21');
    expect(b.bodies("/api/plugin_api/debug_api")).toEqual([
      { plugin_id: "1", api_id: "11", parameters: '{"city": "Paris"}', operation: 1 },
    ]);
    await waitFor(() => expect(screen.getAllByTestId("tool-row")[0]).toHaveTextContent("Passed"));
  });

  it("shows a failed run's reason, and the server's message when debugging is refused", async () => {
    let refuse = false;
    pluginBackend(
      { plugins: [WEATHER], tools: structuredClone(TOOLS) },
      {
        "/api/plugin_api/debug_api": () =>
          refuse
            ? fail(400, 4000, "parameters must be a JSON object")
            : { body: { code: 0, msg: "", success: false, resp: "", reason: "the API answered 500", raw_req: "", raw_resp: "oops", response_params: [] } },
      },
    );
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    await user.click(await screen.findByRole("button", { name: "Debug alerts" }));
    const panel = await screen.findByRole("region", { name: "Debug alerts" });
    await user.click(within(panel).getByRole("button", { name: "Run" }));
    expect(await within(panel).findByText("Failed: the API answered 500")).toBeInTheDocument();
    expect(within(panel).getByTestId("debug-response")).toHaveTextContent("oops");
    refuse = true;
    await user.click(within(panel).getByRole("button", { name: "Run" }));
    expect(await within(panel).findByRole("alert")).toHaveTextContent("parameters must be a JSON object");
  });

  it("publishes with the next version name prefilled", async () => {
    const b = pluginBackend({ plugins: [structuredClone(WEATHER)], tools: TOOLS });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/1");
    await screen.findByRole("heading", { name: "Weather" });
    expect(screen.getByText("Draft")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Publish" }));
    const dialog = await screen.findByRole("dialog");
    await waitFor(() => expect(within(dialog).getByLabelText("Version")).toHaveValue("v1.0.1"));
    await user.type(within(dialog).getByLabelText("What changed"), "First release");
    await user.click(within(dialog).getByRole("button", { name: "Publish" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(await screen.findByText("Published")).toBeInTheDocument();
    expect(b.bodies("/api/plugin_api/publish_plugin")).toEqual([
      { plugin_id: "1", version_name: "v1.0.1", version_desc: "First release" },
    ]);
    expect(b.bodies("/api/plugin_api/get_plugin_next_version")[0]).toEqual({ plugin_id: "1", space_id: "9" });
  });

  it("says not found for a plugin that is not there", async () => {
    pluginBackend();
    renderApp("/spaces/9/plugins/404");
    expect(await screen.findByText("Not found")).toBeInTheDocument();
  });
});
