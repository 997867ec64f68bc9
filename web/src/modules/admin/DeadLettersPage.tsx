// /admin/dead-letters: events the consumers gave up on, newest first, filtered by consumer group
// and topic; inspect one (payload, error, attempts) and replay it.
import { Badge, Button, Group, Modal, Stack, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { type DeadLetter, deadLettersApi } from "./api";
import { ActionError, Empty, JsonBlock, PageHeader, useFormatTime } from "./shared";

const LIMIT = 50;
const GROUP = /^[a-z][a-z0-9_]{0,47}$/;
const TOPIC = /^[a-z][a-z0-9_]{0,47}(\.[a-z][a-z0-9_]{0,47}){0,5}$/;

function Inspect({ letter, onClose }: { letter: DeadLetter; onClose: () => void }) {
  const { t } = useTranslation();
  const time = useFormatTime();
  const client = useQueryClient();
  const replay = useMutation({
    mutationFn: () => deadLettersApi.replay(letter.id),
    onSuccess: async (done) => {
      notifications.show({ color: "green", message: t("admin.deadLetters.replayed", { topic: done.topic }) });
      await client.invalidateQueries({ queryKey: ["admin", "dead-letters"] });
    },
  });
  const shown = replay.data ?? letter;
  return (
    <Modal opened onClose={onClose} title={t("admin.deadLetters.inspect")} size="lg">
      <Stack gap="xs" data-testid="dead-letter">
        <Text size="sm">
          <b>{t("admin.deadLetters.topic")}:</b> {shown.topic} · <b>{t("admin.deadLetters.group")}:</b> {shown.group}
        </Text>
        <Text size="sm">
          <b>{t("admin.deadLetters.attempts")}:</b> {shown.attempts} · <b>{t("admin.deadLetters.createdAt")}:</b> {time(shown.created_at)}
        </Text>
        <Text size="sm">
          <b>{t("admin.deadLetters.replays")}:</b> {shown.replay_count}
          {shown.replayed_at ? ` · ${time(shown.replayed_at)}` : ""}
        </Text>
        <Text size="sm" fw={500}>
          {t("admin.deadLetters.error")}
        </Text>
        <Text size="sm" c="red" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
          {shown.error}
        </Text>
        <Text size="sm" fw={500}>
          {t("admin.deadLetters.payload")}
        </Text>
        <JsonBlock value={shown.payload} label={t("admin.deadLetters.payload")} />
        <ActionError error={replay.error} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            {t("admin.common.close")}
          </Button>
          <Button onClick={() => replay.mutate()} loading={replay.isPending}>
            {t("admin.deadLetters.replay")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function DeadLettersPage() {
  const { t } = useTranslation();
  const time = useFormatTime();
  const [group, setGroup] = useState("");
  const [topic, setTopic] = useState("");
  const [filter, setFilter] = useState<{ group?: string; topic?: string }>({});
  const [touched, setTouched] = useState(false);
  const [inspecting, setInspecting] = useState<DeadLetter | null>(null);
  const letters = useInfiniteQuery({
    queryKey: ["admin", "dead-letters", filter],
    queryFn: ({ pageParam }) => deadLettersApi.list(filter, pageParam, LIMIT),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_before_id ?? undefined,
  });
  const groupError = touched && group.trim() && !GROUP.test(group.trim()) ? t("admin.deadLetters.invalid.group") : null;
  const topicError = touched && topic.trim() && !TOPIC.test(topic.trim()) ? t("admin.deadLetters.invalid.topic") : null;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    const g = group.trim();
    const tp = topic.trim();
    if ((g && !GROUP.test(g)) || (tp && !TOPIC.test(tp))) return;
    setFilter({ group: g || undefined, topic: tp || undefined });
  };
  const rows = letters.data?.pages.flatMap((p) => p.dead_letters) ?? [];
  return (
    <Stack gap="sm">
      <PageHeader title={t("admin.deadLetters.title")} />
      <form onSubmit={apply} noValidate aria-label={t("admin.deadLetters.filters")}>
        <Group gap="xs" align="flex-start">
          <TextInput label={t("admin.deadLetters.group")} value={group} onChange={(e) => setGroup(e.currentTarget.value)} error={groupError} />
          <TextInput label={t("admin.deadLetters.topic")} value={topic} onChange={(e) => setTopic(e.currentTarget.value)} error={topicError} />
          <Button type="submit" mt={24}>
            {t("admin.audit.apply")}
          </Button>
        </Group>
      </form>
      {letters.isPending ? (
        <PageLoader />
      ) : letters.isError ? (
        <ErrorPanel error={letters.error} onRetry={() => void letters.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{t("admin.deadLetters.none")}</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label={t("admin.deadLetters.title")} highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("admin.deadLetters.createdAt")}</Table.Th>
                  <Table.Th>{t("admin.deadLetters.topic")}</Table.Th>
                  <Table.Th>{t("admin.deadLetters.group")}</Table.Th>
                  <Table.Th>{t("admin.deadLetters.error")}</Table.Th>
                  <Table.Th>{t("admin.common.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>{time(d.created_at)}</Table.Td>
                    <Table.Td>{d.topic}</Table.Td>
                    <Table.Td>{d.group}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={2} style={{ wordBreak: "break-word" }}>
                        {d.error}
                      </Text>
                      {d.replay_count > 0 ? (
                        <Badge size="xs" variant="light">
                          {t("admin.deadLetters.replayedN", { count: d.replay_count })}
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="default" onClick={() => setInspecting(d)}>
                        {t("admin.deadLetters.inspect")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {letters.hasNextPage ? (
            <Button variant="default" onClick={() => void letters.fetchNextPage()} loading={letters.isFetchingNextPage}>
              {t("admin.deadLetters.older")}
            </Button>
          ) : null}
        </>
      )}
      {inspecting ? <Inspect letter={inspecting} onClose={() => setInspecting(null)} /> : null}
    </Stack>
  );
}
