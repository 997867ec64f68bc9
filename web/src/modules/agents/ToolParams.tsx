// A bound tool's parameters as this agent gives them: a default value for each (used when the
// model leaves it out) and whether the model sees it at all (hidden: it always takes the default).
import { Badge, Group, Modal, Stack, Switch, Table, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ErrorPanel } from "../../app/errors";
import { FormButtons } from "../../app/forms";
import { PageLoader } from "../../app/loading";
import { DataTable } from "../../app/tables";
import { getToolParams, keys, setToolParams } from "./api";
import type { ToolParam } from "./types";

export interface BoundTool {
  pluginId: string;
  apiName: string;
  label: string;
}

export function ToolParamsModal({ agentId, tool, onClose }: { agentId: string; tool: BoundTool; onClose: () => void }) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: keys.toolParams(agentId, tool.pluginId, tool.apiName),
    queryFn: () => getToolParams(agentId, tool.pluginId, tool.apiName),
  });
  return (
    <Modal opened onClose={onClose} title={t("agents.toolParams.title", { name: tool.label })} size="xl">
      {query.isPending ? (
        <PageLoader />
      ) : query.isError ? (
        <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <ParamsForm agentId={agentId} tool={tool} params={query.data} onClose={onClose} />
      )}
    </Modal>
  );
}

interface FormProps {
  agentId: string;
  tool: BoundTool;
  params: ToolParam[];
  onClose: () => void;
}

function ParamsForm({ agentId, tool, params, onClose }: FormProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [values, setValues] = useState<ToolParam[]>(() => params.map((p) => ({ ...p, local_default: p.local_default ?? "" })));
  const set = (name: string, patch: Partial<ToolParam>) =>
    setValues((vs) => vs.map((v) => (v.name === name ? { ...v, ...patch } : v)));
  const save = useMutation({
    mutationFn: () =>
      setToolParams(agentId, tool.pluginId, tool.apiName, values.map((v) => ({ ...v, local_default: v.local_default || null }))),
    onSuccess: () => {
      notifications.show({ color: "green", message: t("agents.toolParams.saved", { name: tool.label }) });
      void client.invalidateQueries({ queryKey: keys.toolParams(agentId, tool.pluginId, tool.apiName) });
      onClose();
    },
  });
  const cols = ["name", "default", "hidden"].map((c) => t(`agents.toolParams.${c}`));
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t("agents.toolParams.hint")}
      </Text>
      {values.length === 0 ? (
        <Text c="dimmed">{t("agents.toolParams.none")}</Text>
      ) : (
        <DataTable minWidth={560} columns={cols} aria-label={t("agents.toolParams.table")}>
          {values.map((p) => (
            <Table.Tr key={p.name} data-testid="tool-param">
              <Table.Td>
                <Group gap={4}>
                  <Text fw={600}>{p.name}</Text>
                  {p.is_required ? (
                    <Badge size="xs" variant="light">
                      {t("agents.toolParams.required")}
                    </Badge>
                  ) : null}
                </Group>
                {p.desc ? (
                  <Text size="xs" c="dimmed">
                    {p.desc}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>
                <TextInput
                  aria-label={t("agents.toolParams.defaultOf", { name: p.name })}
                  value={p.local_default ?? ""}
                  onChange={(e) => set(p.name, { local_default: e.currentTarget.value })}
                />
              </Table.Td>
              <Table.Td>
                <Switch
                  aria-label={t("agents.toolParams.hideOf", { name: p.name })}
                  checked={p.local_disable}
                  onChange={(e) => set(p.name, { local_disable: e.currentTarget.checked })}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      )}
      <FormButtons
        error={save.error}
        errorTestId="tool-params-error"
        loading={save.isPending}
        onCancel={onClose}
        onSubmit={() => save.mutate()}
        disabled={values.length === 0}
      />
    </Stack>
  );
}
