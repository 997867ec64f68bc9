// The personal access token routes (src/api/web/tokens.py, Coze Studio's permission_api/pat paths).
import { api, apiData } from "../../app/api";

export interface Token {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  last_used_at: number; // -1: never used
  expire_at: number;
  scopes: string[];
  space_id: string;
}

export interface CreatedToken {
  personal_access_token: Token;
  token: string;
}

const PAT = "/api/permission_api/pat";
export const TOKENS_KEY = ["pat", "list"] as const;

export async function listTokens(): Promise<Token[]> {
  const data = await apiData<{ personal_access_tokens: Token[]; has_more: boolean }>(
    `${PAT}/list_personal_access_tokens?page=0&size=100`,
    undefined,
    { method: "GET" },
  );
  return data.personal_access_tokens;
}

export interface NewToken {
  name: string;
  scopes: string[];
  space_id: string;
  duration_day: string;
}

export function createToken(body: NewToken): Promise<CreatedToken> {
  return apiData<CreatedToken>(`${PAT}/create_personal_access_token_and_permission`, body);
}

export function revokeToken(id: string) {
  return api(`${PAT}/delete_personal_access_token_and_permission`, { id });
}
