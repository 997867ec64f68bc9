// Publishing an agent: the connectors to publish to, a note about the version, and the history.
import {
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Card,
  Checkbox,
  Group,
  Pagination,
  Stack,
  Text,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { ErrorPanel, FailureAlert } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { useFollowSpace } from "../../app/space";
import { HISTORY_PAGE_SIZE, formatTime, getDraft, keys, listConnectors, listHistory, publishAgent } from "./api";
import { LIMITS } from "./draft";
import { agentPath, agentsPath } from "./paths";
import type { PublishConnector } from "./types";

export function PublishPage() {
  const { spaceId = "", agentId = "" } = useParams();
  const { t } = useTranslation();
  useFollowSpace(spaceId, (id) => agentsPath(id));
  const draft = useQuery({ queryKey: keys.draft(agentId), queryFn: () => getDraft(spaceId, agentId) });
  const connectors = useQuery({
    queryKey: keys.connectors(agentId),
    queryFn: () => listConnectors(spaceId, agentId),
  });
  if (draft.isPending || connectors.isPending) return <PageLoader />;
  if (draft.isError) return <ErrorPanel error={draft.error} onRetry={() => void draft.refetch()} />;
  if (connectors.isError) return <ErrorPanel error={connectors.error} onRetry={() => void connectors.refetch()} />;
  const name = draft.data.bot_info.name;
  return (
    <Stack gap="md" maw={960}>
      <Breadcrumbs separator="›">
        <Anchor component={Link} to={agentsPath(spaceId)} size="sm">
          {t("agents.list.title")}
        </Anchor>
        <Anchor component={Link} to={agentPath(spaceId, agentId)} size="sm" truncate maw={200}>
          {name}
        </Anchor>
        <Text size="sm">{t("agents.publish.crumb")}</Text>
      </Breadcrumbs>
      <Title order={2} style={{ overflowWrap: "anywhere" }}>
        {t("agents.publish.title", { name })}
      </Title>
      <PublishForm spaceId={spaceId} agentId={agentId} connectors={connectors.data} />
      <History spaceId={spaceId} agentId={agentId} />
    </Stack>
  );
}

function PublishForm({
  spaceId,
  agentId,
  connectors,
}: {
  spaceId: string;
  agentId: string;
  connectors: PublishConnector[];
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const usable = connectors.filter((c) => c.connector_status === 0);
  const [chosen, setChosen] = useState<string[]>(() => {
    const last = usable.filter((c) => c.is_last_published).map((c) => c.id);
    return last.length > 0 ? last : usable.map((c) => c.id);
  });
  const [note, setNote] = useState("");
  const [touched, setTouched] = useState(false);
  const publish = useMutation({
    mutationFn: () => publishAgent(spaceId, agentId, chosen, note),
    onSuccess: (result) => {
      notifications.show({ color: "green", message: t("agents.publish.done", { version: result.version }) });
      setNote("");
      setTouched(false);
      void client.invalidateQueries({ queryKey: keys.connectors(agentId) });
      void client.invalidateQueries({ queryKey: keys.histories(agentId) });
      void client.invalidateQueries({ queryKey: keys.draft(agentId) });
      void client.invalidateQueries({ queryKey: keys.lists(spaceId) });
    },
  });
  const noneChosen = touched && chosen.length === 0;
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (chosen.length > 0) publish.mutate();
  }
  return (
    <Card withBorder padding="md" component="form" onSubmit={submit} noValidate aria-label={t("agents.publish.form")}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t("agents.publish.hint")}
        </Text>
        <Checkbox.Group
          label={t("agents.publish.connectors")}
          value={chosen}
          onChange={setChosen}
          error={noneChosen ? t("agents.publish.chooseOne") : null}
        >
          <Stack gap="xs" mt="xs">
            {connectors.map((c) => (
              <Checkbox
                key={c.id}
                value={c.id}
                disabled={c.connector_status !== 0}
                label={c.name}
                description={
                  [c.desc, c.last_publish_version ? t("agents.publish.live", { version: c.last_publish_version }) : ""]
                    .filter(Boolean)
                    .join(" · ") || undefined
                }
                data-testid={`connector-${c.id}`}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        <Stack gap={4}>
          <Textarea
            label={t("agents.publish.note")}
            description={t("agents.publish.noteHint")}
            value={note}
            maxLength={LIMITS.versionNote}
            autosize
            minRows={2}
            maxRows={6}
            onChange={(e) => setNote(e.currentTarget.value)}
            data-testid="version-note"
          />
          <Text size="xs" c="dimmed" ta="right">
            {t("agents.common.chars", { used: note.length, limit: LIMITS.versionNote })}
          </Text>
        </Stack>
        <FailureAlert error={publish.error} testId="publish-error" title={t("agents.publish.failed")} />
        <Group justify="flex-end">
          <Button type="submit" loading={publish.isPending} data-testid="publish">
            {t("agents.publish.submit")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function History({ spaceId, agentId }: { spaceId: string; agentId: string }) {
  const { t, i18n } = useTranslation();
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: keys.history(agentId, page),
    queryFn: () => listHistory(spaceId, agentId, page),
    placeholderData: keepPreviousData,
  });
  const pages = Math.max(1, Math.ceil((query.data?.total ?? 0) / HISTORY_PAGE_SIZE));
  let body;
  if (query.isPending) body = <PageLoader />;
  else if (query.isError) body = <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  else if (query.data.history_infos.length === 0)
    body = (
      <Text c="dimmed" size="sm" data-testid="history-empty">
        {t("agents.history.empty")}
      </Text>
    );
  else
    body = (
      <Stack gap="xs" component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {query.data.history_infos.map((h) => (
          <Card key={h.publish_id} component="li" withBorder padding="sm" data-testid="history-row">
            <Group justify="space-between" gap="xs" wrap="wrap">
              <Text fw={600} size="sm" style={{ overflowWrap: "anywhere" }}>
                {t("agents.history.version", { version: h.version })}
              </Text>
              <Text size="xs" c="dimmed">
                {formatTime(h.create_time, i18n.language)}
              </Text>
            </Group>
            <Group gap={4} mt={4} wrap="wrap">
              {h.connector_infos.map((c) => (
                <Badge key={c.id} size="sm" variant="light">
                  {c.name || c.id}
                </Badge>
              ))}
            </Group>
            {h.info ? (
              <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="history-note">
                {h.info}
              </Text>
            ) : null}
          </Card>
        ))}
      </Stack>
    );
  return (
    <Stack gap="sm" component="section" aria-label={t("agents.history.title")}>
      <Title order={3} size="h4">
        {t("agents.history.title")}
      </Title>
      {body}
      {pages > 1 ? (
        <Pagination
          total={pages}
          value={page}
          onChange={setPage}
          size="sm"
        />
      ) : null}
    </Stack>
  );
}
