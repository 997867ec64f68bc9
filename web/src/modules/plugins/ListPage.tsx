// A space's plugins: search by name (on the server), open, delete after a confirmation.
import { Badge, Button, Card, Group, Modal, Stack, Text, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";

import { FailureAlert } from "../../app/errors";
import { EmptyList, NoMatch, PagedList, SearchBox } from "../../app/lists";
import { NAME_LIMIT, PAGE_SIZE, deletePlugin, isPublished, keys, listPlugins } from "./api";
import { pluginPath, registerPath, useFollowSpace } from "./paths";
import type { PluginSummary } from "./types";

export function PluginListPage() {
  const { spaceId = "" } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const [name] = useDebouncedValue(search.trim(), 300);
  const [deleting, setDeleting] = useState<PluginSummary | null>(null);
  useFollowSpace(spaceId);

  const query = useInfiniteQuery({
    queryKey: keys.list(spaceId, name),
    queryFn: ({ pageParam }) => listPlugins(spaceId, name, pageParam),
    initialPageParam: 1,
    getNextPageParam: (last, pages) => (pages.length * PAGE_SIZE < Number(last.total) ? pages.length + 1 : undefined),
    placeholderData: (previous) => previous,
  });
  const plugins = query.data?.pages.flatMap((p) => p.plugin_list) ?? [];
  const total = Number(query.data?.pages[query.data.pages.length - 1]?.total ?? 0);
  const register = () => void navigate(registerPath(spaceId));

  return (
    <Stack gap="md" maw={960}>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Title order={2}>{t("plugins.list.title")}</Title>
        <Button component={Link} to={registerPath(spaceId)} data-testid="plugins-register">
          {t("plugins.list.create")}
        </Button>
      </Group>
      <SearchBox
        query={query}
        label={t("plugins.list.search")}
        placeholder={t("plugins.list.searchPlaceholder")}
        value={search}
        maxLength={NAME_LIMIT}
        onChange={(e) => setSearch(e.currentTarget.value)}
      />
      <PagedList
        query={query}
        shown={plugins.length}
        label={t("plugins.list.title")}
        count={t("plugins.list.count", { shown: plugins.length, total })}
        moreLabel={t("plugins.list.more")}
        empty={
          name !== "" ? (
            <NoMatch testId="plugins-no-match">{t("plugins.list.noMatch")}</NoMatch>
          ) : (
            <EmptyList
              testId="plugins-empty"
              title={t("plugins.list.emptyTitle")}
              body={t("plugins.list.emptyBody")}
              action={t("plugins.list.create")}
              onAction={register}
            />
          )
        }
      >
        {plugins.map((p) => (
          <PluginRow key={p.id} spaceId={spaceId} plugin={p} onDelete={() => setDeleting(p)} />
        ))}
      </PagedList>
      <DeleteModal spaceId={spaceId} plugin={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

function PluginRow({ spaceId, plugin: p, onDelete }: { spaceId: string; plugin: PluginSummary; onDelete: () => void }) {
  const { t } = useTranslation();
  const published = isPublished(p);
  return (
    <Card component="li" withBorder padding="sm" data-testid="plugins-row" data-plugin-id={p.id}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs" wrap="wrap">
            <Text component={Link} to={pluginPath(spaceId, p.id)} fw={600} style={{ overflowWrap: "anywhere" }}>
              {p.name}
            </Text>
            <Badge size="sm" variant="light" color={published ? "green" : "gray"}>
              {published ? `${t("plugins.list.published")}${p.version_name ? ` ${p.version_name}` : ""}` : t("plugins.list.draft")}
            </Badge>
          </Group>
          {p.desc_for_human ? (
            <Text size="sm" c="dimmed" lineClamp={2} style={{ overflowWrap: "anywhere" }}>
              {p.desc_for_human}
            </Text>
          ) : null}
        </Stack>
        {p.can_edit ? (
          <Button
            size="compact-sm"
            variant="subtle"
            color="red"
            aria-label={t("plugins.list.deleteNamed", { name: p.name })}
            onClick={onDelete}
          >
            {t("plugins.common.delete")}
          </Button>
        ) : null}
      </Group>
    </Card>
  );
}

function DeleteModal({ spaceId, plugin, onClose }: { spaceId: string; plugin: PluginSummary | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => deletePlugin(id),
    onSuccess: () => {
      notifications.show({ color: "green", message: t("plugins.delete.done", { name: plugin?.name }) });
      void client.invalidateQueries({ queryKey: keys.all(spaceId) });
      close();
    },
  });
  function close() {
    remove.reset();
    onClose();
  }
  return (
    <Modal opened={plugin !== null} onClose={close} title={t("plugins.delete.title")}>
      <Stack gap="sm">
        <Text style={{ overflowWrap: "anywhere" }}>{t("plugins.delete.body", { name: plugin?.name ?? "" })}</Text>
        <FailureAlert error={remove.error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close} data-autofocus>
            {t("plugins.common.cancel")}
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => plugin && remove.mutate(plugin.id)}>
            {t("plugins.common.delete")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
