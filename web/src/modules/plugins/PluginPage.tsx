// One plugin: its information, its tools (enable or disable each, debug it), and publishing.
import { Badge, Button, Card, Code, Group, Modal, Stack, Switch, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { ErrorPanel, FailureAlert } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { METHODS, debugTool, getPlugin, keys, listTools, nextVersion, pretty, publishPlugin, sampleInputs, setToolDisabled } from "./api";
import { pluginListPath, useFollowSpace } from "./paths";
import type { PluginTool } from "./types";

export function PluginPage() {
  const { spaceId = "", pluginId = "" } = useParams();
  const { t } = useTranslation();
  const [debugging, setDebugging] = useState<PluginTool | null>(null);
  const [publishing, setPublishing] = useState(false);
  useFollowSpace(spaceId);
  const info = useQuery({ queryKey: keys.plugin(pluginId), queryFn: () => getPlugin(pluginId) });
  const tools = useQuery({ queryKey: keys.tools(pluginId), queryFn: () => listTools(pluginId) });

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
        <Button onClick={() => setPublishing(true)}>{t("plugins.publish.open")}</Button>
      </Group>
      {p.meta_info.desc ? <Text style={{ overflowWrap: "anywhere" }}>{p.meta_info.desc}</Text> : null}
      <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
        {t("plugins.page.url", { url: p.meta_info.url })}
      </Text>
      <Title order={3} size="h4">
        {t("plugins.tools.title")}
      </Title>
      {tools.error ? (
        <ErrorPanel error={tools.error} onRetry={() => void tools.refetch()} />
      ) : tools.isPending ? (
        <PageLoader />
      ) : (
        <ToolsTable pluginId={pluginId} tools={tools.data.api_info} onDebug={setDebugging} />
      )}
      {debugging ? <DebugPanel key={debugging.api_id} pluginId={pluginId} tool={debugging} onClose={() => setDebugging(null)} /> : null}
      <PublishModal spaceId={spaceId} pluginId={pluginId} opened={publishing} onClose={() => setPublishing(false)} />
    </Stack>
  );
}

function ToolsTable({ pluginId, tools, onDebug }: { pluginId: string; tools: PluginTool[]; onDebug: (t: PluginTool) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const toggle = useMutation({
    mutationFn: ({ tool, enabled }: { tool: PluginTool; enabled: boolean }) => setToolDisabled(pluginId, tool.api_id, !enabled),
    onSettled: () => void client.invalidateQueries({ queryKey: keys.tools(pluginId) }),
  });
  if (tools.length === 0) return <Text c="dimmed">{t("plugins.tools.empty")}</Text>;
  return (
    <Stack gap="xs">
      <FailureAlert error={toggle.error} />
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label={t("plugins.tools.title")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("plugins.tools.name")}</Table.Th>
              <Table.Th>{t("plugins.tools.method")}</Table.Th>
              <Table.Th>{t("plugins.tools.path")}</Table.Th>
              <Table.Th>{t("plugins.tools.debug")}</Table.Th>
              <Table.Th>{t("plugins.tools.enabled")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
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
                  <Button size="compact-sm" variant="light" aria-label={t("plugins.tools.debugNamed", { name: tool.name })} onClick={() => onDebug(tool)}>
                    {t("plugins.tools.debugRun")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function DebugPanel({ pluginId, tool, onClose }: { pluginId: string; tool: PluginTool; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [inputs, setInputs] = useState(() => sampleInputs(tool.request_params));
  const run = useMutation({
    mutationFn: () => debugTool(pluginId, tool.api_id, inputs),
    onSuccess: (r) => {
      if (r.success) void client.invalidateQueries({ queryKey: keys.tools(pluginId) });
    },
  });
  const r = run.data;
  return (
    <Card withBorder padding="sm" component="section" aria-label={t("plugins.debug.title", { name: tool.name })}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h5">
            {t("plugins.debug.title", { name: tool.name })}
          </Title>
          <Button size="compact-sm" variant="subtle" onClick={onClose}>
            {t("plugins.debug.close")}
          </Button>
        </Group>
        <Textarea
          label={t("plugins.debug.inputs")}
          value={inputs}
          autosize
          minRows={3}
          maxRows={16}
          styles={{ input: { fontFamily: "monospace" } }}
          onChange={(e) => setInputs(e.currentTarget.value)}
        />
        <Group>
          <Button loading={run.isPending} onClick={() => run.mutate()}>
            {t("plugins.debug.run")}
          </Button>
        </Group>
        <FailureAlert error={run.error} />
        {r ? (
          <Stack gap="xs" data-testid="debug-result">
            <Badge color={r.success ? "green" : "red"} variant="light">
              {r.success ? t("plugins.debug.success") : t("plugins.debug.failed", { reason: r.reason })}
            </Badge>
            <Text fw={600} size="sm">
              {t("plugins.debug.request")}
            </Text>
            <Code block data-testid="debug-request">
              {pretty(r.raw_req)}
            </Code>
            <Text fw={600} size="sm">
              {t("plugins.debug.response")}
            </Text>
            <Code block data-testid="debug-response">
              {pretty(r.resp || r.raw_resp)}
            </Code>
          </Stack>
        ) : null}
      </Stack>
    </Card>
  );
}

function PublishModal({ spaceId, pluginId, opened, onClose }: { spaceId: string; pluginId: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const next = useQuery({ queryKey: keys.nextVersion(pluginId), queryFn: () => nextVersion(pluginId, spaceId), enabled: opened });
  const [name, setName] = useState<string | null>(null);
  const [desc, setDesc] = useState("");
  const version = name ?? next.data ?? "";
  const publish = useMutation({
    mutationFn: () => publishPlugin(pluginId, version.trim(), desc),
    onSuccess: (out) => {
      notifications.show({ color: "green", message: t("plugins.publish.done", { version: out.version_name }) });
      void client.invalidateQueries({ queryKey: keys.plugin(pluginId) });
      void client.invalidateQueries({ queryKey: keys.tools(pluginId) });
      void client.invalidateQueries({ queryKey: keys.all(spaceId) });
      void client.invalidateQueries({ queryKey: keys.nextVersion(pluginId) });
      close();
    },
  });
  function close() {
    setName(null);
    setDesc("");
    publish.reset();
    onClose();
  }
  return (
    <Modal opened={opened} onClose={close} title={t("plugins.publish.title")}>
      <Stack gap="sm">
        <TextInput label={t("plugins.publish.version")} value={version} onChange={(e) => setName(e.currentTarget.value)} />
        <Textarea label={t("plugins.publish.desc")} value={desc} onChange={(e) => setDesc(e.currentTarget.value)} />
        <FailureAlert error={publish.error ?? next.error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            {t("plugins.common.cancel")}
          </Button>
          <Button disabled={!version.trim()} loading={publish.isPending} onClick={() => publish.mutate()}>
            {t("plugins.publish.submit")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
