// Server-sent events over fetch + ReadableStream (EventSource cannot POST a body).
// The parser is incremental: bytes arrive in arbitrary chunks, an event may be split anywhere.

export interface SseEvent {
  event: string;
  data: string;
}

/** Splits a text stream into events; feed() returns the events completed by the chunk. */
export class SseParser {
  private buffer = "";
  private kind = "";
  private data: string[] = [];

  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf("\n", start);
      if (nl < 0) break;
      let line = this.buffer.slice(start, nl);
      start = nl + 1;
      if (line.endsWith("\r")) line = line.slice(0, -1);
      this.line(line, out);
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  /** The end of the stream: an event without its blank line still counts (a server that closes right after). */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.buffer) this.line(this.buffer, out);
    this.buffer = "";
    this.line("", out);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === "") {
      if (this.data.length) out.push({ event: this.kind || "message", data: this.data.join("\n") });
      this.kind = "";
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return; // a comment
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.kind = value;
    else if (field === "data") this.data.push(value);
  }
}

/** Reads a response body as events, calling onEvent for each as it arrives. Throws when the body breaks. */
export async function readSse(
  body: ReadableStream<Uint8Array>,
  onEvent: (e: SseEvent) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    for (const e of parser.feed(decoder.decode(value, { stream: true }))) onEvent(e);
  }
  for (const e of parser.feed(decoder.decode())) onEvent(e);
  for (const e of parser.end()) onEvent(e);
}
