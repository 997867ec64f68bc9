// Add a tool to the plugin (create_api) or edit one (update_api): its name, description, method,
// path and request parameters. The server checks them; its message is shown as it says it.
import { Group, Modal, Select, Stack, TextInput, Textarea } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { FormButtons } from "../../app/forms";
import { METHODS, createTool, keys, updateTool, type ToolEdit } from "./api";
import { ParamsEditor } from "./ParamsEditor";
import { paramsOf, rowsOf, type ParamRow } from "./params";
import type { PluginTool } from "./types";

interface Props {
  pluginId: string;
  /** The tool to edit; null: a new one. */
  tool: PluginTool | null;
  onClose: () => void;
}

export function ToolEditor({ pluginId, tool, onClose }: Props) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState(tool?.name ?? "");
  const [desc, setDesc] = useState(tool?.desc ?? "");
  const [method, setMethod] = useState(String(tool?.method ?? 1));
  const [path, setPath] = useState(tool?.path ?? "/");
  const [rows, setRows] = useState<ParamRow[]>(() => rowsOf(tool?.request_params ?? []));
  const [touched, setTouched] = useState(false);
  const save = useMutation({
    mutationFn: async (): Promise<unknown> => {
      const request_params = paramsOf(rows);
      const edit: ToolEdit = { name: name.trim(), desc, path: path.trim(), method: Number(method), request_params };
      return tool ? updateTool(pluginId, tool.api_id, edit) : createTool(pluginId, edit);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.tools(pluginId) });
      void client.invalidateQueries({ queryKey: keys.plugin(pluginId) });
      onClose();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (name.trim()) save.mutate();
  }
  const title = tool ? t("plugins.tool.editTitle", { name: tool.name }) : t("plugins.tool.addTitle");
  return (
    <Modal opened onClose={onClose} title={title} size="xl">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t("plugins.tool.name")}
            description={t("plugins.tool.nameHint")}
            required
            data-autofocus
            value={name}
            error={touched && !name.trim() ? t("plugins.tool.nameRequired") : null}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Textarea
            label={t("plugins.tool.desc")}
            value={desc}
            autosize
            minRows={2}
            maxRows={6}
            onChange={(e) => setDesc(e.currentTarget.value)}
          />
          <Group align="flex-start" gap="sm" wrap="nowrap">
            <Select
              label={t("plugins.tool.method")}
              allowDeselect={false}
              w={120}
              value={method}
              onChange={(v) => v && setMethod(v)}
              data={Object.entries(METHODS).map(([value, label]) => ({ value, label }))}
              comboboxProps={{ withinPortal: true }}
            />
            <TextInput
              label={t("plugins.tool.path")}
              style={{ flex: 1 }}
              value={path}
              onChange={(e) => setPath(e.currentTarget.value)}
            />
          </Group>
          <ParamsEditor rows={rows} onChange={setRows} />
          <FormButtons error={save.error} errorTestId="tool-error" loading={save.isPending} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
