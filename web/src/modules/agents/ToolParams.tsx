// A bound tool's parameters as this agent gives them: a default value for each (used when the
// model leaves it out) or one of the agent's variables (its value in the chat), and whether the
// model sees it at all (hidden: it always takes the default or the variable).
import { Badge, Group, Modal, Select, Stack, Switch, Table, Text, TextInput } from "@mantine/core";
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

/** Coze's DefaultParamSource of a value taken from an agent variable. */
export const FROM_VARIABLE = 1;

interface ModalProps {
  agentId: string;
  tool: BoundTool;
  /** The agent's variable keywords a parameter may take its value from. */
  variables: string[];
  onClose: () => void;
}

export function ToolParamsModal({ agentId, tool, variables, onClose }: ModalProps) {
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
        <ParamsForm agentId={agentId} tool={tool} params={query.data} variables={variables} onClose={onClose} />
      )}
    </Modal>
  );
}

interface FormProps extends ModalProps {
  params: ToolParam[];
}

/** What update_bot_default_params is sent for a parameter: its value or its variable. */
export function paramBody(p: ToolParam): ToolParam {
  const { default_param_source: source, variable_ref: variable, ...rest } = p;
  if (source === FROM_VARIABLE && variable) {
    return { ...rest, local_default: null, default_param_source: FROM_VARIABLE, variable_ref: variable };
  }
  return { ...rest, local_default: p.local_default || null };
}

function ParamsForm({ agentId, tool, params, variables, onClose }: FormProps) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [values, setValues] = useState<ToolParam[]>(() => params.map((p) => ({ ...p, local_default: p.local_default ?? "" })));
  const set = (name: string, patch: Partial<ToolParam>) =>
    setValues((vs) => vs.map((v) => (v.name === name ? { ...v, ...patch } : v)));
  const save = useMutation({
    mutationFn: () =>
      setToolParams(agentId, tool.pluginId, tool.apiName, values.map(paramBody)),
    onSuccess: () => {
      notifications.show({ color: "green", message: t("agents.toolParams.saved", { name: tool.label }) });
      void client.invalidateQueries({ queryKey: keys.toolParams(agentId, tool.pluginId, tool.apiName) });
      onClose();
    },
  });
  const cols = ["name", "default", "variable", "hidden"].map((c) => t(`agents.toolParams.${c}`));
  const choices = [{ value: "", label: t("agents.toolParams.noVariable") }, ...variables.map((v) => ({ value: v, label: v }))];
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t("agents.toolParams.hint")}
      </Text>
      {values.length === 0 ? (
        <Text c="dimmed">{t("agents.toolParams.none")}</Text>
      ) : (
        <DataTable minWidth={720} columns={cols} aria-label={t("agents.toolParams.table")}>
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
                  disabled={p.default_param_source === FROM_VARIABLE && Boolean(p.variable_ref)}
                  onChange={(e) => set(p.name, { local_default: e.currentTarget.value })}
                />
              </Table.Td>
              <Table.Td>
                <Select
                  aria-label={t("agents.toolParams.variableOf", { name: p.name })}
                  data={choices}
                  allowDeselect={false}
                  value={p.default_param_source === FROM_VARIABLE ? (p.variable_ref ?? "") : ""}
                  onChange={(v) => set(p.name, v ? { default_param_source: FROM_VARIABLE, variable_ref: v } : { default_param_source: 0, variable_ref: null })}
                  comboboxProps={{ withinPortal: true }}
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
