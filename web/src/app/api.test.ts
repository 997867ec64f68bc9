import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, api, apiData, setAuthRedirect, signInPath } from "./api";

function answer(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }));
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("api", () => {
  it("posts JSON with the session cookie and returns the envelope", async () => {
    const fetch = answer(200, { code: 0, msg: "", data: { id: "1" } });
    vi.stubGlobal("fetch", fetch);
    await expect(apiData("/api/x", { a: 1 })).resolves.toEqual({ id: "1" });
    const [path, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe("/api/x");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(init.body).toBe('{"a":1}');
    expect(new Headers(init.headers).get("content-type")).toBe("application/json");
  });

  it("sends GET without a body when asked", async () => {
    const fetch = answer(200, { code: 0, msg: "" });
    vi.stubGlobal("fetch", fetch);
    await api("/api/y", undefined, { method: "GET" });
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.method).toBe("GET");
    expect(init.body).toBeUndefined();
  });

  it("throws the envelope's code and msg", async () => {
    vi.stubGlobal("fetch", answer(404, { code: 4200, msg: "agent not found", data: null, detail: { logid: "L1" } }));
    const err = await api("/api/z", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 4200, msg: "agent not found", logId: "L1" });
    expect((err as ApiError).notFound).toBe(true);
  });

  it("treats a non-zero code in a 200 answer as an error", async () => {
    vi.stubGlobal("fetch", answer(200, { code: 4000, msg: "bad" }));
    await expect(api("/api/z", {})).rejects.toMatchObject({ status: 200, code: 4000, msg: "bad" });
  });

  it("reports status 0 when the server cannot be reached", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const err = await api("/api/z", {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, unreachable: true });
  });

  it("redirects to sign-in with the current path on 401, unless told not to", async () => {
    const redirect = vi.fn();
    setAuthRedirect(redirect);
    window.history.pushState({}, "", "/agents/7?tab=chat");
    vi.stubGlobal("fetch", answer(401, { code: 4100, msg: "sign in" }));
    await expect(api("/api/z", {})).rejects.toMatchObject({ status: 401, code: 4100 });
    expect(redirect).toHaveBeenCalledWith("/agents/7?tab=chat");
    redirect.mockClear();
    await expect(api("/api/z", {}, { redirectOnAuth: false })).rejects.toBeInstanceOf(ApiError);
    expect(redirect).not.toHaveBeenCalled();
  });

  it("builds sign-in paths that carry next", () => {
    expect(signInPath("/agents/7?tab=chat")).toBe("/sign-in?next=%2Fagents%2F7%3Ftab%3Dchat");
    expect(signInPath("/")).toBe("/sign-in");
    expect(signInPath("/sign-in?next=/x")).toBe("/sign-in");
  });
});
