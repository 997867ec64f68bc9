// One streamed chat turn: /api/conversation/chat (or /chat/resume) read as Coze Studio's events.
// The turn's state (ids, last seq_id, the text so far) is kept in sessionStorage while it runs, so a
// page reload resumes it from the last seq_id and a broken connection can be resumed in place.
import { ApiError, type Envelope } from "../../app/api";
import { readSse } from "./sse";

export interface LiveTurn {
  agentId: string;
  conversationId: string;
  questionId: string;
  chatId: string;
  seq: number;
  query: string;
  /** What the live view replaces: undefined = nothing (appended at the end), ROOT or a message id to cut after. */
  cutAfter?: string;
  answer: string;
  answerId: string;
  followUps: string[];
  /** What the agent's knowledge bases recalled for this answer (the verbose knowledge_recall message). */
  sources?: Source[];
  /** The server's tool calls of this turn and their results, in the order they came. */
  tools?: ToolStep[];
  status: "streaming" | "completed" | "canceled" | "failed" | "interrupted";
  /** Plugins the user has to authorize before the agent can go on (the chat ended asking). */
  consents?: Consent[];
  usage?: { input_count?: number; output_count?: number; token_count?: number };
  error?: string;
}

/** A plugin to authorize: where the user consents, after which they send their message again. */
export interface Consent {
  plugin_id: string;
  name: string;
  authorize_url: string;
}

/** A function_call or tool_response message of the turn. */
export interface ToolStep {
  id: string;
  type: "function_call" | "tool_response";
  content: string;
}

/** A function_call's tool name and arguments, from its content (JSON); null when it is not that. */
export function toolCallOf(content: string): { name: string; arguments: string } | null {
  try {
    const call = JSON.parse(content) as { name?: unknown; arguments?: unknown };
    if (typeof call.name !== "string") return null;
    return { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) };
  } catch {
    return null;
  }
}

/** One recalled passage: where it comes from and how well it matched (0..1). */
export interface Source {
  dataset: string;
  document: string;
  text: string;
  score: number;
  url: string;
}

interface RecallChunk {
  slice?: string;
  score?: number;
  meta?: { dataset?: { name?: string }; document?: { name?: string }; link?: { url?: string } };
}

/**
 * The sources in a verbose message's content, when it is Coze's knowledge_recall note (its `data`
 * is itself JSON text); null for any other verbose message or one that does not parse.
 */
export function recallSources(content: string): Source[] | null {
  try {
    const outer = JSON.parse(content) as { msg_type?: string; data?: string };
    if (outer.msg_type !== "knowledge_recall" || typeof outer.data !== "string") return null;
    const data = JSON.parse(outer.data) as { chunks?: RecallChunk[] };
    return (data.chunks ?? []).map((c) => ({
      dataset: c.meta?.dataset?.name ?? "",
      document: c.meta?.document?.name ?? "",
      text: c.slice ?? "",
      score: typeof c.score === "number" ? c.score : 0,
      url: c.meta?.link?.url ?? "",
    }));
  } catch {
    return null;
  }
}

const KEY = (agentId: string) => `cozeplus.playground.live.${agentId}`;

export function saveLive(turn: LiveTurn): void {
  try {
    sessionStorage.setItem(KEY(turn.agentId), JSON.stringify(turn));
  } catch {
    /* storage full or disabled: a reload then just shows the history */
  }
}

export function loadLive(agentId: string): LiveTurn | null {
  try {
    const raw = sessionStorage.getItem(KEY(agentId));
    return raw ? (JSON.parse(raw) as LiveTurn) : null;
  } catch {
    return null;
  }
}

export function dropLive(agentId: string): void {
  sessionStorage.removeItem(KEY(agentId));
}

interface MessageEvent {
  message: { message_id: string; type: string; content: string; reply_id: string; extra_info?: { chat_id?: string } };
  is_finish: boolean;
  conversation_id: string;
  seq_id: number;
}

/** Applies one event to the turn (pure; exported for tests). */
export function applyEvent(turn: LiveTurn, kind: string, data: string): LiveTurn {
  if (kind === "message") {
    const e = JSON.parse(data) as MessageEvent;
    const next = { ...turn, seq: Math.max(turn.seq, e.seq_id), conversationId: e.conversation_id || turn.conversationId };
    const m = e.message;
    if (m.type === "ack") {
      return { ...next, questionId: m.message_id || turn.questionId, chatId: m.extra_info?.chat_id ?? turn.chatId };
    }
    if (m.type === "answer") {
      if (e.is_finish) return { ...next, answer: m.content, answerId: m.message_id };
      return { ...next, answer: next.answer + m.content, answerId: m.message_id };
    }
    if (m.type === "follow_up" && e.is_finish) return { ...next, followUps: [...turn.followUps, m.content] };
    if ((m.type === "function_call" || m.type === "tool_response") && e.is_finish) {
      const step: ToolStep = { id: m.message_id, type: m.type, content: m.content };
      return { ...next, tools: [...(turn.tools ?? []), step] };
    }
    if (m.type === "verbose" && e.is_finish) {
      const sources = recallSources(m.content);
      if (sources) return { ...next, sources };
    }
    return next;
  }
  if (kind === "error") {
    const e = JSON.parse(data) as { code: number; msg: string };
    return { ...turn, status: "failed", error: e.msg || `error ${e.code}` };
  }
  if (kind === "done") {
    const e = JSON.parse(data) as {
      status: string;
      usage?: LiveTurn["usage"];
      chat_id?: string;
      authorize_plugins?: Consent[];
    };
    const status = e.status === "canceled" ? "canceled" : e.status === "failed" || turn.status === "failed" ? "failed" : "completed";
    const consents = e.authorize_plugins?.filter((c) => /^https?:\/\//i.test(c.authorize_url));
    return { ...turn, status, usage: e.usage, chatId: e.chat_id || turn.chatId, ...(consents?.length ? { consents } : {}) };
  }
  return turn;
}

/**
 * Posts to a streaming route and applies its events to `turn`, calling onUpdate after each.
 * An envelope answer (the server refused before streaming) becomes an ApiError; a body that breaks
 * mid-stream ends the turn as "interrupted", keeping what arrived.
 */
export async function runStream(
  path: string,
  body: unknown,
  turn: LiveTurn,
  onUpdate: (t: LiveTurn) => void,
  signal?: AbortSignal,
): Promise<LiveTurn> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch {
    const broken = { ...turn, status: "interrupted" as const };
    onUpdate(broken);
    return broken;
  }
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/event-stream") || !response.body) {
    let envelope: Envelope | null = null;
    try {
      envelope = (await response.json()) as Envelope;
    } catch {
      envelope = null;
    }
    throw new ApiError(response.status, envelope?.code ?? 0, envelope?.msg ?? "");
  }
  let current = turn;
  try {
    await readSse(response.body, (e) => {
      current = applyEvent(current, e.event, e.data);
      onUpdate(current);
    });
  } catch {
    /* the connection broke: keep what arrived */
  }
  if (current.status === "streaming") {
    current = { ...current, status: "interrupted" };
    onUpdate(current);
  }
  return current;
}

type Usage = Record<string, { input: number; output: number }>;
const USAGE_KEY = (agentId: string) => `cozeplus.playground.usage.${agentId}`;

/**
 * Token counts the chat's `done` event reported, per answer id: they show on the answer that just
 * streamed before the message list is read again (the list's own extra_info counts come first).
 */
export function loadUsage(agentId: string): Usage {
  try {
    return JSON.parse(sessionStorage.getItem(USAGE_KEY(agentId)) ?? "{}") as Usage;
  } catch {
    return {};
  }
}

export function rememberUsage(turn: LiveTurn): Usage {
  const all = loadUsage(turn.agentId);
  const input = turn.usage?.input_count ?? 0;
  const output = turn.usage?.output_count ?? 0;
  if (turn.answerId && input + output > 0) {
    all[turn.answerId] = { input, output };
    try {
      sessionStorage.setItem(USAGE_KEY(turn.agentId), JSON.stringify(all));
    } catch {
      /* not kept: the figures show until the page reloads */
    }
  }
  return all;
}

type Sources = Record<string, Source[]>;
const SOURCES_KEY = (agentId: string) => `cozeplus.playground.sources.${agentId}`;
const SOURCES_KEPT = 50; // answers whose sources this tab remembers

/**
 * Sources recalled per answer id. They are on the stream only (the message list does not have
 * them), so the page keeps them for the answers streamed in this tab.
 */
export function loadSources(agentId: string): Sources {
  try {
    return JSON.parse(sessionStorage.getItem(SOURCES_KEY(agentId)) ?? "{}") as Sources;
  } catch {
    return {};
  }
}

export function rememberSources(turn: LiveTurn): Sources {
  const all = loadSources(turn.agentId);
  if (turn.answerId && turn.sources?.length) {
    all[turn.answerId] = turn.sources;
    const ids = Object.keys(all);
    for (const old of ids.slice(0, Math.max(0, ids.length - SOURCES_KEPT))) delete all[old];
    try {
      sessionStorage.setItem(SOURCES_KEY(turn.agentId), JSON.stringify(all));
    } catch {
      /* not kept: the sources show until the page reloads */
    }
  }
  return all;
}
