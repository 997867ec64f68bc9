// The plugin's tools: each enabled or disabled, debugged, edited; a new one added. An MCP server's
// tools are the server's: listed again from it ("Refresh from the server"), never edited here.
import { Badge, Button, Code, Group, Stack, Switch, Table, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ErrorPanel, FailureAlert } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { DataTable } from "../../app/tables";
import { METHODS, keys, listTools, refreshMcpTools, setToolDisabled } from "./api";
import { DebugPanel } from "./DebugPanel";
import { ToolEditor } from "./ToolEditor";
import type { PluginTool } from "./types";

/** Which editor is open: none, a new tool, or one tool. */
type Editing = { tool: PluginTool | null } | null;

export function ToolsSection({ pluginId, mcp = false }: { pluginId: string; mcp?: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const tools = useQuery({ queryKey: keys.tools(pluginId), queryFn: () => listTools(pluginId) });
  const [debugging, setDebugging] = useState<PluginTool | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const refresh = useMutation({
    mutationFn: () => refreshMcpTools(pluginId),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.tools(pluginId) });
      void client.invalidateQueries({ queryKey: keys.plugin(pluginId) });
    },
  });
  return (
    <Stack gap="sm" component="section" aria-labelledby="plugin-tools-title">
      <Group justify="space-between">
        <Title order={3} size="h4" id="plugin-tools-title">
          {t("plugins.tools.title")}
        </Title>
        {mcp ? (
          <Button variant="light" size="compact-sm" loading={refresh.isPending} onClick={() => refresh.mutate()}>
            {t("plugins.tools.refresh")}
          </Button>
        ) : (
          <Button variant="light" size="compact-sm" onClick={() => setEditing({ tool: null })}>
            {t("plugins.tools.add")}
          </Button>
        )}
      </Group>
      <FailureAlert error={refresh.error} />
      {tools.error ? (
        <ErrorPanel error={tools.error} onRetry={() => void tools.refetch()} />
      ) : tools.isPending ? (
        <PageLoader />
      ) : (
        <ToolsTable
          pluginId={pluginId}
          tools={tools.data.api_info}
          onDebug={setDebugging}
          onEdit={mcp ? undefined : (tool) => setEditing({ tool })}
        />
      )}
      {debugging ? (
        <DebugPanel key={debugging.api_id} pluginId={pluginId} tool={debugging} onClose={() => setDebugging(null)} />
      ) : null}
      {editing ? (
        <ToolEditor key={editing.tool?.api_id ?? "new"} pluginId={pluginId} tool={editing.tool} onClose={() => setEditing(null)} />
      ) : null}
    </Stack>
  );
}

interface TableProps {
  pluginId: string;
  tools: PluginTool[];
  onDebug: (t: PluginTool) => void;
  /** Absent for an MCP server's tools, which are not edited here. */
  onEdit?: (t: PluginTool) => void;
}

function ToolsTable({ pluginId, tools, onDebug, onEdit }: TableProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: ({ tool, enabled }: { tool: PluginTool; enabled: boolean }) =>
      setToolDisabled(pluginId, tool.api_id, !enabled),
    onSettled: () => void client.invalidateQueries({ queryKey: keys.tools(pluginId) }),
  });
  if (tools.length === 0) return <Text c="dimmed">{t("plugins.tools.empty")}</Text>;
  const columns = ["name", "method", "path", "debug", "enabled"].map((c) => t(`plugins.tools.${c}`));
  return (
    <Stack gap="xs">
      <FailureAlert error={toggle.error} />
      <DataTable minWidth={640} aria-label={t("plugins.tools.title")} columns={[...columns, ""]}>
        {tools.map((tool) => (
          <Table.Tr key={tool.api_id} data-testid="tool-row">
            <Table.Td>
              <Text fw={600}>{tool.name}</Text>
              {tool.desc ? (
                <Text size="xs" c="dimmed" lineClamp={2}>
                  {tool.desc}
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>{METHODS[tool.method] ?? String(tool.method)}</Table.Td>
            <Table.Td>
              <Code>{tool.path}</Code>
            </Table.Td>
            <Table.Td>
              <Badge size="sm" variant="light" color={tool.debug_status === 1 ? "green" : "gray"}>
                {tool.debug_status === 1 ? t("plugins.tools.passed") : t("plugins.tools.notDebugged")}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Switch
                aria-label={t("plugins.tools.enableNamed", { name: tool.name })}
                checked={!tool.disabled}
                onChange={(e) => toggle.mutate({ tool, enabled: e.currentTarget.checked })}
              />
            </Table.Td>
            <Table.Td>
              <Group gap="xs" wrap="nowrap">
                {onEdit ? (
                  <Button
                    size="compact-sm"
                    variant="default"
                    aria-label={t("plugins.tools.editNamed", { name: tool.name })}
                    onClick={() => onEdit(tool)}
                  >
                    {t("plugins.tools.edit")}
                  </Button>
                ) : null}
                <Button
                  size="compact-sm"
                  variant="light"
                  aria-label={t("plugins.tools.debugNamed", { name: tool.name })}
                  onClick={() => onDebug(tool)}
                >
                  {t("plugins.tools.debugRun")}
                </Button>
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
    </Stack>
  );
}
