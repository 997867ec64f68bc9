// /admin/roles: the roles (built-in and custom: create, edit, disable, delete) and the grants of one
// account: grant a role globally or in a space, with an optional expiry; revoke it.
import {
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";

import { ErrorPanel, useErrorMessage } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { type AdminUser, type Permission, type Role, rolesApi, usersApi } from "./api";
import { ActionError, ConfirmButtons, Empty, PageHeader, Pager, Section, useFormatTime } from "./shared";

const SIZE = 20;
const ROLE_CODE = /^[a-z][a-z0-9_]{1,47}$/;
const ROLES_KEY = ["admin", "roles"] as const;

/** Permissions as "resource:action" strings (allow, every object), the shape the checkboxes edit. */
function allowed(perms: Permission[]): Set<string> {
  return new Set(perms.filter((p) => p.effect === "allow" && p.object_id === "*").map((p) => `${p.resource}:${p.action}`));
}

function RoleForm({ role, onClose }: { role?: Role; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [code, setCode] = useState(role?.role_code ?? "");
  const [name, setName] = useState(role?.role_name ?? "");
  const [description, setDescription] = useState(role?.description ?? "");
  const [domain, setDomain] = useState<string>(role?.domain ?? "space");
  const [disabled, setDisabled] = useState(role?.is_disabled ?? false);
  const [chosen, setChosen] = useState<Set<string>>(() => allowed(role?.permissions ?? []));
  const [touched, setTouched] = useState(false);
  const template = useQuery({ queryKey: ["admin", "permission-template"], queryFn: rolesApi.template, staleTime: 300_000 });
  // Entries the checkboxes cannot show (deny, one object) are kept as they are.
  const others = (role?.permissions ?? []).filter((p) => !(p.effect === "allow" && p.object_id === "*"));
  const permissions = (): Permission[] => [
    ...others,
    ...[...chosen].map((key) => {
      const at = key.indexOf(":");
      return { resource: key.slice(0, at), action: key.slice(at + 1), effect: "allow" as const, object_id: "*" };
    }),
  ];
  const save = useMutation({
    mutationFn: () =>
      role
        ? rolesApi.update({ id: role.id, role_name: name.trim(), description, is_disabled: disabled, permissions: permissions() })
        : rolesApi.create({ role_code: code.trim(), role_name: name.trim(), description, domain, permissions: permissions() }),
    onSuccess: async (saved) => {
      notifications.show({ color: "green", message: t("admin.roles.saved", { name: saved.role_name }) });
      await client.invalidateQueries({ queryKey: ROLES_KEY });
      onClose();
    },
  });
  const codeError = touched && !role && !ROLE_CODE.test(code.trim()) ? t("admin.roles.invalid.code") : null;
  const nameError = touched && !name.trim() ? t("admin.roles.invalid.name") : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if ((!role && !ROLE_CODE.test(code.trim())) || !name.trim()) return;
    save.mutate();
  };
  const group = template.data?.find((g) => g.domain === domain);
  const toggle = (key: string, on: boolean) =>
    setChosen((old) => {
      const next = new Set(old);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label={t("admin.roles.code")} description={t("admin.roles.codeHint")} value={code} onChange={(e) => setCode(e.currentTarget.value)} error={codeError} disabled={role !== undefined} required data-autofocus />
        <TextInput label={t("admin.roles.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} error={nameError} maxLength={64} required />
        <Textarea label={t("admin.roles.description")} value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={500} autosize minRows={2} />
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t("admin.roles.domain")}
          </Text>
          <SegmentedControl
            disabled={role !== undefined}
            value={domain}
            onChange={(value) => {
              setDomain(value);
              setChosen(new Set());
            }}
            data={[
              { value: "space", label: t("admin.roles.domainSpace") },
              { value: "global", label: t("admin.roles.domainGlobal") },
            ]}
          />
        </div>
        {role ? <Checkbox label={t("admin.roles.disabled")} checked={disabled} onChange={(e) => setDisabled(e.currentTarget.checked)} /> : null}
        <Text size="sm" fw={500}>
          {t("admin.roles.permissions")}
        </Text>
        {template.isPending ? (
          <PageLoader />
        ) : template.isError ? (
          <ErrorPanel error={template.error} onRetry={() => void template.refetch()} />
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table verticalSpacing={4} aria-label={t("admin.roles.permissions")}>
              <Table.Tbody>
                {(group?.resources ?? []).map((r) => (
                  <Table.Tr key={r.resource}>
                    <Table.Td>
                      <Text size="sm">{r.resource_name || r.resource}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="sm">
                        {r.actions.map(({ action }) => (
                          <Checkbox
                            key={action}
                            size="xs"
                            label={action}
                            aria-label={`${r.resource} ${action}`}
                            checked={chosen.has(`${r.resource}:${action}`)}
                            onChange={(e) => toggle(`${r.resource}:${action}`, e.currentTarget.checked)}
                          />
                        ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <ActionError error={save.error} />
        <ConfirmButtons onCancel={onClose} confirmLabel={t(role ? "common.save" : "admin.common.create")} loading={save.isPending} />
      </Stack>
    </form>
  );
}

function RolesTab() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const message = useErrorMessage();
  const [search, setSearch] = useState("");
  const [keyword, setKeyword] = useState("");
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Role | "new" | null>(null);
  const roles = useQuery({
    queryKey: [...ROLES_KEY, keyword, page],
    queryFn: () => rolesApi.list(keyword, page, SIZE),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (id: string) => rolesApi.remove(id),
    onSuccess: () => client.invalidateQueries({ queryKey: ROLES_KEY }),
    onError: (err) => notifications.show({ color: "red", message: message(err) }),
  });
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <form
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setPage(1);
            setKeyword(search.trim());
          }}
        >
          <Group gap="xs">
            <TextInput aria-label={t("admin.roles.search")} placeholder={t("admin.roles.search")} value={search} onChange={(e) => setSearch(e.currentTarget.value)} maxLength={64} />
            <Button type="submit" variant="default">
              {t("admin.common.search")}
            </Button>
          </Group>
        </form>
        <Button onClick={() => setEditing("new")}>{t("admin.roles.new")}</Button>
      </Group>
      {roles.isPending ? (
        <PageLoader />
      ) : roles.isError ? (
        <ErrorPanel error={roles.error} onRetry={() => void roles.refetch()} />
      ) : roles.data.roles.length === 0 ? (
        <Empty>{t("admin.roles.none")}</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label={t("admin.roles.rolesTab")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("admin.roles.name")}</Table.Th>
                  <Table.Th>{t("admin.roles.code")}</Table.Th>
                  <Table.Th>{t("admin.roles.domain")}</Table.Th>
                  <Table.Th>{t("admin.roles.permissions")}</Table.Th>
                  <Table.Th>{t("admin.common.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {roles.data.roles.map((r) => (
                  <Table.Tr key={r.id} data-testid={`role-${r.role_code}`}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {r.role_name}
                      </Text>
                      <Group gap={4}>
                        {r.is_builtin ? (
                          <Badge size="xs" variant="light" color="gray">
                            {t("admin.roles.builtin")}
                          </Badge>
                        ) : null}
                        {r.is_disabled ? (
                          <Badge size="xs" variant="light" color="orange">
                            {t("admin.roles.disabled")}
                          </Badge>
                        ) : null}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {r.role_code}
                      </Text>
                    </Table.Td>
                    <Table.Td>{r.domain === "global" ? t("admin.roles.domainGlobal") : t("admin.roles.domainSpace")}</Table.Td>
                    <Table.Td>{r.permissions.length}</Table.Td>
                    <Table.Td>
                      {r.is_builtin ? null : (
                        <Group gap={4} wrap="nowrap">
                          <Button size="xs" variant="default" onClick={() => setEditing(r)} aria-label={t("admin.roles.editRole", { name: r.role_name })}>
                            {t("admin.common.edit")}
                          </Button>
                          <Button
                            size="xs"
                            variant="subtle"
                            color="red"
                            loading={remove.isPending && remove.variables === r.id}
                            onClick={() => remove.mutate(r.id)}
                            aria-label={t("admin.roles.deleteRole", { name: r.role_name })}
                          >
                            {t("common.delete")}
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} total={roles.data.total} size={SIZE} onChange={setPage} />
        </>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing === "new" ? t("admin.roles.new") : t("admin.roles.editTitle")} size="lg">
        {editing !== null ? <RoleForm role={editing === "new" ? undefined : editing} onClose={() => setEditing(null)} /> : null}
      </Modal>
    </Stack>
  );
}

function UserPicker({ onPick }: { onPick: (user: AdminUser) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const found = useQuery({ queryKey: ["admin", "users", q, "pick"], queryFn: () => usersApi.list(1, 20, q), enabled: q !== "" });
  return (
    <Stack gap="xs">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(search.trim());
        }}
      >
        <Group gap="xs">
          <TextInput aria-label={t("admin.roles.findUser")} placeholder={t("admin.roles.findUser")} value={search} onChange={(e) => setSearch(e.currentTarget.value)} maxLength={100} w={{ base: "100%", xs: 320 }} />
          <Button type="submit" variant="default">
            {t("admin.common.search")}
          </Button>
        </Group>
      </form>
      {found.isError ? <ErrorPanel error={found.error} onRetry={() => void found.refetch()} /> : null}
      {found.data ? (
        found.data.users.length === 0 ? (
          <Empty>{t("admin.users.none")}</Empty>
        ) : (
          <Group gap="xs">
            {found.data.users.map((u) => (
              <Button key={u.id} size="xs" variant="light" onClick={() => onPick(u)}>
                {u.email}
              </Button>
            ))}
          </Group>
        )
      ) : null}
    </Stack>
  );
}

function Grants({ user }: { user: AdminUser }) {
  const { t } = useTranslation();
  const time = useFormatTime();
  const client = useQueryClient();
  const message = useErrorMessage();
  const [roleId, setRoleId] = useState<string | null>(null);
  const [scope, setScope] = useState("global");
  const [spaceId, setSpaceId] = useState("");
  const [expires, setExpires] = useState("");
  const [touched, setTouched] = useState(false);
  const key = ["admin", "grants", user.id];
  const grants = useQuery({ queryKey: key, queryFn: () => rolesApi.userRoles(user.id) });
  const roles = useQuery({ queryKey: [...ROLES_KEY, "all"], queryFn: () => rolesApi.list("", 1, 100) });
  const grantable = (roles.data?.roles ?? []).filter((r) => !r.is_disabled && r.domain === scope && r.role_code !== "super_admin");
  const assign = useMutation({
    mutationFn: () =>
      rolesApi.assign({
        user_id: user.id,
        role_ids: [roleId ?? ""],
        domain: scope === "global" ? "global" : `space:${spaceId.trim()}`,
        ...(expires ? { expires_at: Math.floor(new Date(expires).getTime() / 1000) } : {}),
      }),
    onSuccess: async () => {
      notifications.show({ color: "green", message: t("admin.roles.granted", { email: user.email }) });
      setRoleId(null);
      await client.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (g: { role_id: string; domain: string }) => rolesApi.unassign({ user_id: user.id, role_ids: [g.role_id], domain: g.domain }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    onError: (err) => notifications.show({ color: "red", message: message(err) }),
  });
  const spaceError = touched && scope === "space" && !/^[1-9]\d{0,18}$/.test(spaceId.trim()) ? t("admin.roles.invalid.space") : null;
  const roleError = touched && !roleId ? t("admin.roles.invalid.role") : null;
  const expiresError = touched && expires && new Date(expires).getTime() <= Date.now() ? t("admin.roles.invalid.expiry") : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!roleId || (scope === "space" && !/^[1-9]\d{0,18}$/.test(spaceId.trim()))) return;
    if (expires && new Date(expires).getTime() <= Date.now()) return;
    assign.mutate();
    setTouched(false);
  };
  return (
    <Stack gap="sm">
      <Section title={t("admin.roles.grantsOf", { email: user.email })}>
        {grants.isPending ? (
          <PageLoader />
        ) : grants.isError ? (
          <ErrorPanel error={grants.error} onRetry={() => void grants.refetch()} />
        ) : grants.data.length === 0 ? (
          <Empty>{t("admin.roles.noGrants")}</Empty>
        ) : (
          <Table aria-label={t("admin.roles.grantsTab")} data-testid="grants">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("admin.roles.role")}</Table.Th>
                <Table.Th>{t("admin.roles.where")}</Table.Th>
                <Table.Th>{t("admin.roles.expires")}</Table.Th>
                <Table.Th>{t("admin.common.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {grants.data.map((g) => (
                <Table.Tr key={`${g.role_id}-${g.domain}`}>
                  <Table.Td>{g.role_name}</Table.Td>
                  <Table.Td>{g.domain === "global" ? t("admin.roles.domainGlobal") : g.domain}</Table.Td>
                  <Table.Td>{g.expires_at ? time(g.expires_at) : t("admin.roles.never")}</Table.Td>
                  <Table.Td>
                    {g.derived ? (
                      <Text size="xs" c="dimmed">
                        {t("admin.roles.derived")}
                      </Text>
                    ) : (
                      <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(g)} aria-label={t("admin.roles.revokeRole", { name: g.role_name })}>
                        {t("admin.roles.revoke")}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Section>
      <Section title={t("admin.roles.grant")}>
        <form onSubmit={submit} noValidate>
          <Stack gap="xs" maw={520}>
            <SegmentedControl
              value={scope}
              onChange={(v) => {
                setScope(v);
                setRoleId(null);
              }}
              data={[
                { value: "global", label: t("admin.roles.domainGlobal") },
                { value: "space", label: t("admin.roles.domainSpace") },
              ]}
              aria-label={t("admin.roles.domain")}
            />
            <Select
              label={t("admin.roles.role")}
              data={grantable.map((r) => ({ value: r.id, label: `${r.role_name} (${r.role_code})` }))}
              value={roleId}
              onChange={setRoleId}
              error={roleError}
              searchable
              nothingFoundMessage={t("admin.roles.none")}
              comboboxProps={{ withinPortal: true }}
            />
            {scope === "space" ? (
              <TextInput label={t("admin.roles.spaceId")} value={spaceId} onChange={(e) => setSpaceId(e.currentTarget.value)} error={spaceError} inputMode="numeric" />
            ) : null}
            <TextInput type="datetime-local" label={t("admin.roles.expiresOptional")} value={expires} onChange={(e) => setExpires(e.currentTarget.value)} error={expiresError} />
            <ActionError error={assign.error} />
            <Group>
              <Button type="submit" loading={assign.isPending}>
                {t("admin.roles.grantAction")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Section>
    </Stack>
  );
}

function GrantsTab() {
  const { t } = useTranslation();
  const [user, setUser] = useState<AdminUser | null>(null);
  return (
    <Stack gap="md">
      <UserPicker onPick={setUser} />
      {user ? <Grants key={user.id} user={user} /> : <Text c="dimmed" size="sm">{t("admin.roles.pickUser")}</Text>}
    </Stack>
  );
}

export function RolesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "grants" ? "grants" : "roles";
  return (
    <Stack gap="sm">
      <PageHeader title={t("admin.roles.title")} />
      <Tabs value={tab} onChange={(v) => setParams(v === "grants" ? { tab: "grants" } : {})} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="roles">{t("admin.roles.rolesTab")}</Tabs.Tab>
          <Tabs.Tab value="grants">{t("admin.roles.grantsTab")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="roles" pt="md">
          <RolesTab />
        </Tabs.Panel>
        <Tabs.Panel value="grants" pt="md">
          <GrantsTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
