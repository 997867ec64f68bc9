import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import type { AdminModel } from "./api";
import { backend, fail, ok } from "./testBackend";

function model(id: string, name: string, extra: Partial<AdminModel> = {}): AdminModel {
  return {
    id,
    provider: { key: "openai_compatible", name: { zh_cn: "OpenAI 兼容", en_us: "OpenAI-compatible" }, model_class: 999 },
    display_info: { name, description: { zh_cn: "", en_us: "" }, output_tokens: 0, max_tokens: 0 },
    capability: {},
    connection: {
      base_conn_info: { base_url: "http://127.0.0.1:9/v1", api_key: "", model: "fake-model" },
      api_key_set: true,
      timeout_s: 60,
      max_retries: 2,
      concurrency: 0,
    },
    type: 0,
    status: 1,
    is_default: false,
    builtin: false,
    fallback_id: null,
    created_at: null,
    updated_at: null,
    ...extra,
  };
}

const ECHO = model("1", "builtin-echo", {
  builtin: true,
  is_default: true,
  provider: { key: "builtin", name: { zh_cn: "内置（离线）", en_us: "Built-in (offline)" }, model_class: 999 },
});
const GPT = model("7340000000000000010", "GPT local");

afterEach(() => vi.unstubAllGlobals());

function admin(models: AdminModel[], extra: Parameters<typeof backend>[0] = {}) {
  return backend({
    "GET /api/admin/users": () => ok({ users: [], total: 0 }),
    "GET /api/admin/config/model/list": () =>
      ok({ provider_model_list: [{ provider: {}, model_list: models }], total: models.length }),
    ...extra,
  });
}

async function openNew() {
  await userEvent.click(await screen.findByRole("button", { name: "New model" }));
  return screen.findByRole("dialog");
}

describe("admin models page", { timeout: 30_000 }, () => {
  it("lists the models with their default and built-in marks", async () => {
    admin([ECHO, GPT]);
    renderApp("/admin/models");
    const echo = await screen.findByTestId("model-builtin-echo");
    expect(within(echo).getByText("Default")).toBeInTheDocument();
    expect(within(echo).getByText("Built-in")).toBeInTheDocument();
    expect(within(echo).queryByRole("button", { name: /Delete/ })).toBeNull();
    expect(within(echo).queryByRole("button", { name: /Set default/ })).toBeNull();
    const gpt = screen.getByTestId("model-GPT local");
    expect(within(gpt).getByText("OpenAI-compatible")).toBeInTheDocument();
    expect(within(gpt).getByRole("button", { name: "Make GPT local the default" })).toBeInTheDocument();
  });

  it("tests a model and shows latency, or the failure's message", async () => {
    let works = true;
    const server = admin([GPT], {
      "POST /api/admin/config/model/test": () =>
        ok(
          works
            ? { ok: true, latency_ms: 41.7, first_token_ms: 12.2, sample: "hi", dimension: null, error: null }
            : { ok: false, latency_ms: 5, first_token_ms: null, sample: "", dimension: null, error: { code: 4000, msg: "The model server refused the key" } },
        ),
    });
    renderApp("/admin/models");
    await userEvent.click(await screen.findByRole("button", { name: "Test GPT local" }));
    const result = await screen.findByTestId("model-test-result");
    expect(result).toHaveTextContent("Connection works");
    expect(result).toHaveTextContent("Latency: 42 ms");
    expect(result).toHaveTextContent("First token: 12 ms");
    expect(server.to("POST /api/admin/config/model/test").at(0)?.body).toEqual({ id: GPT.id });
    works = false;
    await userEvent.click(screen.getByRole("button", { name: "Test GPT local" }));
    expect(await screen.findByText("Connection failed")).toBeInTheDocument();
    expect(screen.getByTestId("model-test-error")).toHaveTextContent("The model server refused the key");
  });

  it("shows the envelope's message when the test call itself fails (unknown id)", async () => {
    admin([GPT], { "POST /api/admin/config/model/test": () => fail(404, 4200, "model 7340000000000000010 not found") });
    renderApp("/admin/models");
    await userEvent.click(await screen.findByRole("button", { name: "Test GPT local" }));
    expect(await screen.findByTestId("action-error")).toHaveTextContent("model 7340000000000000010 not found");
  });

  it("refuses an incomplete form, then creates the model", async () => {
    const models = [ECHO];
    const server = admin(models, {
      "POST /api/admin/config/model/create": ({ body }) => {
        const made = model("99", (body as { model_name: string }).model_name);
        models.push(made);
        return ok({ id: made.id, model: made });
      },
    });
    renderApp("/admin/models");
    const dialog = await openNew();
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Base URL" }), "ftp://nope");
    await userEvent.click(within(dialog).getByRole("button", { name: "Create model" }));
    expect(within(dialog).getByText("Give the model a name.")).toBeInTheDocument();
    expect(within(dialog).getByText("Name the provider's model.")).toBeInTheDocument();
    expect(within(dialog).getByText("Enter an http:// or https:// address.")).toBeInTheDocument();
    expect(server.to("POST /api/admin/config/model/create")).toHaveLength(0);

    await userEvent.type(within(dialog).getByRole("textbox", { name: "Name" }), "Local LLM");
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Model" }), "qwen2");
    const url = within(dialog).getByRole("textbox", { name: "Base URL" });
    await userEvent.clear(url);
    await userEvent.type(url, "http://127.0.0.1:8000/v1");
    await userEvent.click(within(dialog).getByRole("button", { name: "Create model" }));
    expect(await screen.findByTestId("model-Local LLM")).toBeInTheDocument();
    expect(server.to("POST /api/admin/config/model/create").at(0)?.body).toEqual({
      model_name: "Local LLM",
      provider: "openai_compatible",
      type: 0,
      description: "",
      connection: { base_conn_info: { base_url: "http://127.0.0.1:8000/v1", api_key: "", model: "qwen2" } },
      enabled: true,
      is_default: false,
    });
  });

  it("shows the server's message when it refuses the model", async () => {
    admin([], { "POST /api/admin/config/model/create": () => fail(400, 4000, "base_url: not an allowed address") });
    renderApp("/admin/models");
    const dialog = await openNew();
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Name" }), "Bad");
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Model" }), "m");
    await userEvent.click(within(dialog).getByRole("button", { name: "Create model" }));
    expect(await within(dialog).findByTestId("action-error")).toHaveTextContent("base_url: not an allowed address");
    expect(screen.getByRole("dialog")).toBeInTheDocument(); // stays open with what was typed
  });

  it("sets the default and edits without resending an unchanged connection", async () => {
    const gpt = { ...GPT };
    const models = [ECHO, gpt];
    const server = admin(models, {
      "POST /api/admin/config/model/update": ({ body }) => {
        const b = body as { id: string; is_default?: boolean; model_name?: string };
        if (b.is_default) models.forEach((m) => (m.is_default = m.id === b.id));
        if (b.model_name) gpt.display_info = { ...gpt.display_info, name: b.model_name };
        return ok(gpt);
      },
    });
    renderApp("/admin/models");
    await userEvent.click(await screen.findByRole("button", { name: "Make GPT local the default" }));
    await waitFor(() => expect(within(screen.getByTestId("model-GPT local")).getByText("Default")).toBeInTheDocument());
    expect(server.to("POST /api/admin/config/model/update").at(0)?.body).toEqual({ id: GPT.id, is_default: true });

    await userEvent.click(screen.getByRole("button", { name: "Edit GPT local" }));
    const dialog = await screen.findByRole("dialog");
    expect(within(dialog).getByText("A key is stored; leave empty to keep it.")).toBeInTheDocument();
    const name = within(dialog).getByRole("textbox", { name: "Name" });
    await userEvent.clear(name);
    await userEvent.type(name, "GPT renamed");
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    expect(await screen.findByTestId("model-GPT renamed")).toBeInTheDocument();
    expect(server.to("POST /api/admin/config/model/update").at(1)?.body).toEqual({
      id: GPT.id,
      model_name: "GPT renamed",
      description: "",
      enabled: true,
    });
  });

  it("marks a chat model as taking images, keeping its other abilities", async () => {
    const gpt = { ...GPT, capability: { function_call: true, json_mode: true, image_understanding: false } };
    const server = admin([ECHO, gpt], {
      "POST /api/admin/config/model/update": ({ body }) => {
        Object.assign(gpt, { capability: (body as { capability: AdminModel["capability"] }).capability });
        return ok(gpt);
      },
    });
    renderApp("/admin/models");
    await userEvent.click(await screen.findByRole("button", { name: "Edit GPT local" }));
    const dialog = await screen.findByRole("dialog");
    const vision = within(dialog).getByRole("checkbox", { name: /Takes images/ });
    expect(vision).not.toBeChecked();
    await userEvent.click(vision);
    await userEvent.click(within(dialog).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(server.to("POST /api/admin/config/model/update")).toHaveLength(1));
    expect(server.to("POST /api/admin/config/model/update").at(0)?.body).toMatchObject({
      id: GPT.id,
      capability: { function_call: true, json_mode: true, image_understanding: true },
    });
  });
});
