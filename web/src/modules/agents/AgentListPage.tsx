// A space's agents: search (on the server), create, duplicate, delete, and more pages on demand.
import { Badge, Button, Card, Group, Modal, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";

import { useErrorMessage } from "../../app/errors";
import { EmptyList, NoMatch, PagedList, SearchBox } from "../../app/lists";
import { useFollowSpace } from "../../app/space";
import { createAgent, deleteAgent, duplicateAgent, formatTime, keys, listAgents } from "./api";
import { LIMITS } from "./draft";
import { agentPath } from "./paths";
import type { Intelligence } from "./types";

export function AgentListPage() {
  const { spaceId = "" } = useParams();
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [name] = useDebouncedValue(search.trim(), 300);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Intelligence | null>(null);
  useFollowSpace(spaceId, (id) => `/spaces/${id}/agents`);

  const query = useInfiniteQuery({
    queryKey: keys.list(spaceId, name),
    queryFn: ({ pageParam }) => listAgents(spaceId, name, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? last.next_cursor_id : undefined),
    placeholderData: (previous) => previous,
  });

  const agents = query.data?.pages.flatMap((p) => p.intelligences) ?? [];
  const total = query.data?.pages[query.data.pages.length - 1]?.total ?? 0;
  const searching = name !== "";

  return (
    <Stack gap="md" maw={960}>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Title order={2}>{t("agents.list.title")}</Title>
        <Button onClick={() => setCreating(true)} data-testid="agent-create">
          {t("agents.list.create")}
        </Button>
      </Group>
      <SearchBox
        query={query}
        label={t("agents.list.search")}
        placeholder={t("agents.list.searchPlaceholder")}
        value={search}
        maxLength={LIMITS.name}
        onChange={(e) => setSearch(e.currentTarget.value)}
        data-testid="agents-search"
      />
      <PagedList
        query={query}
        shown={agents.length}
        label={t("agents.list.title")}
        count={t("agents.list.count", { shown: agents.length, total })}
        moreLabel={t("agents.list.more")}
        empty={
          searching ? (
            <NoMatch testId="agents-no-match">{t("agents.list.noMatch", { name })}</NoMatch>
          ) : (
            <EmptyList
              testId="agents-empty"
              title={t("agents.list.emptyTitle")}
              body={t("agents.list.emptyBody")}
              action={t("agents.list.create")}
              onAction={() => setCreating(true)}
            />
          )
        }
      >
        {agents.map((a) => (
          <AgentRow key={a.basic_info.id} spaceId={spaceId} agent={a} onDelete={() => setDeleting(a)} />
        ))}
      </PagedList>
      <CreateAgentModal spaceId={spaceId} opened={creating} onClose={() => setCreating(false)} />
      <DeleteAgentModal spaceId={spaceId} agent={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

function AgentRow({ spaceId, agent, onDelete }: { spaceId: string; agent: Intelligence; onDelete: () => void }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const message = useErrorMessage();
  const a = agent.basic_info;
  const duplicate = useMutation({
    mutationFn: () => duplicateAgent(spaceId, a.id),
    onSuccess: (copy) => {
      notifications.show({ color: "green", message: t("agents.list.duplicated", { name: copy.name }) });
      void client.invalidateQueries({ queryKey: keys.lists(spaceId) });
    },
    onError: (err) => notifications.show({ color: "red", message: message(err) }),
  });
  const updated = formatTime(a.update_time, i18n.language);
  return (
    <Card component="li" withBorder padding="sm" data-testid="agent-row" data-agent-id={a.id}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs" wrap="wrap">
            <Text
              component={Link}
              to={agentPath(spaceId, a.id)}
              fw={600}
              style={{ overflowWrap: "anywhere" }}
            >
              {a.name}
            </Text>
            {agent.publish_info.has_published ? (
              <Badge size="sm" variant="light" color="green">
                {t("agents.list.published")}
              </Badge>
            ) : (
              <Badge size="sm" variant="light" color="gray">
                {t("agents.list.draft")}
              </Badge>
            )}
          </Group>
          {a.description ? (
            <Text size="sm" c="dimmed" lineClamp={2} style={{ overflowWrap: "anywhere" }}>
              {a.description}
            </Text>
          ) : null}
          {updated ? (
            <Text size="xs" c="dimmed">
              {t("agents.list.updated", { time: updated })}
            </Text>
          ) : null}
        </Stack>
        <Group gap={4} wrap="nowrap">
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label={t("agents.list.duplicateNamed", { name: a.name })}
            loading={duplicate.isPending}
            onClick={() => duplicate.mutate()}
            data-testid="agent-duplicate"
          >
            {t("agents.list.duplicate")}
          </Button>
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            aria-label={t("agents.list.deleteNamed", { name: a.name })}
            onClick={onDelete}
            data-testid="agent-delete"
          >
            {t("agents.list.delete")}
          </Button>
        </Group>
      </Group>
    </Card>
  );
}

function CreateAgentModal({ spaceId, opened, onClose }: { spaceId: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const message = useErrorMessage();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [touched, setTouched] = useState(false);
  const create = useMutation({
    mutationFn: () => createAgent(spaceId, name.trim(), description),
    onSuccess: (made) => {
      void client.invalidateQueries({ queryKey: keys.lists(spaceId) });
      close();
      void navigate(agentPath(spaceId, made.bot_id));
    },
  });
  function close() {
    setName("");
    setDescription("");
    setTouched(false);
    create.reset();
    onClose();
  }
  const nameError = touched && !name.trim() ? t("agents.create.nameRequired") : null;
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (name.trim()) create.mutate();
  }
  return (
    <Modal opened={opened} onClose={close} title={t("agents.create.title")}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t("agents.create.name")}
            required
            data-autofocus
            value={name}
            maxLength={LIMITS.name}
            description={t("agents.common.chars", { used: name.length, limit: LIMITS.name })}
            error={nameError}
            onChange={(e) => setName(e.currentTarget.value)}
            data-testid="agent-create-name"
          />
          <Textarea
            label={t("agents.create.description")}
            value={description}
            maxLength={LIMITS.description}
            autosize
            minRows={2}
            maxRows={6}
            description={t("agents.common.chars", { used: description.length, limit: LIMITS.description })}
            onChange={(e) => setDescription(e.currentTarget.value)}
            data-testid="agent-create-description"
          />
          {create.isError ? (
            <Text c="red" size="sm" role="alert">
              {message(create.error)}
            </Text>
          ) : null}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="agent-create-submit">
              {t("agents.create.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteAgentModal({
  spaceId,
  agent,
  onClose,
}: {
  spaceId: string;
  agent: Intelligence | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const message = useErrorMessage();
  const remove = useMutation({
    mutationFn: (id: string) => deleteAgent(spaceId, id),
    onSuccess: () => {
      notifications.show({ color: "green", message: t("agents.delete.done", { name: agent?.basic_info.name }) });
      void client.invalidateQueries({ queryKey: keys.lists(spaceId) });
      close();
    },
  });
  function close() {
    remove.reset();
    onClose();
  }
  return (
    <Modal opened={agent !== null} onClose={close} title={t("agents.delete.title")}>
      <Stack gap="sm">
        <Text style={{ overflowWrap: "anywhere" }}>
          {t("agents.delete.body", { name: agent?.basic_info.name ?? "" })}
        </Text>
        {remove.isError ? (
          <Text c="red" size="sm" role="alert">
            {message(remove.error)}
          </Text>
        ) : null}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} data-autofocus>
            {t("common.cancel")}
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() => agent && remove.mutate(agent.basic_info.id)}
            data-testid="agent-delete-confirm"
          >
            {t("agents.delete.confirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
