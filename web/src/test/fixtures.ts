// What the pages' component tests and their fake backends share: the answer envelopes, the
// signed-in account, a space list, and the set-up the pages need under jsdom.
import { configure } from "@testing-library/react";

export const ok = (data: unknown) => ({ body: { code: 0, msg: "", data } });
export const fail = (status: number, code: number, msg: string) => ({
  status,
  body: { code, msg, data: null, detail: { logid: "log-1" } },
});

/** The signed-in account (account info v2's shape). */
export const ACCOUNT = {
  user_id_str: "42",
  name: "Ada",
  user_unique_name: "ada",
  email: "ada@example.com",
  description: "",
  avatar_url: "",
  screen_name: "Ada",
  locale: "en-US",
  user_create_time: 0,
};

/** The space list answer (playground_api/space/list), spaces as [id, name, space_type] in order. */
export function spaceList(spaces: [id: string, name: string, type: number][]) {
  return {
    bot_space_list: spaces.map(([id, name, type]) => ({
      id,
      name,
      description: "",
      icon_url: "",
      owner_user_id: "42",
      space_role_type: 1,
      space_type: type,
    })),
    recently_used_space_list: [],
    has_personal_space: true,
    team_space_num: 1,
    max_team_space_num: 100,
    total: spaces.length,
    has_more: false,
  };
}

/**
 * jsdom has no document.fonts, which Mantine's autosizing Textarea listens on; and the pages load
 * lazily over several answers, slower than testing-library's 1 s default on a busy machine.
 */
export function setUpPageTests(): void {
  configure({ asyncUtilTimeout: 5_000 });
  if (!("fonts" in document) || !document.fonts) {
    Object.defineProperty(document, "fonts", { configurable: true, value: new EventTarget() });
  }
}
