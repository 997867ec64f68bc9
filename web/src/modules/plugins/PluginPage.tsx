// One plugin: its information (edited in a dialog), its tools, publishing and the published
// versions. Each part is its own section component; a new part (OAuth consent, say) is one more.
import { Badge, Button, Group, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { getPlugin, keys } from "./api";
import { metaFormOf } from "./auth";
import { Authorization } from "./Authorization";
import { MetaModal } from "./MetaModal";
import { pluginListPath, useFollowSpace } from "./paths";
import { PublishModal } from "./PublishModal";
import { ToolsSection } from "./ToolsSection";
import type { PluginInfo } from "./types";
import { VersionsSection } from "./VersionsSection";

export function PluginPage() {
  const { spaceId = "", pluginId = "" } = useParams();
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [publishing, setPublishing] = useState(false);
  useFollowSpace(spaceId);
  const info = useQuery({ queryKey: keys.plugin(pluginId), queryFn: () => getPlugin(pluginId) });

  if (info.isPending) return <PageLoader />;
  if (info.error) return <ErrorPanel error={info.error} onRetry={() => void info.refetch()} />;
  const p = info.data;
  return (
    <Stack gap="md" maw={1100}>
      <Text component={Link} to={pluginListPath(spaceId)} size="sm">
        {t("plugins.page.back")}
      </Text>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Group gap="xs">
          <Title order={2}>{p.meta_info.name}</Title>
          <Badge variant="light" color={p.published ? "green" : "gray"}>
            {p.published ? t("plugins.list.published") : t("plugins.list.draft")}
          </Badge>
          {p.published && p.status ? (
            <Badge variant="light" color="yellow">
              {t("plugins.page.changed")}
            </Badge>
          ) : null}
        </Group>
        <Group gap="xs">
          <Button variant="default" onClick={() => setEditing(true)}>
            {t("plugins.page.edit")}
          </Button>
          <Button onClick={() => setPublishing(true)}>{t("plugins.publish.open")}</Button>
        </Group>
      </Group>
      <About plugin={p} />
      <Authorization pluginId={pluginId} />
      <ToolsSection pluginId={pluginId} mcp={Boolean(p.meta_info.mcp_transport)} />
      <VersionsSection pluginId={pluginId} />
      {editing ? <MetaModal spaceId={spaceId} pluginId={pluginId} meta={p.meta_info} onClose={() => setEditing(false)} /> : null}
      <PublishModal spaceId={spaceId} pluginId={pluginId} opened={publishing} onClose={() => setPublishing(false)} />
    </Stack>
  );
}

/** The description, the server and how calls authenticate. */
function About({ plugin: p }: { plugin: PluginInfo }) {
  const { t } = useTranslation();
  const form = metaFormOf(p.meta_info);
  const where = form.location === "2" ? t("plugins.meta.query") : t("plugins.meta.header");
  const auth = t(`plugins.auth.${form.auth}`) + (form.auth === "service" ? ` (${where}: ${form.key})` : "");
  return (
    <Stack gap={4} data-testid="plugin-about">
      {p.meta_info.desc ? <Text style={{ overflowWrap: "anywhere" }}>{p.meta_info.desc}</Text> : null}
      <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
        {t("plugins.page.url", { url: p.meta_info.url })}
      </Text>
      <Text size="sm" c="dimmed" data-testid="plugin-auth">
        {t("plugins.page.auth", { auth })}
      </Text>
    </Stack>
  );
}
