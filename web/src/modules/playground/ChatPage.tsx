// The playground: chat with an agent's draft (issue #13). Streamed answers, stop, regenerate and
// edit as branches of the message tree, resume after a reload, clear context, token counts,
// follow-up suggestions, inline errors, a broken stream that keeps its partial answer, and (when the
// agent's show_source is on) the knowledge sources an answer drew on.
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Divider,
  Group,
  Loader,
  Paper,
  ScrollArea,
  Stack,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { api, apiData, ApiError } from "../../app/api";
import { ErrorPanel, useErrorMessage } from "../../app/errors";
import {
  dropLive,
  loadLive,
  loadSources,
  loadUsage,
  rememberSources,
  rememberUsage,
  runStream,
  saveLive,
  toolCallOf,
  type Consent,
  type LiveTurn,
  type Source,
} from "./stream";
import { buildTree, pathOf, ROOT, switchBranch, tokensOf, type ChatMessage, type PathNode } from "./tree";

interface History {
  message_list: ChatMessage[];
  conversation_id: string;
  last_section_id: string;
}

function historyKey(agentId: string) {
  return ["playground", "history", agentId];
}

async function fetchHistory(agentId: string): Promise<History> {
  return api<History>("/api/conversation/get_message_list", {
    bot_id: agentId,
    cursor: "0",
    count: 100,
    draft_mode: true,
    scene: 3,
  });
}

/** Whether the draft shows knowledge sources under its answers (its knowledge.show_source). */
async function fetchShowSource(spaceId: string, agentId: string): Promise<boolean> {
  const data = await apiData<{ bot_info: { knowledge?: { show_source?: boolean } } }>(
    "/api/playground_api/draftbot/get_draft_bot_info",
    { bot_id: agentId, space_id: spaceId },
  );
  return data.bot_info.knowledge?.show_source ?? false;
}

/** The server's tool calls before an answer: each call's tool and arguments, then what it answered. */
function ToolSteps({ steps }: { steps: readonly { id: string; type: string; content: string }[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} mb="xs" data-testid="tool-steps">
      {steps.map((step) => {
        const call = step.type === "function_call" ? toolCallOf(step.content) : null;
        return (
          <Paper key={step.id} withBorder radius="sm" p={6} data-testid={step.type === "function_call" ? "tool-call" : "tool-result"}>
            <Text size="xs" fw={500} c="dimmed">
              {call ? t("playground.toolCall", { name: call.name }) : t("playground.toolResult")}
            </Text>
            <Text size="xs" ff="monospace" lineClamp={4} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              {call ? call.arguments : step.content}
            </Text>
          </Paper>
        );
      })}
    </Stack>
  );
}

/** The plugins the chat stopped for: a link each to consent at the provider, opened in a new tab. */
function Consents({ items }: { items: readonly Consent[] }) {
  const { t } = useTranslation();
  return (
    <Alert color="blue" mt="xs" data-testid="consents" title={t("playground.consent.title")}>
      <Stack gap={4}>
        {items.map((c) => (
          <Anchor key={c.plugin_id} href={c.authorize_url} target="_blank" rel="noreferrer noopener" size="sm">
            {t("playground.consent.authorize", { name: c.name })}
          </Anchor>
        ))}
        <Text size="xs" c="dimmed">
          {t("playground.consent.then")}
        </Text>
      </Stack>
    </Alert>
  );
}

function Sources({ items }: { items: Source[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} mt="xs" data-testid="sources">
      <Text size="xs" fw={500} c="dimmed">
        {t("playground.sources", { count: items.length })}
      </Text>
      {items.map((s, i) => (
        <Paper key={i} withBorder radius="sm" p={6} data-testid="source">
          <Group gap={6} justify="space-between" wrap="nowrap">
            <Text size="xs" fw={500} truncate>
              {s.url ? (
                <Anchor href={s.url} target="_blank" rel="noreferrer" size="xs">
                  {s.document || s.url}
                </Anchor>
              ) : (
                s.document
              )}
              {s.dataset ? ` · ${s.dataset}` : ""}
            </Text>
            <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
              {t("playground.sourceScore", { score: s.score.toFixed(2) })}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" lineClamp={3} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            {s.text}
          </Text>
        </Paper>
      ))}
    </Stack>
  );
}

function Tokens({ input, output }: { input: number; output: number }) {
  const { t } = useTranslation();
  return (
    <Text size="xs" c="dimmed" data-testid="tokens">
      {t("playground.tokens", { input, output, total: input + output })}
    </Text>
  );
}

function BranchSwitcher({ node, onStep }: { node: PathNode; onStep: (step: -1 | 1) => void }) {
  const { t } = useTranslation();
  if (node.siblings.length < 2) return null;
  return (
    <Group gap={4} data-testid="branch-switcher">
      <ActionIcon
        variant="subtle"
        size="sm"
        aria-label={t("playground.branch.previous")}
        disabled={node.index === 0}
        onClick={() => onStep(-1)}
      >
        {"<"}
      </ActionIcon>
      <Text size="xs">{`${node.index + 1}/${node.siblings.length}`}</Text>
      <ActionIcon
        variant="subtle"
        size="sm"
        aria-label={t("playground.branch.next")}
        disabled={node.index === node.siblings.length - 1}
        onClick={() => onStep(1)}
      >
        {">"}
      </ActionIcon>
    </Group>
  );
}

function Bubble({ role, children, testId }: { role: "user" | "assistant"; children: React.ReactNode; testId: string }) {
  return (
    <Paper
      data-testid={testId}
      p="sm"
      radius="md"
      withBorder
      maw="85%"
      style={{ alignSelf: role === "user" ? "flex-end" : "flex-start" }}
      bg={role === "user" ? "var(--mantine-color-blue-light)" : undefined}
    >
      {children}
    </Paper>
  );
}

export function ChatPage() {
  const { t } = useTranslation();
  const errorText = useErrorMessage();
  const { spaceId = "", agentId = "" } = useParams();
  const client = useQueryClient();
  const history = useQuery({ queryKey: historyKey(agentId), queryFn: () => fetchHistory(agentId), retry: false });
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [live, setLiveState] = useState<LiveTurn | null>(null);
  const [draft, setDraft] = useState("");
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [usage, setUsage] = useState(() => loadUsage(agentId));
  const [sources, setSources] = useState(() => loadSources(agentId));
  // The consent links of answers that asked for them, while this page is open (their text keeps them).
  const [consents, setConsents] = useState<Record<string, Consent[]>>({});
  const showSource = useQuery({
    queryKey: ["playground", "show-source", agentId],
    queryFn: () => fetchShowSource(spaceId, agentId),
    retry: false,
  }).data;
  const abort = useRef<AbortController | null>(null);
  const resumed = useRef(false);
  const bottom = useRef<HTMLDivElement | null>(null);

  const setLive = useCallback(
    (turn: LiveTurn | null) => {
      setLiveState(turn);
      if (turn && (turn.status === "streaming" || turn.status === "interrupted")) saveLive(turn);
      else dropLive(agentId);
    },
    [agentId],
  );

  const finish = useCallback(
    async (turn: LiveTurn) => {
      if (turn.status === "interrupted") return; // keep the partial answer, offer resume
      setUsage(rememberUsage(turn));
      setSources(rememberSources(turn));
      const asked = turn.consents;
      if (asked?.length && turn.answerId) setConsents((all) => ({ ...all, [turn.answerId]: asked }));
      await client.invalidateQueries({ queryKey: historyKey(agentId) });
      setChosen({});
      if (turn.status === "failed") setLiveState({ ...turn, cutAfter: turn.cutAfter });
      else setLiveState(null);
    },
    [agentId, client],
  );

  const stream = useCallback(
    async (path: string, body: unknown, turn: LiveTurn) => {
      setFailure(null);
      abort.current = new AbortController();
      setLive(turn);
      try {
        const end = await runStream(path, body, turn, setLive, abort.current.signal);
        await finish(end);
      } catch (err) {
        setLive(null);
        setFailure(err instanceof ApiError ? errorText(err) : t("playground.error.failed"));
      }
    },
    [errorText, finish, setLive, t],
  );

  const conversationId = history.data?.conversation_id ?? "";

  const tree = useMemo(() => buildTree(history.data?.message_list ?? []), [history.data]);
  const path = useMemo(() => pathOf(tree, chosen), [tree, chosen]);

  const newTurn = (query: string, cutAfter?: string, questionId = ""): LiveTurn => ({
    agentId,
    conversationId,
    questionId,
    chatId: "",
    seq: 0,
    query,
    cutAfter,
    answer: "",
    answerId: "",
    followUps: [],
    status: "streaming",
  });

  const send = (query: string) => {
    const text = query.trim();
    if (!text || live?.status === "streaming") return;
    setDraft("");
    void stream(
      "/api/conversation/chat",
      { bot_id: agentId, conversation_id: conversationId, query: text, content_type: "text", draft_mode: true, scene: 3 },
      newTurn(text),
    );
  };

  const regenerate = (node: PathNode) => {
    const question = node.message.reply_id || node.parentKey;
    void stream(
      "/api/conversation/chat",
      { bot_id: agentId, conversation_id: conversationId, query: "", regen_message_id: node.message.message_id, draft_mode: true },
      newTurn("", question, question),
    );
  };

  const submitEdit = (node: PathNode, text: string) => {
    setEditing(null);
    if (!text.trim()) return;
    void stream(
      "/api/conversation/chat",
      { bot_id: agentId, conversation_id: conversationId, query: text.trim(), edit_message_id: node.message.message_id, draft_mode: true },
      newTurn(text.trim(), node.parentKey),
    );
  };

  const resume = useCallback(
    (turn: LiveTurn) => {
      const body = turn.chatId
        ? { conversation_id: turn.conversationId, chat_id: turn.chatId, seq_id: turn.seq }
        : { conversation_id: turn.conversationId, message_id: turn.questionId, seq_id: turn.seq };
      void stream("/api/conversation/chat/resume", body, { ...turn, status: "streaming", error: undefined });
    },
    [stream],
  );

  // A reload while an answer streamed: pick the turn up where the last seq_id left it.
  useEffect(() => {
    if (resumed.current) return;
    resumed.current = true;
    const pending = loadLive(agentId);
    if (pending && (pending.chatId || pending.questionId)) resume(pending);
  }, [agentId, resume]);

  useEffect(() => () => abort.current?.abort(), []);

  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: "end" });
  }, [live?.answer, path.length]);

  const stop = async () => {
    if (!live) return;
    try {
      await api("/api/conversation/break_message", {
        conversation_id: live.conversationId,
        query_message_id: live.questionId || undefined,
        answer_message_id: live.answerId || undefined,
      });
    } catch (err) {
      setFailure(errorText(err));
    }
  };

  const clearContext = async () => {
    try {
      await api("/api/conversation/create_section", { conversation_id: conversationId });
      await client.invalidateQueries({ queryKey: historyKey(agentId) });
    } catch (err) {
      setFailure(errorText(err));
    }
  };

  if (history.isError) return <ErrorPanel error={history.error} onRetry={() => void history.refetch()} />;
  if (history.isPending) return <Loader aria-label={t("playground.loading")} />;

  const streaming = live?.status === "streaming";
  let shown = path;
  if (live?.cutAfter === ROOT) shown = [];
  else if (live?.cutAfter) {
    const at = path.findIndex((n) => n.message.message_id === live.cutAfter);
    if (at >= 0) shown = path.slice(0, at + 1);
  } else if (live?.questionId) {
    // After a reload: the history holds the question (and the unfinished answer) of the live turn.
    const at = path.findIndex((n) => n.message.message_id === live.questionId);
    if (at >= 0) shown = path.slice(0, at + 1);
  }
  const liveQuestionShown = !!live && shown.some((n) => n.message.message_id === live.questionId);
  const lastSection = history.data.last_section_id;
  const last = shown[shown.length - 1];

  return (
    <Stack gap="md" maw={900} mx="auto" h="100%">
      <Group justify="space-between" wrap="wrap">
        <Title order={2}>{t("playground.title")}</Title>
        <Group gap="xs">
          <Button variant="default" component={Link} to={`/spaces/${spaceId}/agents/${agentId}`}>
            {t("playground.editAgent")}
          </Button>
          <Button variant="default" onClick={() => void clearContext()} disabled={streaming || !conversationId}>
            {t("playground.clearContext")}
          </Button>
        </Group>
      </Group>
      {failure && (
        <Alert color="red" role="alert" withCloseButton onClose={() => setFailure(null)}>
          {failure}
        </Alert>
      )}
      {/* Vertical only, and the content as wide as the view (Mantine lays it out as a table that grows
          with its widest line): long words wrap instead of widening the page at 360 px. */}
      <ScrollArea.Autosize
        mah="calc(100vh - 280px)"
        type="auto"
        scrollbars="y"
        styles={{ content: { display: "block", minWidth: 0 } }}
      >
        <Stack gap="sm" data-testid="transcript" aria-live="polite">
          {shown.length === 0 && !live && <Text c="dimmed">{t("playground.empty")}</Text>}
          {shown.map((node, i) => {
            const m = node.message;
            const prev = shown[i - 1];
            const divider = prev && prev.message.section_id !== m.section_id;
            const tokens = m.type === "answer" ? (tokensOf(m) ?? usage[m.message_id] ?? null) : null;
            const isLast = node === last && !live;
            return (
              <Stack key={m.message_id} gap={4}>
                {divider && <Divider label={t("playground.contextCleared")} data-testid="section-divider" />}
                {m.type === "question" ? (
                  <Bubble role="user" testId="question">
                    {editing?.id === m.message_id ? (
                      <Stack gap={4}>
                        <Textarea
                          aria-label={t("playground.edit.label")}
                          value={editing.text}
                          autosize
                          onChange={(e) => setEditing({ id: m.message_id, text: e.currentTarget.value })}
                        />
                        <Group gap="xs">
                          <Button size="xs" onClick={() => submitEdit(node, editing.text)}>
                            {t("playground.edit.send")}
                          </Button>
                          <Button size="xs" variant="default" onClick={() => setEditing(null)}>
                            {t("playground.edit.cancel")}
                          </Button>
                        </Group>
                      </Stack>
                    ) : (
                      <Text style={{ whiteSpace: "pre-wrap" }}>{m.content}</Text>
                    )}
                    <Group gap="xs" justify="flex-end">
                      <BranchSwitcher node={node} onStep={(s) => setChosen(switchBranch(chosen, node, s))} />
                      {!streaming && editing?.id !== m.message_id && (
                        <Button size="compact-xs" variant="subtle" onClick={() => setEditing({ id: m.message_id, text: m.content })}>
                          {t("playground.edit.action")}
                        </Button>
                      )}
                    </Group>
                  </Bubble>
                ) : (
                  <Bubble role="assistant" testId="answer">
                    {node.tools.length > 0 && <ToolSteps steps={node.tools.map((s) => ({ id: s.message_id, type: s.type, content: s.content }))} />}
                    <Text style={{ whiteSpace: "pre-wrap" }} data-testid="answer-text">
                      {m.content}
                    </Text>
                    {showSource && sources[m.message_id]?.length ? <Sources items={sources[m.message_id]!} /> : null}
                    {consents[m.message_id]?.length ? <Consents items={consents[m.message_id]!} /> : null}
                    {m.status === "broken" && (
                      <Badge color="gray" size="xs">
                        {t("playground.stopped")}
                      </Badge>
                    )}
                    <Group gap="xs" justify="space-between">
                      {tokens ? <Tokens input={tokens.input} output={tokens.output} /> : <span />}
                      <Group gap="xs">
                        <BranchSwitcher node={node} onStep={(s) => setChosen(switchBranch(chosen, node, s))} />
                        {!streaming && (
                          <Button size="compact-xs" variant="subtle" onClick={() => regenerate(node)}>
                            {t("playground.regenerate")}
                          </Button>
                        )}
                      </Group>
                    </Group>
                    {isLast && node.followUps.length > 0 && (
                      <Group gap="xs" mt="xs" data-testid="follow-ups">
                        {node.followUps.map((f) => (
                          <Button key={f.message_id} size="compact-sm" variant="light" radius="xl" onClick={() => send(f.content)}>
                            {f.content}
                          </Button>
                        ))}
                      </Group>
                    )}
                  </Bubble>
                )}
                {lastSection && m.section_id !== lastSection && i === shown.length - 1 && !live && (
                  <Divider label={t("playground.contextCleared")} data-testid="section-divider" />
                )}
              </Stack>
            );
          })}
          {live && (
            <>
              {!liveQuestionShown && live.query && (
                <Bubble role="user" testId="question">
                  <Text style={{ whiteSpace: "pre-wrap" }}>{live.query}</Text>
                </Bubble>
              )}
              <Bubble role="assistant" testId="live-answer">
                {live.tools?.length ? <ToolSteps steps={live.tools} /> : null}
                <Text style={{ whiteSpace: "pre-wrap" }} data-testid="answer-text">
                  {live.answer}
                </Text>
                {showSource && live.sources?.length ? <Sources items={live.sources} /> : null}
                {live.consents?.length ? <Consents items={live.consents} /> : null}
                {streaming && <Loader size="xs" type="dots" aria-label={t("playground.streaming")} />}
                {live.status === "failed" && (
                  <Alert color="red" role="alert" mt="xs">
                    {live.error ?? t("playground.error.failed")}
                  </Alert>
                )}
                {live.status === "interrupted" && (
                  <Alert color="yellow" mt="xs" data-testid="interrupted">
                    <Group justify="space-between">
                      <Text size="sm">{t("playground.interrupted")}</Text>
                      <Button size="xs" onClick={() => resume(live)}>
                        {t("playground.resume")}
                      </Button>
                    </Group>
                  </Alert>
                )}
                {live.usage && (live.usage.input_count || live.usage.output_count) ? (
                  <Tokens input={live.usage.input_count ?? 0} output={live.usage.output_count ?? 0} />
                ) : null}
              </Bubble>
            </>
          )}
          <div ref={bottom} />
        </Stack>
      </ScrollArea.Autosize>
      <Card withBorder p="sm">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            send(draft);
          }}
        >
          <Group align="flex-end" wrap="nowrap">
            <Textarea
              style={{ flex: 1 }}
              aria-label={t("playground.input.label")}
              placeholder={t("playground.input.placeholder")}
              value={draft}
              autosize
              minRows={1}
              maxRows={6}
              onChange={(e) => setDraft(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  send(draft);
                }
              }}
            />
            {streaming ? (
              <Button color="red" onClick={() => void stop()}>
                {t("playground.stop")}
              </Button>
            ) : (
              <Button type="submit" disabled={!draft.trim()}>
                {t("playground.send")}
              </Button>
            )}
          </Group>
        </form>
      </Card>
    </Stack>
  );
}
