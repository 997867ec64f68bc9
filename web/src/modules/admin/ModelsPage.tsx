// /admin/models: the model instances, create and edit one, test its connection (the backend's test
// route: result, latency, error), set the default of its kind, delete one.
import { Alert, Badge, Button, Checkbox, Group, Modal, PasswordInput, Select, Stack, Table, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { ErrorPanel, useErrorMessage } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { type AdminModel, type ModelTestResult, modelsApi } from "./api";
import { ActionError, ConfirmButtons, Empty, PageHeader } from "./shared";

const MODELS_KEY = ["admin", "models"] as const;

// The providers of the backend (src/domain/modelmgr/providers.py), with their default endpoints.
export const PROVIDERS: { key: string; name: string; baseUrl: string; key_: "required" | "optional" | "none" }[] = [
  { key: "openai", name: "OpenAI", baseUrl: "https://api.openai.com/v1", key_: "required" },
  { key: "openai_compatible", name: "OpenAI-compatible", baseUrl: "", key_: "optional" },
  { key: "deepseek", name: "DeepSeek", baseUrl: "https://api.deepseek.com/v1", key_: "required" },
  { key: "qwen", name: "Qwen (DashScope)", baseUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1", key_: "required" },
  { key: "ark", name: "Doubao / Volcano Ark", baseUrl: "https://ark.cn-beijing.volces.com/api/v3", key_: "required" },
  { key: "moonshot", name: "Moonshot", baseUrl: "https://api.moonshot.cn/v1", key_: "required" },
  { key: "glm", name: "Zhipu GLM", baseUrl: "https://open.bigmodel.cn/api/paas/v4", key_: "required" },
  { key: "gemini", name: "Google Gemini", baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai", key_: "required" },
  { key: "ollama", name: "Ollama", baseUrl: "http://127.0.0.1:11434", key_: "none" },
  { key: "anthropic", name: "Anthropic Claude", baseUrl: "https://api.anthropic.com", key_: "required" },
  { key: "builtin", name: "Built-in (offline)", baseUrl: "", key_: "none" },
  { key: "local", name: "Local (in-process)", baseUrl: "", key_: "none" },
];

const KINDS = [0, 1, 2] as const;

function useKindLabel() {
  const { t } = useTranslation();
  return (type: number) => t(`admin.models.kind.${type}`, { defaultValue: String(type) });
}

function providerName(model: AdminModel, language: string): string {
  return language.startsWith("zh") ? model.provider.name.zh_cn : model.provider.name.en_us;
}

interface FormValues {
  name: string;
  provider: string;
  type: number;
  model: string;
  baseUrl: string;
  apiKey: string;
  description: string;
  enabled: boolean;
  isDefault: boolean;
  clearKey: boolean;
  vision: boolean; // chat models: takes image input (image captions of knowledge bases)
}

function ModelForm({ model, onClose }: { model?: AdminModel; onClose: () => void }) {
  const { t } = useTranslation();
  const kind = useKindLabel();
  const client = useQueryClient();
  const editing = model !== undefined;
  const [v, setV] = useState<FormValues>(() => ({
    name: model?.display_info.name ?? "",
    provider: model?.provider.key ?? "openai_compatible",
    type: model?.type ?? 0,
    model: model?.connection.base_conn_info.model ?? "",
    baseUrl: model?.connection.base_conn_info.base_url ?? "",
    apiKey: "",
    description: model?.display_info.description.en_us ?? "",
    enabled: model ? model.status === 1 : true,
    isDefault: model?.is_default ?? false,
    clearKey: false,
    vision: model?.capability.image_understanding === true,
  }));
  const [touched, setTouched] = useState(false);
  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => setV((old) => ({ ...old, [key]: value }));
  const info = PROVIDERS.find((p) => p.key === v.provider);
  const save = useMutation({
    mutationFn: async () => {
      const conn = { base_conn_info: { base_url: v.baseUrl.trim(), api_key: v.apiKey, model: v.model.trim() } };
      if (model) {
        const before = model.connection.base_conn_info;
        const connChanged = v.apiKey !== "" || conn.base_conn_info.base_url !== before.base_url || conn.base_conn_info.model !== before.model;
        const visionChanged = v.vision !== (model.capability.image_understanding === true);
        return modelsApi.update({
          id: model.id,
          model_name: v.name.trim(),
          description: v.description,
          ...(connChanged ? { connection: conn } : {}),
          ...(v.clearKey ? { clear_api_key: true } : {}),
          ...(visionChanged ? { capability: { ...model.capability, image_understanding: v.vision } } : {}),
          enabled: v.enabled,
        });
      }
      const created = await modelsApi.create({
        model_name: v.name.trim(),
        provider: v.provider,
        type: v.type,
        description: v.description,
        connection: conn,
        enabled: v.enabled,
        is_default: v.isDefault,
      });
      if (!v.vision || v.type !== 0) return created.model;
      // The provider's default abilities come from the server; image input is added to them.
      const capability = { ...created.model.capability, image_understanding: true };
      return modelsApi.update({ id: created.id, capability });
    },
    onSuccess: async (saved) => {
      notifications.show({ color: "green", message: t(editing ? "admin.models.saved" : "admin.models.created", { name: saved.display_info.name }) });
      await client.invalidateQueries({ queryKey: MODELS_KEY });
      onClose();
    },
  });
  const nameError = touched && !v.name.trim() ? t("admin.models.invalid.name") : null;
  const needsModel = v.provider !== "builtin" && v.provider !== "local";
  const modelError = touched && needsModel && !v.model.trim() ? t("admin.models.invalid.model") : null;
  const keyError =
    touched && !editing && info?.key_ === "required" && !v.apiKey ? t("admin.models.invalid.apiKey") : null;
  const urlError = touched && v.baseUrl.trim() && !/^https?:\/\/\S+$/.test(v.baseUrl.trim()) ? t("admin.models.invalid.url") : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!v.name.trim() || (needsModel && !v.model.trim()) || urlError || (!editing && info?.key_ === "required" && !v.apiKey)) return;
    if (v.baseUrl.trim() && !/^https?:\/\/\S+$/.test(v.baseUrl.trim())) return;
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label={t("admin.models.name")} value={v.name} onChange={(e) => set("name", e.currentTarget.value)} error={nameError} required maxLength={100} data-autofocus />
        {editing ? null : (
          <Group grow align="flex-start">
            <Select
              label={t("admin.models.provider")}
              data={PROVIDERS.map((p) => ({ value: p.key, label: p.name }))}
              value={v.provider}
              onChange={(value) => value && set("provider", value)}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            <Select
              label={t("admin.models.type")}
              data={KINDS.map((k) => ({ value: String(k), label: kind(k) }))}
              value={String(v.type)}
              onChange={(value) => value && set("type", Number(value))}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
          </Group>
        )}
        <TextInput label={t("admin.models.model")} description={t("admin.models.modelHint")} value={v.model} onChange={(e) => set("model", e.currentTarget.value)} error={modelError} />
        <TextInput
          label={t("admin.models.baseUrl")}
          placeholder={info?.baseUrl || "http://127.0.0.1:8000/v1"}
          value={v.baseUrl}
          onChange={(e) => set("baseUrl", e.currentTarget.value)}
          error={urlError}
        />
        <PasswordInput
          label={t("admin.models.apiKey")}
          description={editing ? (model.connection.api_key_set ? t("admin.models.apiKeyKept") : t("admin.models.apiKeyNone")) : undefined}
          value={v.apiKey}
          onChange={(e) => set("apiKey", e.currentTarget.value)}
          error={keyError}
          autoComplete="off"
        />
        {editing && model.connection.api_key_set ? (
          <Checkbox label={t("admin.models.clearKey")} checked={v.clearKey} onChange={(e) => set("clearKey", e.currentTarget.checked)} />
        ) : null}
        <Textarea label={t("admin.models.description")} value={v.description} onChange={(e) => set("description", e.currentTarget.value)} autosize minRows={2} maxRows={5} />
        {v.type === 0 ? (
          <Checkbox label={t("admin.models.vision")} checked={v.vision} onChange={(e) => set("vision", e.currentTarget.checked)} />
        ) : null}
        <Checkbox label={t("admin.models.enabled")} checked={v.enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} />
        {editing ? null : (
          <Checkbox label={t("admin.models.makeDefault")} checked={v.isDefault} onChange={(e) => set("isDefault", e.currentTarget.checked)} />
        )}
        <ActionError error={save.error} />
        <ConfirmButtons onCancel={onClose} confirmLabel={t(editing ? "common.save" : "admin.models.create")} loading={save.isPending} />
      </Stack>
    </form>
  );
}

export function TestResult({ result }: { result: ModelTestResult }) {
  const { t } = useTranslation();
  return (
    <Alert
      color={result.ok ? "green" : "red"}
      title={result.ok ? t("admin.models.test.ok") : t("admin.models.test.failed")}
      data-testid="model-test-result"
      role="status"
      py="xs"
    >
      <Stack gap={2}>
        <Text size="sm">{t("admin.models.test.latency", { ms: Math.round(result.latency_ms) })}</Text>
        {result.first_token_ms !== null ? (
          <Text size="sm">{t("admin.models.test.firstToken", { ms: Math.round(result.first_token_ms) })}</Text>
        ) : null}
        {result.dimension !== null ? <Text size="sm">{t("admin.models.test.dimension", { n: result.dimension })}</Text> : null}
        {result.sample ? <Text size="sm">{t("admin.models.test.sample", { text: result.sample })}</Text> : null}
        {result.error ? (
          <Text size="sm" data-testid="model-test-error">
            {result.error.msg} ({result.error.code})
          </Text>
        ) : null}
      </Stack>
    </Alert>
  );
}

function ModelRow({ model, onEdit }: { model: AdminModel; onEdit: () => void }) {
  const { t, i18n } = useTranslation();
  const kind = useKindLabel();
  const client = useQueryClient();
  const message = useErrorMessage();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const test = useMutation({ mutationFn: () => modelsApi.test(model.id) });
  const makeDefault = useMutation({
    mutationFn: () => modelsApi.update({ id: model.id, is_default: true }),
    onSuccess: () => client.invalidateQueries({ queryKey: MODELS_KEY }),
    onError: (err) => notifications.show({ color: "red", message: message(err) }),
  });
  const remove = useMutation({
    mutationFn: () => modelsApi.remove(model.id),
    onSuccess: () => client.invalidateQueries({ queryKey: MODELS_KEY }),
  });
  const name = model.display_info.name;
  return (
    <>
      <Table.Tr data-testid={`model-${name}`}>
        <Table.Td>
          <Text size="sm" fw={500}>
            {name}
          </Text>
          <Group gap={4}>
            {model.is_default ? (
              <Badge size="xs" color="blue">
                {t("admin.models.default")}
              </Badge>
            ) : null}
            {model.builtin ? (
              <Badge size="xs" variant="light" color="gray">
                {t("admin.models.builtin")}
              </Badge>
            ) : null}
            {model.status !== 1 ? (
              <Badge size="xs" variant="light" color="orange">
                {t("admin.models.disabled")}
              </Badge>
            ) : null}
          </Group>
        </Table.Td>
        <Table.Td>{providerName(model, i18n.language)}</Table.Td>
        <Table.Td>{kind(model.type)}</Table.Td>
        <Table.Td>
          <Text size="sm" style={{ wordBreak: "break-all" }}>
            {model.connection.base_conn_info.model || "—"}
          </Text>
        </Table.Td>
        <Table.Td>
          <Group gap={4} wrap="wrap">
            <Button size="xs" variant="default" loading={test.isPending} onClick={() => test.mutate()} aria-label={t("admin.models.testModel", { name })}>
              {t("admin.models.test.action")}
            </Button>
            <Button size="xs" variant="default" onClick={onEdit} aria-label={t("admin.models.editModel", { name })}>
              {t("admin.common.edit")}
            </Button>
            {model.is_default ? null : (
              <Button
                size="xs"
                variant="default"
                loading={makeDefault.isPending}
                onClick={() => makeDefault.mutate()}
                aria-label={t("admin.models.setDefaultFor", { name })}
              >
                {t("admin.models.setDefault")}
              </Button>
            )}
            {model.builtin ? null : (
              <Button size="xs" variant="subtle" color="red" onClick={() => setConfirmDelete(true)} aria-label={t("admin.models.deleteModel", { name })}>
                {t("common.delete")}
              </Button>
            )}
          </Group>
        </Table.Td>
      </Table.Tr>
      {test.data || test.error ? (
        <Table.Tr>
          <Table.Td colSpan={5}>
            {test.data ? <TestResult result={test.data} /> : <ActionError error={test.error} />}
          </Table.Td>
        </Table.Tr>
      ) : null}
      <Modal opened={confirmDelete} onClose={() => setConfirmDelete(false)} title={t("admin.models.deleteTitle")}>
        <Stack gap="sm">
          <Text size="sm">{t("admin.models.deleteConfirm", { name })}</Text>
          <ActionError error={remove.error} />
          <ConfirmButtons
            type="button"
            color="red"
            onCancel={() => setConfirmDelete(false)}
            confirmLabel={t("common.delete")}
            loading={remove.isPending}
            onConfirm={() => remove.mutate(undefined, { onSuccess: () => setConfirmDelete(false) })}
          />
        </Stack>
      </Modal>
    </>
  );
}

export function ModelsPage() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<AdminModel | "new" | null>(null);
  const models = useQuery({ queryKey: MODELS_KEY, queryFn: modelsApi.list });
  return (
    <Stack gap="sm">
      <PageHeader title={t("admin.models.title")}>
        <Button onClick={() => setEditing("new")}>{t("admin.models.new")}</Button>
      </PageHeader>
      {models.isPending ? (
        <PageLoader />
      ) : models.isError ? (
        <ErrorPanel error={models.error} onRetry={() => void models.refetch()} />
      ) : models.data.length === 0 ? (
        <Empty>{t("admin.models.none")}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label={t("admin.models.title")} verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("admin.models.name")}</Table.Th>
                <Table.Th>{t("admin.models.provider")}</Table.Th>
                <Table.Th>{t("admin.models.type")}</Table.Th>
                <Table.Th>{t("admin.models.model")}</Table.Th>
                <Table.Th>{t("admin.common.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {models.data.map((m) => (
                <ModelRow key={m.id} model={m} onEdit={() => setEditing(m)} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === "new" ? t("admin.models.new") : t("admin.models.editTitle")}
        size="lg"
      >
        {editing !== null ? <ModelForm model={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} /> : null}
      </Modal>
    </Stack>
  );
}
