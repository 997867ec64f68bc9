// The playground's message tree: get_message_list answers every branch (regenerated answers, edited
// questions) with each message's parent_id; the page shows one path through it and, on a message
// with siblings, a "< 2/3 >" switcher.

export interface ChatMessage {
  message_id: string;
  role: string;
  type: string;
  content: string;
  content_type: string;
  reply_id: string;
  parent_id?: string;
  section_id: string;
  status: string;
  content_time: number;
  reasoning_content?: string;
  extra_info?: { input_tokens?: string; output_tokens?: string; token?: string };
}

export const ROOT = "root";

/** Ids are 64-bit decimal strings: compare without losing precision. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface PathNode {
  message: ChatMessage;
  /** The server's tool calls and their results before this answer (function_call, tool_response). */
  tools: ChatMessage[];
  /** The key of its sibling group (its parent's id, or ROOT). */
  parentKey: string;
  siblings: string[];
  index: number;
  followUps: ChatMessage[];
}

export interface Tree {
  children: Map<string, string[]>;
  byId: Map<string, ChatMessage>;
  followUps: Map<string, ChatMessage[]>;
  tools: Map<string, ChatMessage[]>;
}

const SHOWN = new Set(["question", "answer"]);
const TOOL_STEPS = new Set(["function_call", "tool_response"]);

/**
 * The nearest shown ancestor of `m` and the tool steps passed on the way up: an answer written
 * after server tools hangs under its calls and their results, which hang under the question.
 */
function shownParent(m: ChatMessage, byId: Map<string, ChatMessage>, all: Map<string, ChatMessage>) {
  const tools: ChatMessage[] = [];
  let parent = m.parent_id;
  for (let guard = 0; parent && !byId.has(parent) && guard < 1000; guard++) {
    const step = all.get(parent);
    if (!step || !TOOL_STEPS.has(step.type)) break;
    tools.unshift(step);
    parent = step.parent_id;
  }
  return { key: parent && byId.has(parent) ? parent : ROOT, tools };
}

export function buildTree(messages: readonly ChatMessage[]): Tree {
  const byId = new Map<string, ChatMessage>();
  for (const m of messages) if (SHOWN.has(m.type)) byId.set(m.message_id, m);
  const all = new Map(messages.map((m) => [m.message_id, m]));
  const children = new Map<string, string[]>();
  const followUps = new Map<string, ChatMessage[]>();
  const tools = new Map<string, ChatMessage[]>();
  for (const m of messages) {
    if (m.type === "follow_up") {
      // A suggestion follows the answer it was made for (or, without a parent, the question's turn).
      const key = m.parent_id && byId.has(m.parent_id) ? m.parent_id : `q:${m.reply_id}`;
      followUps.set(key, [...(followUps.get(key) ?? []), m]);
      continue;
    }
    if (!byId.has(m.message_id)) continue;
    const { key, tools: steps } = shownParent(m, byId, all);
    children.set(key, [...(children.get(key) ?? []), m.message_id]);
    if (steps.length) tools.set(m.message_id, steps);
  }
  for (const ids of children.values()) ids.sort(compareIds);
  for (const list of followUps.values()) list.sort((a, b) => compareIds(a.message_id, b.message_id));
  return { children, byId, followUps, tools };
}

/**
 * The path shown: at each level the chosen child (`chosen[parentKey]`), else the newest one (the
 * branch the last turn made, which is the one the server continues).
 */
export function pathOf(tree: Tree, chosen: Readonly<Record<string, string>> = {}): PathNode[] {
  const path: PathNode[] = [];
  let key = ROOT;
  for (let guard = 0; guard < 10_000; guard++) {
    const siblings = tree.children.get(key);
    if (!siblings?.length) break;
    const wanted = chosen[key];
    const pick: string = wanted && siblings.includes(wanted) ? wanted : siblings[siblings.length - 1]!;
    const message = tree.byId.get(pick)!;
    const followUps =
      message.type === "answer"
        ? (tree.followUps.get(pick) ?? tree.followUps.get(`q:${message.reply_id}`) ?? [])
        : [];
    const tools = tree.tools.get(pick) ?? [];
    path.push({ message, tools, parentKey: key, siblings, index: siblings.indexOf(pick), followUps });
    key = pick;
  }
  return path;
}

/** The choice after a "<" or ">" on a node: its neighbour in the sibling group. */
export function switchBranch(
  chosen: Readonly<Record<string, string>>,
  node: PathNode,
  step: -1 | 1,
): Record<string, string> {
  const next = node.index + step;
  const target = node.siblings[next];
  if (target === undefined) return { ...chosen };
  return { ...chosen, [node.parentKey]: target };
}

/** Token figures of an answer, when the server counted any. */
export function tokensOf(m: ChatMessage): { input: number; output: number } | null {
  const input = Number(m.extra_info?.input_tokens ?? 0);
  const output = Number(m.extra_info?.output_tokens ?? 0);
  return input + output > 0 ? { input, output } : null;
}
