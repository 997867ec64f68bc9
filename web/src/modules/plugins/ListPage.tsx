// A space's plugins: search by name (on the server), open, delete after a confirmation.
import { Badge, Button, Group, Stack, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";

import { DeleteConfirm } from "../../app/confirm";
import { EmptyList, ListRow, NoMatch, PagedList, SearchBox, useNumberedPages } from "../../app/lists";
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

  const { query, rows: plugins, total } = useNumberedPages(
    keys.list(spaceId, name),
    (page) => listPlugins(spaceId, name, page),
    PAGE_SIZE,
    (p) => p.plugin_list,
  );
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
          <ListRow
            key={p.id}
            attributes={{ "data-testid": "plugins-row", "data-plugin-id": p.id }}
            name={p.name}
            to={pluginPath(spaceId, p.id)}
            badges={<StatusBadge plugin={p} />}
            description={p.desc_for_human}
            deleteLabel={t("plugins.list.deleteNamed", { name: p.name })}
            onDelete={p.can_edit ? () => setDeleting(p) : undefined}
          />
        ))}
      </PagedList>
      <DeleteConfirm
        target={deleting}
        title={t("plugins.delete.title")}
        body={(p) => t("plugins.delete.body", { name: p.name })}
        done={(p) => t("plugins.delete.done", { name: p.name })}
        remove={(p) => deletePlugin(p.id)}
        invalidate={keys.all(spaceId)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}

function StatusBadge({ plugin: p }: { plugin: PluginSummary }) {
  const { t } = useTranslation();
  const published = isPublished(p);
  return (
    <Badge size="sm" variant="light" color={published ? "green" : "gray"}>
      {published ? `${t("plugins.list.published")}${p.version_name ? ` ${p.version_name}` : ""}` : t("plugins.list.draft")}
    </Badge>
  );
}
