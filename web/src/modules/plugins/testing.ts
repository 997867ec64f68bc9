// A fake plugin backend for the pages' component tests: the routes' shapes as
// src/api/web/plugins.py and plugin_runtime.py answer them (fields at the envelope's top level),
// held in memory, paging like the real routes.
import { vi } from "vitest";

import { ACCOUNT, fail, ok, setUpPageTests, spaceList } from "../../test/fixtures";
import { fakeBackend } from "../../test/render";
import type { PluginMeta, PluginSummary, PluginTool, PublishedVersion } from "./types";

export { fail, ok };

export const SPACES = spaceList([
  ["9", "Personal", 1],
  ["7", "Team", 2],
]);

/** An envelope with `fields` at its top level, as the plugin routes answer. */
export const top = (fields: Record<string, unknown>) => ({ body: { code: 0, msg: "", ...fields } });

export function plugin(id: string, name: string, patch: Partial<PluginSummary> = {}): PluginSummary {
  return {
    id,
    name,
    desc_for_human: `About ${name}`,
    plugin_icon: "",
    status: 1,
    space_id: "9",
    version_ts: "",
    version_name: "",
    update_time: "1765000000",
    can_edit: true,
    ...patch,
  };
}

export function tool(id: string, name: string, patch: Partial<PluginTool> = {}): PluginTool {
  return {
    api_id: id,
    name,
    desc: `Does ${name}`,
    path: `/${name}`,
    method: 1,
    request_params: [],
    response_params: [],
    debug_status: 0,
    disabled: false,
    online_status: 0,
    ...patch,
  };
}

export interface World {
  plugins: PluginSummary[];
  /** The tools of every plugin, by plugin id. */
  tools: Record<string, PluginTool[]>;
  /** The meta fields get_plugin_info answers, by plugin id (a plain one when not given). */
  metas: Record<string, Partial<PluginMeta>>;
  /** The published versions, newest first, by plugin id. */
  versions: Record<string, PublishedVersion[]>;
}

type Routes = Parameters<typeof fakeBackend>[0];
type Body = Record<string, unknown>;

/** A backend over `world` (mutated by the write routes); `extra` replaces or adds routes. */
export function pluginBackend(world: Partial<World> = {}, extra: Routes = {}) {
  const w: World = { plugins: [], tools: {}, metas: {}, versions: {}, ...world };
  let nextId = 500;
  const b = fakeBackend({
    "/api/passport/account/info/v2/": () => ok(ACCOUNT),
    "/api/playground_api/space/list": () => ok(SPACES),
    "/api/plugin_api/get_dev_plugin_list": (body) => {
      const { space_id, name = "", page = 1, size = 20 } = body as Body & { name?: string; page?: number; size?: number };
      if (space_id !== "9" && space_id !== "7") return fail(404, 4200, "space not found");
      const found = w.plugins.filter((p) => p.space_id === space_id && p.name.toLowerCase().includes(name.toLowerCase()));
      return top({ plugin_list: found.slice((page - 1) * size, page * size), total: String(found.length) });
    },
    "/api/plugin_api/del_plugin": (body) => {
      w.plugins = w.plugins.filter((p) => p.id !== (body as Body).plugin_id);
      return top({});
    },
    "/api/plugin_api/register": (body) => {
      const { space_id, openapi } = body as Body;
      const made = plugin(String(nextId++), "Registered", { space_id: String(space_id) });
      w.plugins.unshift(made);
      return top({ data: { plugin_id: made.id, openapi } });
    },
    "/api/plugin_api/convert_to_openapi": () =>
      top({
        openapi: "openapi: 3.0.1\ninfo:\n  title: Converted\n",
        ai_plugin: '{"name_for_human": "Converted"}',
        plugin_data_format: 1,
      }),
    "/api/plugin_api/get_plugin_info": (body) => {
      const p = w.plugins.find((x) => x.id === (body as Body).plugin_id);
      if (!p) return fail(404, 4200, "plugin not found");
      return top({
        meta_info: { name: p.name, desc: p.desc_for_human, url: "https://api.example.com", auth_type: [0], ...w.metas[p.id] },
        code_info: { openapi_desc: "openapi: 3.0.1\n", plugin_desc: "{}" },
        published: p.version_ts !== "",
        status: false,
        edit_version: 1,
        creator: { id: "42", name: "Ada" },
      });
    },
    "/api/plugin_api/get_plugin_apis": (body) => {
      const list = w.tools[String((body as Body).plugin_id)] ?? [];
      return top({ api_info: list, total: list.length, edit_version: 1 });
    },
    "/api/plugin_api/register_plugin_meta": (body) => {
      const { space_id, name, desc } = body as Body;
      const made = plugin(String(nextId++), String(name), { space_id: String(space_id), desc_for_human: String(desc ?? "") });
      w.plugins.unshift(made);
      return top({ plugin_id: made.id });
    },
    "/api/plugin_api/update_plugin_meta": (body) => {
      const { plugin_id, name, desc } = body as Body;
      const p = w.plugins.find((x) => x.id === plugin_id)!;
      Object.assign(p, { name: String(name), desc_for_human: String(desc ?? "") });
      return top({ edit_version: 2 });
    },
    "/api/plugin_api/create_api": (body) => {
      const { plugin_id, name, desc, path, method, request_params } = body as Body;
      const made = tool(String(nextId++), String(name), {
        desc: String(desc),
        path: String(path),
        method: Number(method),
        request_params: request_params as PluginTool["request_params"],
      });
      (w.tools[String(plugin_id)] ??= []).push(made);
      return top({ api_id: made.api_id, edit_version: 2 });
    },
    "/api/plugin_api/update_api": (body) => {
      const { plugin_id, api_id, disabled, ...rest } = body as Body;
      const t = (w.tools[String(plugin_id)] ?? []).find((x) => x.api_id === api_id)!;
      if (typeof disabled === "boolean") t.disabled = disabled;
      Object.assign(t, rest);
      return top({ edit_version: 2 });
    },
    "/api/plugin_api/get_plugin_publish_history": (body) => {
      const list = w.versions[String((body as Body).plugin_id)] ?? [];
      return top({ plugin_publish_info_list: list, total: list.length });
    },
    "/api/plugin_api/debug_api": (body) => {
      const { plugin_id, api_id } = body as Body;
      const t = (w.tools[String(plugin_id)] ?? []).find((x) => x.api_id === api_id)!;
      t.debug_status = 1;
      return top({
        success: true,
        resp: '{"temperature":21}',
        reason: "",
        raw_req: '{"method":"GET","url":"https://api.example.com/weather?city=Paris","headers":{"Authorization":"****"}}',
        raw_resp: '{"temperature":21,"extra":true}',
        response_params: [],
      });
    },
    "/api/plugin_api/get_plugin_next_version": () => top({ next_version_name: "v1.0.1" }),
    "/api/plugin_api/publish_plugin": (body) => {
      const { plugin_id, version_name } = body as Body;
      Object.assign(w.plugins.find((x) => x.id === plugin_id)!, { version_ts: "1765000000000", version_name });
      const published = { publisher_id: "42", version_ts: 1765000000000, version_name: String(version_name), version_desc: "" };
      (w.versions[String(plugin_id)] ??= []).unshift(published);
      return top({ version_ts: "1765000000000", version_name });
    },
    ...extra,
  });
  vi.stubGlobal("fetch", b.fetch);
  return { ...b, world: w, bodies: (path: string) => b.calls.filter((c) => c.path === path).map((c) => c.body as Body) };
}

/** The pages' jsdom set-up. */
export function setUp(): void {
  setUpPageTests();
}
