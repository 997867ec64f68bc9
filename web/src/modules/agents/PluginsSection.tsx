// The plugin tools an agent calls on the server: published tools of its space and the built-in ones;
// for each saved one, the agent's own default values and hidden parameters.
import { Alert, Button, Group, MultiSelect, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { LIMITS, type DraftForm } from "./draft";
import { ToolParamsModal, type BoundTool } from "./ToolParams";
import type { PlaygroundPlugin } from "./types";

interface Props {
  agentId: string;
  form: DraftForm;
  /** The tools bound in the saved draft (parameters are set for those only). */
  savedTools: string[];
  plugins: PlaygroundPlugin[] | undefined;
  pluginsError: string | null;
  onChange: (patch: Partial<DraftForm>) => void;
}

export function PluginsSection({ agentId, form, savedTools, plugins, pluginsError, onChange }: Props) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<BoundTool | null>(null);
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
      <BoundTools tools={boundTools(plugins ?? [], savedTools.filter((k) => form.pluginTools.includes(k)))} onOpen={setEditing} />
      {editing ? (
        <ToolParamsModal
          agentId={agentId}
          tool={editing}
          variables={form.variables.map((v) => v.key.trim()).filter(Boolean)}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </Stack>
  );
}

/** The saved tools the list names ("pluginId:apiId" keys), with their names. */
export function boundTools(plugins: PlaygroundPlugin[], keys: string[]): BoundTool[] {
  const found: BoundTool[] = [];
  for (const key of keys) {
    const [pluginId = "", apiId = ""] = key.split(":");
    const plugin = plugins.find((p) => p.id === pluginId);
    const api = plugin?.plugin_apis.find((a) => a.api_id === apiId);
    if (plugin && api) found.push({ pluginId, apiName: api.name, label: `${api.name} · ${plugin.name}` });
  }
  return found;
}

function BoundTools({ tools, onOpen }: { tools: BoundTool[]; onOpen: (t: BoundTool) => void }) {
  const { t } = useTranslation();
  if (tools.length === 0) return null;
  return (
    <Stack gap={4} data-testid="bound-tools">
      <Text size="sm" fw={500}>
        {t("agents.toolParams.section")}
      </Text>
      {tools.map((tool) => (
        <Group key={`${tool.pluginId}:${tool.apiName}`} gap="xs" justify="space-between" wrap="nowrap">
          <Text size="sm" truncate>
            {tool.label}
          </Text>
          <Button
            size="compact-xs"
            variant="default"
            aria-label={t("agents.toolParams.openNamed", { name: tool.label })}
            onClick={() => onOpen(tool)}
          >
            {t("agents.toolParams.open")}
          </Button>
        </Group>
      ))}
    </Stack>
  );
}
