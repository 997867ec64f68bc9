import { describe, expect, it } from "vitest";

import { newRow, paramsOf, rowsOf } from "./params";
import type { APIParameter } from "./types";

const city: APIParameter = { name: "city", desc: "Where", type: 1, location: 2, is_required: true, sub_parameters: [] };
const filter: APIParameter = {
  name: "filter",
  desc: "",
  type: 4,
  location: 3,
  is_required: false,
  sub_parameters: [{ name: "tag", desc: "", type: 1, location: 3, is_required: false, sub_parameters: [] }],
};

describe("a tool's parameter rows", () => {
  it("round-trips parameters, nested ones kept", () => {
    const rows = rowsOf([city, filter]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(2);
    expect(paramsOf(rows)).toEqual([city, filter]);
  });

  it("leaves out rows without a name, trims names, drops children of a scalar", () => {
    const [row] = rowsOf([filter]);
    const edited = [{ ...row!, name: " filter2 ", type: 1 as const }, newRow()];
    expect(paramsOf(edited)).toEqual([{ ...filter, name: "filter2", type: 1, sub_parameters: [] }]);
  });

  it("starts a new row as an optional string in the query", () => {
    expect(newRow()).toMatchObject({ name: "", location: 2, type: 1, required: false, desc: "", sub: [] });
  });
});
