// Answers of the backend for the agent pages' tests (shapes as tests/api/test_draftbot_api.py reads them).
import { spaceList } from "../../test/fixtures";
import type { BotInfo, ChatModel, Intelligence } from "./types";

export { ACCOUNT, fail, ok, setUpPageTests as polyfillFonts } from "../../test/fixtures";

export const SPACES = spaceList([
  ["7", "Team", 2],
  ["9", "Personal", 1],
]);

export function agent(id: string, name: string, published = false): Intelligence {
  return {
    basic_info: {
      id,
      name,
      description: `About ${name}`,
      icon_url: "",
      space_id: "9",
      owner_id: "42",
      create_time: "1765000000",
      update_time: "1765000000",
      status: 1,
      publish_time: published ? "1765000000" : "0",
    },
    type: 1,
    publish_info: { has_published: published, publish_time: published ? "1765000000" : "0" },
  };
}

export function botInfo(patch: Partial<BotInfo> = {}): BotInfo {
  return {
    bot_id: "100",
    name: "Tutor",
    description: "Teaches",
    icon_uri: "",
    icon_url: "",
    creator_id: "42",
    space_id: "9",
    create_time: "1765000000",
    update_time: "1765000000",
    version: "",
    prompt_info: { prompt: "You teach." },
    model_info: {
      model_id: "501",
      temperature: null,
      top_p: null,
      max_tokens: null,
      top_k: null,
      presence_penalty: null,
      frequency_penalty: null,
      short_memory_policy: { history_round: 3, context_mode: 0 },
      response_format: null,
      sp_current_time: true,
    },
    onboarding_info: { prologue: "", suggested_questions: [] },
    suggest_reply_info: { suggest_reply_mode: 2, customized_suggest_prompt: "" },
    variable_list: [],
    client_tools: [],
    ...patch,
  };
}

export function chatModel(id: string, name: string, isDefault = false): ChatModel {
  return {
    name,
    model_type: id,
    model_name: name.toLowerCase(),
    model_class_name: "Builtin",
    model_brief_desc: `${name} model`,
    model_quota: { token_limit: 8192, token_resp: 4096 },
    model_params: [
      { name: "temperature", type: 1, default_val: { default_val: "0.7" }, min: "0", max: "2", precision: 1, label: "Temperature", desc: "" },
      { name: "top_p", type: 1, default_val: { default_val: "1" }, min: "0", max: "1", precision: 2, label: "Top P", desc: "" },
      { name: "max_tokens", type: 2, default_val: { default_val: "4096" }, min: "1", max: "4096", precision: 0, label: "Max output tokens", desc: "" },
    ],
    model_ability: { json_mode: true, function_call: true },
    is_default: isDefault,
  };
}
