// The plugin's published versions, the newest first: name, when, what changed.
import { Group, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { PagedList, useNumberedPages } from "../../app/lists";
import { VERSION_PAGE_SIZE, keys, listVersions } from "./api";

export function VersionsSection({ pluginId }: { pluginId: string }) {
  const { t, i18n } = useTranslation();
  const { query, rows, total } = useNumberedPages(
    keys.versions(pluginId),
    (page) => listVersions(pluginId, page),
    VERSION_PAGE_SIZE,
    (p) => p.plugin_publish_info_list,
  );
  const when = (ms: number) => new Date(ms).toLocaleString(i18n.language);
  return (
    <Stack gap="sm" component="section" aria-labelledby="plugin-versions-title">
      <Title order={3} size="h4" id="plugin-versions-title">
        {t("plugins.versions.title")}
      </Title>
      <PagedList
        query={query}
        shown={rows.length}
        label={t("plugins.versions.title")}
        count={t("plugins.versions.count", { shown: rows.length, total })}
        moreLabel={t("plugins.list.more")}
        empty={
          <Text c="dimmed" data-testid="versions-empty">
            {t("plugins.versions.none")}
          </Text>
        }
      >
        {rows.map((v) => (
          <Stack key={`${v.version_name}-${v.version_ts}`} component="li" gap={2} data-testid="version-row">
            <Group gap="xs">
              <Text fw={600}>{v.version_name}</Text>
              <Text size="sm" c="dimmed">
                {when(v.version_ts)}
              </Text>
            </Group>
            {v.version_desc ? (
              <Text size="sm" style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
                {v.version_desc}
              </Text>
            ) : null}
          </Stack>
        ))}
      </PagedList>
    </Stack>
  );
}
