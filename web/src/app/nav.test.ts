import { describe, expect, it } from "vitest";

import { module as agents } from "../modules/agents";
import { module as spaces } from "../modules/spaces";
import { isActive } from "./shell";

const agentsItem = agents.nav![0]!;
const spacesItem = spaces.nav![0]!;

describe("the nav item of the current page", () => {
  it("is Agents, not Spaces, on a space's agents, editor and playground", () => {
    for (const path of ["/agents", "/spaces/7/agents", "/spaces/7/agents/9", "/spaces/7/agents/9/chat"]) {
      expect(isActive(agentsItem, path, "/")).toBe(true);
      expect(isActive(spacesItem, path, "/")).toBe(false);
    }
  });

  it("is Spaces on the space list and a space's members", () => {
    for (const path of ["/spaces", "/spaces/7/members"]) {
      expect(isActive(spacesItem, path, "/")).toBe(true);
      expect(isActive(agentsItem, path, "/")).toBe(false);
    }
  });

  it("is below an item's path only at a segment boundary, and home only at home", () => {
    const tokens = { path: "/tokens", labelKey: "x" };
    expect(isActive(tokens, "/tokens/3", "/")).toBe(true);
    expect(isActive(tokens, "/tokensmith", "/")).toBe(false);
    expect(isActive({ path: "/", labelKey: "h" }, "/tokens", "/")).toBe(false);
  });
});
