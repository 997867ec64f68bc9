import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeBackend, renderApp } from "../../test/render";
import { boundTools } from "./PluginsSection";
import { paramBody } from "./ToolParams";
import { ACCOUNT, SPACES, botInfo, chatModel, fail, ok, polyfillFonts } from "./testing";
import type { ToolParam } from "./types";

polyfillFonts();
afterEach(() => vi.unstubAllGlobals());

const WEATHER = { id: "70", name: "Weather", desc_for_human: "", plugin_apis: [{ api_id: "71", name: "get_forecast", desc: "" }, { api_id: "72", name: "get_alerts", desc: "" }] };
const param = (name: string, patch: Partial<ToolParam> = {}): ToolParam => ({
  name,
  desc: `The ${name}`,
  type: 1,
  location: 2,
  is_required: false,
  sub_parameters: [],
  local_default: null,
  local_disable: false,
  ...patch,
});
const GET_PARAMS = "/api/plugin_api/get_bot_default_params";
const SET_PARAMS = "/api/plugin_api/update_bot_default_params";

/** Agent 100 with get_forecast saved; the parameters' values kept as update_bot_default_params sends them. */
function backend(extra: Parameters<typeof fakeBackend>[0] = {}) {
  let params = [param("city", { is_required: true }), param("units")];
  const info = botInfo({ plugin_info_list: [{ plugin_id: "70", api_id: "71", api_name: "get_forecast" }] });
  const b = fakeBackend({
    "/api/passport/account/info/v2/": () => ok(ACCOUNT),
    "/api/playground_api/space/list": () => ok(SPACES),
    "/api/knowledge/list": () => ok({ dataset_list: [], total: 0 }),
    "/api/plugin_api/get_playground_plugin_list": () => ok({ plugin_list: [WEATHER], total: 1 }),
    "/api/bot/get_type_list": () => ok({ model_list: [chatModel("501", "Echo", true)], voice_list: [], raw_model_list: [] }),
    "/api/playground_api/draftbot/get_draft_bot_info": () => ok({ bot_info: info, published_versions: {} }),
    [GET_PARAMS]: () => ({ body: { code: 0, msg: "", request_params: params, response_params: [] } }),
    [SET_PARAMS]: (body) => {
      params = (body as { request_params: ToolParam[] }).request_params;
      return { body: { code: 0, msg: "" } };
    },
    ...extra,
  });
  vi.stubGlobal("fetch", b.fetch);
  return b;
}

describe("a bound tool's parameters in the agent editor", { timeout: 30_000 }, () => {
  it("names only the saved tools the list knows", () => {
    expect(boundTools([WEATHER], ["70:72", "70:99", "80:81"])).toEqual([{ pluginId: "70", apiName: "get_alerts", label: "get_alerts · Weather" }]);
  });

  it("sets a default and hides a parameter, and shows them when opened again", async () => {
    const b = backend();
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    const section = await screen.findByTestId("plugins-section");
    await user.click(await within(section).findByRole("button", { name: "Parameters of get_forecast · Weather" }));
    let dialog = await screen.findByRole("dialog", { name: "Parameters of get_forecast · Weather" });
    await user.type(await within(dialog).findByRole("textbox", { name: "Default value of units" }), "metric");
    await user.click(within(dialog).getByRole("switch", { name: "Hide units from the model" }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const sent = b.calls.filter((c) => c.path === SET_PARAMS).map((c) => c.body);
    expect(sent).toEqual([
      {
        bot_id: "100",
        plugin_id: "70",
        api_name: "get_forecast",
        request_params: [param("city", { is_required: true }), param("units", { local_default: "metric", local_disable: true })],
      },
    ]);

    await user.click(within(section).getByRole("button", { name: "Parameters of get_forecast · Weather" }));
    dialog = await screen.findByRole("dialog", { name: "Parameters of get_forecast · Weather" });
    expect(await within(dialog).findByRole("textbox", { name: "Default value of units" })).toHaveValue("metric");
    expect(within(dialog).getByRole("switch", { name: "Hide units from the model" })).toBeChecked();
    expect(within(dialog).getByRole("switch", { name: "Hide city from the model" })).not.toBeChecked();
  });

  it("takes a parameter from one of the agent's variables", () => {
    const fromVariable = paramBody(param("city", { local_default: "Paris", default_param_source: 1, variable_ref: "home" }));
    expect(fromVariable).toMatchObject({ local_default: null, default_param_source: 1, variable_ref: "home" });
    const typed = paramBody(param("city", { local_default: "Paris", default_param_source: 0, variable_ref: null }));
    expect(typed).toEqual(param("city", { local_default: "Paris" }));
  });

  it("shows the server's refusal", async () => {
    backend({ [SET_PARAMS]: () => fail(400, 4000, "a hidden required parameter needs a default") });
    const user = userEvent.setup();
    renderApp("/spaces/9/agents/100");
    await user.click(await screen.findByRole("button", { name: "Parameters of get_forecast · Weather" }));
    const dialog = await screen.findByRole("dialog", { name: "Parameters of get_forecast · Weather" });
    await user.click(await within(dialog).findByRole("switch", { name: "Hide city from the model" }));
    await user.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await within(dialog).findByTestId("tool-params-error")).toHaveTextContent("a hidden required parameter needs a default");
  });
});
