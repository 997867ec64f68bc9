// The plugin tools an agent calls on the server: published tools of its space and the built-in ones.
import { Alert, MultiSelect, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { LIMITS, type DraftForm } from "./draft";
import type { PlaygroundPlugin } from "./types";

interface Props {
  form: DraftForm;
  plugins: PlaygroundPlugin[] | undefined;
  pluginsError: string | null;
  onChange: (patch: Partial<DraftForm>) => void;
}

export function PluginsSection({ form, plugins, pluginsError, onChange }: Props) {
  const { t } = useTranslation();
  const groups = (plugins ?? []).map((p) => ({
    group: p.name,
    items: p.plugin_apis.map((a) => ({ value: `${p.id}:${a.api_id}`, label: `${a.name} · ${p.name}` })),
  }));
  const known = new Set(groups.flatMap((g) => g.items.map((i) => i.value)));
  // Bound tools the list does not have (unpublished or deactivated since): shown so they can go.
  const missing = plugins === undefined ? [] : form.pluginTools.filter((key) => !known.has(key));
  if (missing.length) {
    groups.push({
      group: t("agents.plugins.unavailableGroup"),
      items: missing.map((key) => ({ value: key, label: t("agents.plugins.unavailable", { id: key }) })),
    });
  }
  return (
    <Stack gap="sm">
      <MultiSelect
        label={t("agents.plugins.tools")}
        description={t("agents.plugins.toolsHint")}
        placeholder={known.size ? t("agents.plugins.choose") : t("agents.plugins.none")}
        data={groups}
        value={form.pluginTools}
        onChange={(pluginTools) => onChange({ pluginTools })}
        maxValues={LIMITS.pluginTools}
        searchable
        clearable
        nothingFoundMessage={t("agents.plugins.noMatch")}
        comboboxProps={{ withinPortal: true }}
        data-testid="plugin-tools-select"
      />
      {pluginsError ? (
        <Alert color="red" variant="light" role="alert">
          {pluginsError}
        </Alert>
      ) : null}
      {missing.length > 0 ? (
        <Text size="sm" c="orange" data-testid="plugin-tools-missing">
          {t("agents.plugins.unavailableHint")}
        </Text>
      ) : null}
    </Stack>
  );
}
