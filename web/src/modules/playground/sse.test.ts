import { describe, expect, it } from "vitest";

import { readSse, SseParser } from "./sse";
import { applyEvent, type LiveTurn } from "./stream";

const WIRE = 'event:message\ndata:{"a":1}\n\nevent:done\ndata:{"status":"completed"}\n\n';

describe("SseParser", () => {
  it("parses whole events", () => {
    expect(new SseParser().feed(WIRE)).toEqual([
      { event: "message", data: '{"a":1}' },
      { event: "done", data: '{"status":"completed"}' },
    ]);
  });

  it("gives the same events whatever the chunking, one character at a time included", () => {
    const p = new SseParser();
    const got = [...WIRE].flatMap((c) => p.feed(c));
    expect(got.map((e) => e.event)).toEqual(["message", "done"]);
    expect(got[0]!.data).toBe('{"a":1}');
  });

  it("handles CRLF, a space after the colon, comments, multi-line data and the default kind", () => {
    const p = new SseParser();
    expect(p.feed(": keep-alive\r\nevent: x\r\ndata: one\r\ndata: two\r\n\r\ndata:plain\n\n")).toEqual([
      { event: "x", data: "one\ntwo" },
      { event: "message", data: "plain" },
    ]);
  });

  it("holds back an unfinished event until its blank line, and end() flushes it", () => {
    const p = new SseParser();
    expect(p.feed("event:done\ndata:{}")).toEqual([]);
    expect(p.end()).toEqual([{ event: "done", data: "{}" }]);
    expect(p.end()).toEqual([]);
  });

  it("skips events without data", () => {
    expect(new SseParser().feed("event:ping\n\n")).toEqual([]);
  });
});

function streamOf(chunks: Uint8Array[], breakAtEnd = false): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!);
      else if (breakAtEnd) controller.error(new TypeError("network error"));
      else controller.close();
    },
  });
}

describe("readSse", () => {
  it("decodes UTF-8 split across chunks", async () => {
    const bytes = new TextEncoder().encode('event:message\ndata:"你好"\n\n');
    const seen: string[] = [];
    await readSse(streamOf([bytes.slice(0, 16), bytes.slice(16)]), (e) => seen.push(e.data));
    expect(seen).toEqual(['"你好"']);
  });

  it("delivers the events that arrived before the body broke, then throws", async () => {
    const seen: string[] = [];
    const bytes = new TextEncoder().encode('event:message\ndata:1\n\nevent:message\nda');
    await expect(readSse(streamOf([bytes], true), (e) => seen.push(e.data))).rejects.toThrow();
    expect(seen).toEqual(["1"]);
  });
});

const TURN: LiveTurn = {
  agentId: "1",
  conversationId: "",
  questionId: "",
  chatId: "",
  seq: 0,
  query: "hi",
  answer: "",
  answerId: "",
  followUps: [],
  status: "streaming",
};

function message(type: string, content: string, seq: number, isFinish = false, extra = {}): string {
  return JSON.stringify({
    message: { message_id: type === "ack" ? "10" : "11", type, content, reply_id: "10", extra_info: extra },
    is_finish: isFinish,
    conversation_id: "7",
    seq_id: seq,
  });
}

describe("applyEvent", () => {
  it("follows a turn: ack ids, deltas appended, the final answer, follow-ups, usage at done", () => {
    let t = applyEvent(TURN, "message", message("ack", "", 1, true, { chat_id: "99" }));
    expect([t.questionId, t.chatId, t.conversationId, t.seq]).toEqual(["10", "99", "7", 1]);
    t = applyEvent(t, "message", message("answer", "hel", 2));
    t = applyEvent(t, "message", message("answer", "lo", 3));
    expect([t.answer, t.answerId, t.seq]).toEqual(["hello", "11", 3]);
    t = applyEvent(t, "message", message("answer", "hello", 4, true));
    t = applyEvent(t, "message", message("follow_up", "What next?", 6, true));
    t = applyEvent(t, "done", JSON.stringify({ status: "completed", usage: { input_count: 2, output_count: 1 } }));
    expect(t).toMatchObject({ status: "completed", answer: "hello", followUps: ["What next?"], seq: 6 });
    expect(t.usage).toEqual({ input_count: 2, output_count: 1 });
  });

  it("keeps the seq of the newest event (resume replays nothing twice) and reads errors and cancels", () => {
    let t = applyEvent({ ...TURN, seq: 5 }, "message", message("answer", "x", 3));
    expect(t.seq).toBe(5);
    t = applyEvent(t, "error", JSON.stringify({ code: 5038, msg: "the model failed" }));
    expect(t).toMatchObject({ status: "failed", error: "the model failed" });
    expect(applyEvent(t, "done", JSON.stringify({ status: "failed" })).status).toBe("failed");
    expect(applyEvent(TURN, "done", JSON.stringify({ status: "canceled" })).status).toBe("canceled");
  });
});
