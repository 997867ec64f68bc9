import { describe, expect, it } from "vitest";

import { buildTree, compareIds, pathOf, ROOT, switchBranch, tokensOf, type ChatMessage } from "./tree";

function msg(id: string, type: string, parent: string, content = id, reply = ""): ChatMessage {
  return {
    message_id: id,
    role: type === "question" ? "user" : "assistant",
    type,
    content,
    content_type: "text",
    reply_id: reply,
    parent_id: parent,
    section_id: "1",
    status: "",
    content_time: 0,
    extra_info: { input_tokens: "0", output_tokens: "0", token: "0" },
  };
}

// q1 -> a1 -> q2 -> a2 | a2b (regenerated) ; q2c (q2 edited, sibling under a1) -> a2c.
// Ids larger than 2^53 on purpose; the list comes newest first, as get_message_list answers.
const BIG = "7390000000000000";
const M = [
  msg(`${BIG}001`, "question", "", "alpha"),
  msg(`${BIG}002`, "answer", `${BIG}001`, "alpha", `${BIG}001`),
  msg(`${BIG}003`, "question", `${BIG}002`, "beta"),
  msg(`${BIG}004`, "answer", `${BIG}003`, "beta", `${BIG}003`),
  msg(`${BIG}005`, "answer", `${BIG}003`, "beta again", `${BIG}003`),
  msg(`${BIG}006`, "question", `${BIG}002`, "gamma"),
  msg(`${BIG}007`, "answer", `${BIG}006`, "gamma", `${BIG}006`),
  msg(`${BIG}008`, "follow_up", `${BIG}007`, "Tell me more", `${BIG}006`),
  msg(`${BIG}009`, "verbose", `${BIG}007`, "{}"),
].reverse();

describe("compareIds", () => {
  it("orders 64-bit ids exactly", () => {
    expect(compareIds("9007199254740993", "9007199254740992")).toBeGreaterThan(0);
    expect(compareIds("99", "100")).toBeLessThan(0);
    expect(compareIds("5", "5")).toBe(0);
  });
});

describe("message tree", () => {
  it("shows the newest branch at every level by default, with sibling positions", () => {
    const path = pathOf(buildTree(M));
    expect(path.map((n) => n.message.content)).toEqual(["alpha", "alpha", "gamma", "gamma"]);
    const edited = path[2]!;
    expect([edited.index, edited.siblings.length]).toEqual([1, 2]);
    expect(path[0]!.siblings).toHaveLength(1);
    expect(path[3]!.followUps.map((f) => f.content)).toEqual(["Tell me more"]);
  });

  it("switches branches; the path below follows the chosen one's newest answer", () => {
    const tree = buildTree(M);
    const chosen = switchBranch({}, pathOf(tree)[2]!, -1);
    const path = pathOf(tree, chosen);
    expect(path.map((n) => n.message.content)).toEqual(["alpha", "alpha", "beta", "beta again"]);
    expect([path[3]!.index + 1, path[3]!.siblings.length]).toEqual([2, 2]);
    const older = pathOf(tree, switchBranch(chosen, path[3]!, -1));
    expect(older[3]!.message.content).toBe("beta");
    expect(switchBranch(chosen, path[3]!, 1)).toEqual(chosen); // already the last: no change
  });

  it("ignores a choice that is not among the siblings, and treats unknown parents as roots", () => {
    const tree = buildTree([msg("5", "question", "404"), msg("6", "question", "")]);
    const path = pathOf(tree, { [ROOT]: "nope" });
    expect(path.map((n) => n.message.message_id)).toEqual(["6"]);
    expect(path[0]!.siblings).toEqual(["5", "6"]);
  });

  it("is empty for an empty history", () => {
    expect(pathOf(buildTree([]))).toEqual([]);
  });

  it("reads token counts only when the server counted", () => {
    expect(tokensOf(M[0]!)).toBeNull();
    const counted = { ...M[0]!, extra_info: { input_tokens: "3", output_tokens: "2", token: "5" } };
    expect(tokensOf(counted)).toEqual({ input: 3, output: 2 });
  });
});

describe("server tool steps", () => {
  // q -> function_call -> tool_response -> answer: the answer hangs under the question, with its steps.
  const T = [
    msg(`${BIG}101`, "question", "", "what is 6*7?"),
    msg(`${BIG}102`, "function_call", `${BIG}101`, '{"id":"c1","name":"calculate","arguments":{"expression":"6*7"}}'),
    msg(`${BIG}103`, "tool_response", `${BIG}102`, '{"result": 42}'),
    msg(`${BIG}104`, "answer", `${BIG}103`, "42", `${BIG}101`),
  ].reverse();

  it("shows the answer under its question, carrying the calls and results before it", () => {
    const path = pathOf(buildTree(T));
    expect(path.map((n) => n.message.type)).toEqual(["question", "answer"]);
    expect(path[1]!.tools.map((s) => s.type)).toEqual(["function_call", "tool_response"]);
    expect(path[0]!.tools).toEqual([]);
  });
});
