// Debug one tool: its inputs as JSON, run on the server, the request and response shown (secrets masked).
import { Badge, Button, Card, Code, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { CodeArea } from "../../app/code";
import { FailureAlert } from "../../app/errors";
import { debugTool, keys, pretty, sampleInputs } from "./api";
import type { PluginTool } from "./types";

export function DebugPanel({ pluginId, tool, onClose }: { pluginId: string; tool: PluginTool; onClose: () => void }) {
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
        <CodeArea
          label={t("plugins.debug.inputs")}
          value={inputs}
          maxRows={16}
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
