// /admin/settings: every stored setting; ?key=<key>: its value (edit it as JSON, guarded by its
// version), its revisions, and one revision's value (&revision=<id>). The key travels in the query:
// a dotted last path segment would read as a file name to the server's page fallback.
import { Badge, Button, Group, Modal, Stack, Table, Text, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";

import { apiData } from "../../app/api";
import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { type Setting, settingsApi } from "./api";
import { OutboundAllowList } from "./OutboundAllowList";
import { ActionError, ConfirmButtons, Empty, JsonBlock, PageHeader, Section, useFormatTime } from "./shared";

export const SETTING_KEY = /^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62}){1,3}$/;

/** The JSON a person typed, or an Error saying why it is not JSON. */
export function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

function NewSetting({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [key, setKey] = useState("");
  const [text, setText] = useState("");
  const [touched, setTouched] = useState(false);
  const parsed = parseJson(text);
  const save = useMutation({
    mutationFn: () => settingsApi.put(key.trim(), "value" in parsed ? parsed.value : null, 0),
    onSuccess: async (s) => {
      await client.invalidateQueries({ queryKey: ["admin", "settings"] });
      onClose();
      await navigate(settingPath(s.key));
    },
  });
  const keyError = touched && !SETTING_KEY.test(key.trim()) ? t("admin.settings.invalid.key") : null;
  const jsonError = touched && "error" in parsed ? t("admin.settings.invalid.json", { reason: parsed.error }) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!SETTING_KEY.test(key.trim()) || "error" in parsed) return;
    save.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label={t("admin.settings.key")} description={t("admin.settings.keyHint")} value={key} onChange={(e) => setKey(e.currentTarget.value)} error={keyError} required data-autofocus />
        <Textarea label={t("admin.settings.value")} description={t("admin.settings.valueHint")} value={text} onChange={(e) => setText(e.currentTarget.value)} error={jsonError} autosize minRows={3} maxRows={12} ff="monospace" required />
        <ActionError error={save.error} />
        <ConfirmButtons onCancel={onClose} confirmLabel={t("admin.common.create")} loading={save.isPending} />
      </Stack>
    </form>
  );
}

export function settingPath(key: string): string {
  return `/admin/settings?key=${encodeURIComponent(key)}`;
}

export function SettingsPage() {
  const [params] = useSearchParams();
  const key = params.get("key");
  return key ? <SettingPage settingKey={key} /> : <SettingList />;
}

function SettingList() {
  const { t } = useTranslation();
  const time = useFormatTime();
  const [creating, setCreating] = useState(false);
  const settings = useQuery({ queryKey: ["admin", "settings"], queryFn: settingsApi.list });
  return (
    <Stack gap="sm">
      <PageHeader title={t("admin.settings.title")}>
        <Button onClick={() => setCreating(true)}>{t("admin.settings.new")}</Button>
      </PageHeader>
      <OutboundAllowList />
      {settings.isPending ? (
        <PageLoader />
      ) : settings.isError ? (
        <ErrorPanel error={settings.error} onRetry={() => void settings.refetch()} />
      ) : settings.data.length === 0 ? (
        <Empty>{t("admin.settings.none")}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label={t("admin.settings.title")} highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("admin.settings.key")}</Table.Th>
                <Table.Th>{t("admin.settings.value")}</Table.Th>
                <Table.Th>{t("admin.settings.version")}</Table.Th>
                <Table.Th>{t("admin.settings.updatedAt")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {settings.data.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Link to={settingPath(s.key)}>{s.key}</Link>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }}>
                      {preview(s.value)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{s.version}</Table.Td>
                  <Table.Td>{time(s.updated_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t("admin.settings.new")} size="lg">
        {creating ? <NewSetting onClose={() => setCreating(false)} /> : null}
      </Modal>
    </Stack>
  );
}

function Editor({ setting }: { setting: Setting }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [text, setText] = useState(() => JSON.stringify(setting.value, null, 2));
  const [touched, setTouched] = useState(false);
  const parsed = parseJson(text);
  const save = useMutation({
    mutationFn: () => settingsApi.put(setting.key, "value" in parsed ? parsed.value : null, setting.version),
    onSuccess: async (s) => {
      notifications.show({ color: "green", message: t("admin.settings.saved", { key: s.key, version: s.version }) });
      await client.invalidateQueries({ queryKey: ["admin", "settings"] });
    },
  });
  const jsonError = touched && "error" in parsed ? t("admin.settings.invalid.json", { reason: parsed.error }) : null;
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if ("error" in parsed) return;
        save.mutate();
      }}
    >
      <Stack gap="xs">
        <Textarea label={t("admin.settings.value")} value={text} onChange={(e) => setText(e.currentTarget.value)} error={jsonError} autosize minRows={4} maxRows={16} ff="monospace" />
        <ActionError error={save.error} />
        <Group gap="xs">
          <Button type="submit" loading={save.isPending}>
            {t("common.save")}
          </Button>
          <Button variant="default" onClick={() => setText(JSON.stringify(setting.value, null, 2))}>
            {t("admin.settings.revert")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RevisionView({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const time = useFormatTime();
  const revision = useQuery({ queryKey: ["admin", "settings", "revision", id], queryFn: () => settingsApi.revision(id) });
  return (
    <Modal opened onClose={onClose} title={t("admin.settings.revisionTitle")} size="lg">
      {revision.isPending ? (
        <PageLoader />
      ) : revision.isError ? (
        <ErrorPanel error={revision.error} onRetry={() => void revision.refetch()} />
      ) : (
        <Stack gap="xs" data-testid="revision">
          <Text size="sm">
            {t("admin.settings.revisionOf", { key: revision.data.key, version: revision.data.version, at: time(revision.data.created_at) })}
          </Text>
          <JsonBlock value={revision.data.value} label={t("admin.settings.value")} />
        </Stack>
      )}
    </Modal>
  );
}

function SettingPage({ settingKey: key }: { settingKey: string }) {
  const { t } = useTranslation();
  const time = useFormatTime();
  const [params, setParams] = useSearchParams();
  const revisionId = params.get("revision");
  const setting = useQuery({
    queryKey: ["admin", "settings", "one", key],
    queryFn: () => apiData<Setting>(`/api/admin/settings/${encodeURIComponent(key)}`, undefined, { method: "GET" }),
  });
  const history = useQuery({
    queryKey: ["admin", "settings", "history", key],
    queryFn: () => settingsApi.history(key),
    enabled: setting.isSuccess,
  });
  const showRevision = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set("revision", id);
    else next.delete("revision");
    setParams(next);
  };
  return (
    <Stack gap="md">
      <Group gap="xs">
        <Button component={Link} to="/admin/settings" variant="subtle" size="xs">
          {t("admin.settings.back")}
        </Button>
      </Group>
      {setting.isPending ? (
        <PageLoader />
      ) : setting.isError ? (
        <ErrorPanel error={setting.error} onRetry={() => void setting.refetch()} />
      ) : (
        <>
          <PageHeader title={setting.data.key}>
            <Badge variant="light">{t("admin.settings.versionN", { version: setting.data.version })}</Badge>
          </PageHeader>
          <Editor key={setting.data.version} setting={setting.data} />
          <Section title={t("admin.settings.history")}>
            {history.isPending ? (
              <PageLoader />
            ) : history.isError ? (
              <ErrorPanel error={history.error} onRetry={() => void history.refetch()} />
            ) : (
              <Table aria-label={t("admin.settings.history")}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("admin.settings.version")}</Table.Th>
                    <Table.Th>{t("admin.settings.value")}</Table.Th>
                    <Table.Th>{t("admin.settings.createdAt")}</Table.Th>
                    <Table.Th>{t("admin.common.actions")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {history.data.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>{r.version}</Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace" style={{ wordBreak: "break-all" }}>
                          {preview(r.value)}
                        </Text>
                      </Table.Td>
                      <Table.Td>{time(r.created_at)}</Table.Td>
                      <Table.Td>
                        <Button size="xs" variant="default" onClick={() => showRevision(r.id)} aria-label={t("admin.settings.viewVersion", { version: r.version })}>
                          {t("admin.settings.view")}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Section>
        </>
      )}
      {revisionId ? <RevisionView id={revisionId} onClose={() => showRevision(null)} /> : null}
    </Stack>
  );
}
