import { describe, expect, it } from "vitest";

import { emptyMeta, metaBody, metaFormOf } from "./auth";

const base = { name: "Notes", desc: "Keeps notes", url: "https://notes.example.com" };

describe("the plugin form's auth", () => {
  it("sends no auth as auth_type 0", () => {
    expect(metaBody({ ...emptyMeta, ...base, name: "  Notes " })).toEqual({ ...base, auth_type: 0 });
  });

  it("sends a service token with its place and name; an empty token keeps the stored one", () => {
    const form = { ...emptyMeta, ...base, auth: "service" as const, location: "2" as const, key: " api_key ", serviceToken: "" };
    expect(metaBody(form)).toEqual({ ...base, auth_type: 1, sub_auth_type: 0, location: 2, key: "api_key", service_token: "" });
  });

  it("sends OAuth client credentials in Coze's payload names", () => {
    const form = { ...emptyMeta, ...base, auth: "oauthClient" as const, clientId: "c1", clientSecret: "s", tokenUrl: "https://a/token", scope: "read" };
    const body = metaBody(form);
    expect(body).toMatchObject({ auth_type: 3, sub_auth_type: 10 });
    expect(JSON.parse(String(body.oauth_info))).toEqual({ client_id: "c1", client_secret: "s", token_url: "https://a/token", scope: "read" });
  });

  it("sends an authorization code flow with the consent page as client_url and the token URL as authorization_url", () => {
    const form = { ...emptyMeta, ...base, auth: "oauthCode" as const, clientId: "c1", consentUrl: "https://a/consent", tokenUrl: "https://a/token" };
    const body = metaBody(form);
    expect(body).toMatchObject({ auth_type: 3, sub_auth_type: 4 });
    expect(JSON.parse(String(body.oauth_info))).toEqual({
      client_id: "c1",
      client_secret: "",
      client_url: "https://a/consent",
      authorization_url: "https://a/token",
      scope: "",
      authorization_content_type: "application/json",
    });
  });

  it("reads a stored plugin back into the form, secrets empty", () => {
    expect(metaFormOf({ ...base, auth_type: [1], location: 2, key: "api_key", service_token_set: true })).toMatchObject({
      auth: "service",
      location: "2",
      key: "api_key",
      serviceToken: "",
    });
    const code = metaFormOf({
      ...base,
      auth_type: [3],
      sub_auth_type: 4,
      oauth_info: JSON.stringify({ client_id: "c1", client_url: "https://a/consent", authorization_url: "https://a/token", scope: "x" }),
    });
    expect(code).toMatchObject({ auth: "oauthCode", clientId: "c1", consentUrl: "https://a/consent", tokenUrl: "https://a/token", scope: "x", clientSecret: "" });
    const client = metaFormOf({ ...base, auth_type: [3], sub_auth_type: 10, oauth_info: JSON.stringify({ client_id: "c2", token_url: "https://b/t" }) });
    expect(client).toMatchObject({ auth: "oauthClient", clientId: "c2", tokenUrl: "https://b/t", consentUrl: "" });
    expect(metaFormOf({ ...base, auth_type: [3], oauth_info: "not json" })).toMatchObject({ auth: "oauthClient", clientId: "" });
    expect(metaFormOf({ ...base, auth_type: [0] })).toEqual({ ...emptyMeta, ...base });
  });

  it("round-trips every kind through the form", () => {
    for (const auth of ["none", "service", "oauthClient", "oauthCode"] as const) {
      const form = { ...emptyMeta, ...base, auth, key: "X-Key", clientId: "c", consentUrl: "https://c", tokenUrl: "https://t", scope: "s" };
      const body = metaBody(form);
      const back = metaFormOf({
        ...base,
        auth_type: [Number(body.auth_type)],
        sub_auth_type: body.sub_auth_type as number | undefined,
        location: body.location as number | undefined,
        key: body.key as string | undefined,
        oauth_info: body.oauth_info as string | undefined,
      });
      expect(metaBody(back)).toEqual(body);
    }
  });

  it("sends an MCP server as plugin_type 7 with its transport, a token only in a header", () => {
    const mcp = { ...emptyMeta, ...base, kind: "mcp" as const, transport: "sse" as const };
    expect(metaBody(mcp)).toEqual({ ...base, plugin_type: 7, mcp_transport: "sse", auth_type: 0 });
    const token = { ...mcp, auth: "service" as const, location: "2" as const, key: " X-Token ", serviceToken: "t" };
    expect(metaBody(token)).toEqual({
      ...base,
      plugin_type: 7,
      mcp_transport: "sse",
      auth_type: 1,
      sub_auth_type: 0,
      location: 1,
      key: "X-Token",
      service_token: "t",
    });
    const back = metaFormOf({ ...base, auth_type: [0], mcp_transport: "streamable_http" });
    expect(back).toMatchObject({ kind: "mcp", transport: "streamable_http" });
  });
});
