import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { renderApp } from "../../test/render";
import { fail, pluginBackend, setUp } from "./testing";

setUp();
afterEach(() => vi.unstubAllGlobals());

const REGISTER = "/api/plugin_api/register";
const CONVERT = "/api/plugin_api/convert_to_openapi";
const OPENAPI = "openapi: 3.0.1\ninfo:\n  title: Weather\n";
const MANIFEST = '{"name_for_human": "Weather"}';

/** Types into a text area without userEvent's brace handling. */
const paste = (label: string, text: string) => fireEvent.change(screen.getByLabelText(label), { target: { value: text } });

describe("registering a plugin", { timeout: 30_000 }, () => {
  it("registers the pasted document and manifest and opens the new plugin's page", async () => {
    const b = pluginBackend();
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/new");
    expect(await screen.findByRole("heading", { name: "Register a plugin" })).toBeInTheDocument();
    paste("OpenAPI document (YAML or JSON)", OPENAPI);
    paste("Manifest (ai_plugin JSON)", MANIFEST);
    await user.click(screen.getByRole("button", { name: "Register" }));
    expect(await screen.findByRole("heading", { name: "Registered" })).toBeInTheDocument();
    expect(b.bodies(REGISTER)).toEqual([{ space_id: "9", ai_plugin: MANIFEST, openapi: OPENAPI }]);
  });

  it("asks for both texts before calling the server", async () => {
    const b = pluginBackend();
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/new");
    await screen.findByRole("heading", { name: "Register a plugin" });
    paste("OpenAPI document (YAML or JSON)", OPENAPI);
    await user.click(screen.getByRole("button", { name: "Register" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Both the OpenAPI document and the manifest are needed");
    expect(b.bodies(REGISTER)).toHaveLength(0);
  });

  it("shows the server's message naming what is wrong", async () => {
    pluginBackend({}, { [REGISTER]: () => fail(400, 4000, "/paths/~1weather/get: operationId is required") });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/new");
    await screen.findByRole("heading", { name: "Register a plugin" });
    paste("OpenAPI document (YAML or JSON)", OPENAPI);
    paste("Manifest (ai_plugin JSON)", MANIFEST);
    await user.click(screen.getByRole("button", { name: "Register" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("/paths/~1weather/get: operationId is required");
  });

  it("loads the OpenAPI document from a file", async () => {
    pluginBackend();
    const user = userEvent.setup();
    const { container } = renderApp("/spaces/9/plugins/new");
    await screen.findByRole("heading", { name: "Register a plugin" });
    const input = container.ownerDocument.querySelector('input[type="file"]') as HTMLInputElement;
    await user.upload(input, new File([OPENAPI], "weather.yaml", { type: "application/yaml" }));
    await waitFor(() => expect(screen.getByLabelText("OpenAPI document (YAML or JSON)")).toHaveValue(OPENAPI));
  });

  it("converts a curl command into both texts, then registers them", async () => {
    const b = pluginBackend();
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/new");
    await screen.findByRole("heading", { name: "Register a plugin" });
    const section = screen.getByRole("region", { name: "Import from curl, Postman or Swagger 2" });
    paste("curl command, Postman collection or Swagger 2 document", "curl https://api.example.com/weather?city=Paris");
    await user.click(within(section).getByRole("button", { name: "Convert" }));
    await waitFor(() => expect(screen.getByLabelText("Manifest (ai_plugin JSON)")).toHaveValue('{"name_for_human": "Converted"}'));
    expect(screen.getByLabelText("OpenAPI document (YAML or JSON)")).toHaveValue("openapi: 3.0.1\ninfo:\n  title: Converted\n");
    expect(b.bodies(CONVERT)).toEqual([{ space_id: "9", data: "curl https://api.example.com/weather?city=Paris" }]);
    await user.click(screen.getByRole("button", { name: "Register" }));
    await waitFor(() => expect(b.bodies(REGISTER)).toHaveLength(1));
    expect(b.bodies(REGISTER)[0]).toMatchObject({ ai_plugin: '{"name_for_human": "Converted"}' });
  });

  it("shows the server's message when converting fails", async () => {
    pluginBackend({}, { [CONVERT]: () => fail(400, 4000, "not a curl command, Postman collection or Swagger 2 document") });
    const user = userEvent.setup();
    renderApp("/spaces/9/plugins/new");
    await screen.findByRole("heading", { name: "Register a plugin" });
    paste("curl command, Postman collection or Swagger 2 document", "hello");
    await user.click(screen.getByRole("button", { name: "Convert" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("not a curl command");
  });
});
