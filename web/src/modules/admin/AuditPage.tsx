// /admin/audit: the audit log, filtered by actor, action, result, target type and time range (all
// kept in the address, so a filtered view can be shared), a page at a time.
import { Autocomplete, Badge, Button, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, UnstyledButton } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Fragment, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { type AuditFilter, auditApi, usersApi } from "./api";
import { ActionError, Empty, JsonBlock, PageHeader, Pager, useFormatTime } from "./shared";

const SIZE = 20;
// The actions the backend records today (an action is matched exactly; others can be typed).
export const KNOWN_ACTIONS = [
  "admin.user.create",
  "admin.user.status",
  "admin.user.reset_password",
  "admin.model.create",
  "admin.model.update",
  "admin.model.delete",
  "admin.model.test",
  "admin.setting.put",
  "permission.role.create",
  "permission.role.update",
  "permission.role.delete",
  "permission.grant",
  "permission.revoke",
  "corporation.create",
  "corporation.update",
  "corporation.delete",
  "corporation.department.create",
  "corporation.department.update",
  "user.register",
  "user.login",
  "user.logout",
  "user.password.change",
  "space.create",
  "space.member.add",
  "space.member.remove",
  "token.create",
  "token.delete",
  "agent.publish",
];
const TARGET_TYPES = ["user", "model", "role", "setting", "space", "token", "agent", "session", "corporation", "department"];
const FIELDS = ["actor_id", "action", "result", "target_type", "since", "until"] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A `datetime-local` value (the browser's zone) as RFC 3339 with the offset the route needs. */
export function toRfc3339(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function ResultBadge({ result }: { result: string }) {
  const { t } = useTranslation();
  const color = result === "ok" ? "green" : result === "denied" ? "orange" : "red";
  return (
    <Badge size="sm" variant="light" color={color}>
      {t(`admin.audit.result.${result}`, { defaultValue: result })}
    </Badge>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const time = useFormatTime();
  const [params, setParams] = useSearchParams();
  const filter: AuditFilter = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? undefined]));
  const page = Math.max(1, Number(params.get("page") ?? "1") || 1);
  const [actor, setActor] = useState(params.get("actor") ?? params.get("actor_id") ?? "");
  const [action, setAction] = useState(filter.action ?? "");
  const [result, setResult] = useState<string | null>(filter.result ?? null);
  const [target, setTarget] = useState(filter.target_type ?? "");
  const [since, setSince] = useState(toLocalInput(filter.since ?? null));
  const [until, setUntil] = useState(toLocalInput(filter.until ?? null));
  const [formError, setFormError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const log = useQuery({
    queryKey: ["admin", "audit", filter, page],
    queryFn: () => auditApi.list(filter, page, SIZE),
    placeholderData: keepPreviousData,
  });
  const apply = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    let actorId = actor.trim();
    if (EMAIL.test(actorId)) {
      // An e-mail is looked up among the accounts: the route filters by id.
      try {
        const found = await usersApi.list(1, 100, actorId);
        const user = found.users.find((u) => u.email.toLowerCase() === actorId.toLowerCase());
        if (!user) {
          setFormError(new Error(t("admin.audit.noSuchActor", { email: actorId })));
          return;
        }
        actorId = user.id;
      } catch (err) {
        setFormError(err);
        return;
      }
    } else if (actorId && !/^\d{1,19}$/.test(actorId)) {
      setFormError(new Error(t("admin.audit.invalid.actor")));
      return;
    }
    const sinceIso = toRfc3339(since);
    const untilIso = toRfc3339(until);
    if (sinceIso && untilIso && sinceIso > untilIso) {
      setFormError(new Error(t("admin.audit.invalid.range")));
      return;
    }
    const next = new URLSearchParams();
    const values: Record<string, string | undefined> = {
      actor_id: actorId || undefined,
      actor: actor.trim() && actor.trim() !== actorId ? actor.trim() : undefined,
      action: action.trim() || undefined,
      result: result ?? undefined,
      target_type: target.trim() || undefined,
      since: sinceIso,
      until: untilIso,
    };
    for (const [k, v] of Object.entries(values)) if (v) next.set(k, v);
    setParams(next);
  };
  const clear = () => {
    setActor("");
    setAction("");
    setResult(null);
    setTarget("");
    setSince("");
    setUntil("");
    setFormError(null);
    setParams(new URLSearchParams());
  };
  const goTo = (p: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(p));
    setParams(next);
  };
  return (
    <Stack gap="sm">
      <PageHeader title={t("admin.audit.title")} />
      <form onSubmit={(e) => void apply(e)} aria-label={t("admin.audit.filters")} noValidate>
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="xs">
          <TextInput label={t("admin.audit.actor")} placeholder={t("admin.audit.actorPlaceholder")} value={actor} onChange={(e) => setActor(e.currentTarget.value)} />
          <Autocomplete label={t("admin.audit.action")} data={KNOWN_ACTIONS} value={action} onChange={setAction} maxLength={64} comboboxProps={{ withinPortal: true }} />
          <Select
            label={t("admin.audit.resultLabel")}
            data={["ok", "denied", "failed"].map((r) => ({ value: r, label: t(`admin.audit.result.${r}`) }))}
            value={result}
            onChange={setResult}
            clearable
            placeholder={t("admin.audit.any")}
            comboboxProps={{ withinPortal: true }}
          />
          <Autocomplete label={t("admin.audit.targetType")} data={TARGET_TYPES} value={target} onChange={setTarget} maxLength={32} comboboxProps={{ withinPortal: true }} />
          <TextInput type="datetime-local" label={t("admin.audit.since")} value={since} onChange={(e) => setSince(e.currentTarget.value)} />
          <TextInput type="datetime-local" label={t("admin.audit.until")} value={until} onChange={(e) => setUntil(e.currentTarget.value)} />
        </SimpleGrid>
        <Group mt="xs" gap="xs">
          <Button type="submit">{t("admin.audit.apply")}</Button>
          <Button variant="default" onClick={clear}>
            {t("admin.audit.clear")}
          </Button>
        </Group>
      </form>
      <ActionError error={formError} />
      {log.isPending ? (
        <PageLoader />
      ) : log.isError ? (
        <ErrorPanel error={log.error} onRetry={() => void log.refetch()} />
      ) : log.data.items.length === 0 ? (
        <Empty>{t("admin.audit.none")}</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={720}>
            <Table aria-label={t("admin.audit.title")} verticalSpacing="xs" data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("admin.audit.time")}</Table.Th>
                  <Table.Th>{t("admin.audit.action")}</Table.Th>
                  <Table.Th>{t("admin.audit.resultLabel")}</Table.Th>
                  <Table.Th>{t("admin.audit.actorId")}</Table.Th>
                  <Table.Th>{t("admin.audit.target")}</Table.Th>
                  <Table.Th>{t("admin.audit.ip")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {log.data.items.map((e) => (
                  <Fragment key={e.id}>
                    <Table.Tr data-testid="audit-row">
                      <Table.Td>{time(e.created_at)}</Table.Td>
                      <Table.Td>
                        <UnstyledButton
                          className="cp-focusable"
                          aria-expanded={open === e.id}
                          onClick={() => setOpen(open === e.id ? null : e.id)}
                        >
                          <Text size="sm" ff="monospace" c="blue">
                            {e.action}
                          </Text>
                        </UnstyledButton>
                      </Table.Td>
                      <Table.Td>
                        <ResultBadge result={e.result} />
                      </Table.Td>
                      <Table.Td>{e.actor_id || "—"}</Table.Td>
                      <Table.Td>{e.target_type ? `${e.target_type} ${e.target_id}` : "—"}</Table.Td>
                      <Table.Td>{e.ip || "—"}</Table.Td>
                    </Table.Tr>
                    {open === e.id ? (
                      <Table.Tr>
                        <Table.Td colSpan={6}>
                          <Text size="xs" c="dimmed">
                            {e.user_agent}
                          </Text>
                          <JsonBlock value={e.detail} label={t("admin.audit.detail")} />
                        </Table.Td>
                      </Table.Tr>
                    ) : null}
                  </Fragment>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} total={log.data.total} size={SIZE} onChange={goTo} />
        </>
      )}
    </Stack>
  );
}
