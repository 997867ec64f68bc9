// A tool's request parameters as the editor holds them (one row each) and as update_api takes them.
import type { APIParameter, ParamType } from "./types";

export interface ParamRow {
  /** A stable React key for the row. */
  key: number;
  name: string;
  location: number; // 1 path, 2 query, 3 body, 4 header
  type: ParamType;
  required: boolean;
  desc: string;
  /** An object's or array's own parameters, kept as they were. */
  sub: APIParameter[];
}

export const LOCATIONS = [1, 2, 3, 4] as const;
export const LOCATION_KEYS: Record<number, string> = { 1: "path", 2: "query", 3: "body", 4: "header" };
export const TYPES: ParamType[] = [1, 2, 3, 4, 5, 6];
export const TYPE_KEYS: Record<ParamType, string> = {
  1: "string",
  2: "integer",
  3: "number",
  4: "object",
  5: "array",
  6: "boolean",
};

let nextKey = 1;

export function newRow(): ParamRow {
  return { key: nextKey++, name: "", location: 2, type: 1, required: false, desc: "", sub: [] };
}

export function rowsOf(params: APIParameter[]): ParamRow[] {
  return params.map((p) => ({
    key: nextKey++,
    name: p.name,
    location: p.location,
    type: p.type,
    required: p.is_required,
    desc: p.desc,
    sub: p.sub_parameters,
  }));
}

/** The rows as update_api's request_params; a row with no name is left out. */
export function paramsOf(rows: ParamRow[]): APIParameter[] {
  return rows
    .filter((r) => r.name.trim() !== "")
    .map((r) => ({
      name: r.name.trim(),
      desc: r.desc,
      type: r.type,
      location: r.location,
      is_required: r.required,
      sub_parameters: r.type === 4 || r.type === 5 ? r.sub : [],
    }));
}
