// /spaces/:spaceId/members: the members with their roles, adding, removing, transferring ownership,
// invitations by e-mail (pending list, revoke) and what the roles mean. Another space's id: not found.
import {
  Alert,
  Anchor,
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";

import { ApiError, CODE_NOT_FOUND, api } from "../../app/api";
import { useCurrentAccount } from "../../app/auth";
import { ConfirmModal } from "../../app/confirm";
import { ErrorPanel, FailureAlert, useErrorMessage } from "../../app/errors";
import { SPACES_KEY, useSpace, type Space } from "../../app/space";
import { DataTable } from "../../app/tables";
import {
  EMAIL,
  INVITATION_DAYS,
  MAX_INVITATION_DAYS,
  PERSONAL,
  ROLE_OF_TYPE,
  invitationsKey,
  listMembers,
  membersKey,
  spaceInvitations,
  type Member,
  type SpaceRole,
} from "./api";
import { RoleBadge, Roles } from "./Roles";

const ID = /^[1-9][0-9]{0,18}$/;

function date(at: string | null): string {
  return at ? new Date(at).toLocaleDateString() : "";
}

function RoleSelect({ value, onChange, adminAllowed }: { value: SpaceRole; onChange: (r: SpaceRole) => void; adminAllowed: boolean }) {
  const { t } = useTranslation();
  return (
    <Select
      label={t("spaces.field.role")}
      allowDeselect={false}
      value={value}
      onChange={(v) => v && onChange(v as SpaceRole)}
      data={[
        { value: "member", label: t("spaces.role.member") },
        ...(adminAllowed ? [{ value: "admin", label: t("spaces.role.admin") }] : []),
      ]}
      comboboxProps={{ withinPortal: true }}
      w={160}
    />
  );
}

function AddMember({ space, me }: { space: Space; me: SpaceRole }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<SpaceRole>("member");
  const [touched, setTouched] = useState(false);
  const add = useMutation({
    mutationFn: () => api("/api/space/member/add", { space_id: space.id, user_id: userId.trim(), role }),
    onSuccess: async () => {
      notifications.show({ color: "green", message: t("spaces.add.done") });
      setUserId("");
      setTouched(false);
      await client.invalidateQueries({ queryKey: membersKey(space.id) });
    },
  });
  const idError = touched && !ID.test(userId.trim()) ? t("spaces.invalid.userId") : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!ID.test(userId.trim())) return;
    add.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="member-add-title">
      <Stack gap="sm">
        <Title order={4} id="member-add-title">
          {t("spaces.add.title")}
        </Title>
        <FailureAlert error={add.error} testId="add-error" />
        <Group align="flex-start" gap="sm">
          <TextInput
            label={t("spaces.field.userId")}
            description={t("spaces.field.userIdHint")}
            inputMode="numeric"
            value={userId}
            onChange={(e) => setUserId(e.currentTarget.value)}
            error={idError}
            w={220}
          />
          <RoleSelect value={role} onChange={setRole} adminAllowed={me === "owner"} />
        </Group>
        <Button type="submit" loading={add.isPending} w="fit-content">
          {t("spaces.add.submit")}
        </Button>
      </Stack>
    </form>
  );
}

function Invite({ space, me }: { space: Space; me: SpaceRole }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<SpaceRole>("member");
  const [days, setDays] = useState<number | string>(INVITATION_DAYS);
  const [touched, setTouched] = useState(false);
  const invite = useMutation({
    mutationFn: () =>
      api("/api/space/invitation/create", { space_id: space.id, email: email.trim(), role, expire_days: Number(days) }),
    onSuccess: async () => {
      notifications.show({ color: "green", message: t("spaces.invite.done", { email: email.trim() }) });
      setEmail("");
      setTouched(false);
      await client.invalidateQueries({ queryKey: invitationsKey(space.id) });
    },
  });
  const daysValid = Number.isInteger(Number(days)) && Number(days) >= 1 && Number(days) <= MAX_INVITATION_DAYS && days !== "";
  const emailError = touched && !EMAIL.test(email.trim()) ? t("spaces.invalid.email") : null;
  const daysError = touched && !daysValid ? t("spaces.invalid.days", { max: MAX_INVITATION_DAYS }) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!EMAIL.test(email.trim()) || !daysValid) return;
    invite.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="invite-title">
      <Stack gap="sm">
        <Title order={4} id="invite-title">
          {t("spaces.invite.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("spaces.invite.hint")}
        </Text>
        <FailureAlert error={invite.error} testId="invite-error" />
        <Group align="flex-start" gap="sm">
          <TextInput
            label={t("spaces.field.email")}
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={emailError}
            w={260}
          />
          <RoleSelect value={role} onChange={setRole} adminAllowed={me === "owner"} />
          <NumberInput
            label={t("spaces.field.days")}
            min={1}
            max={MAX_INVITATION_DAYS}
            clampBehavior="none"
            allowDecimal={false}
            value={days}
            onChange={setDays}
            error={daysError}
            w={140}
          />
        </Group>
        <Button type="submit" loading={invite.isPending} w="fit-content">
          {t("spaces.invite.submit")}
        </Button>
      </Stack>
    </form>
  );
}

function Pending({ space }: { space: Space }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const query = useQuery({ queryKey: invitationsKey(space.id), queryFn: () => spaceInvitations(space.id) });
  const [target, setTarget] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => api("/api/space/invitation/revoke", { invitation_id: id }),
    onSuccess: async () => {
      setTarget(null);
      notifications.show({ color: "green", message: t("spaces.pending.revoked") });
      await client.invalidateQueries({ queryKey: invitationsKey(space.id) });
    },
  });
  const invitation = query.data?.find((i) => i.invitation_id === target);
  return (
    <Stack gap="sm">
      <Title order={4}>{t("spaces.pending.title")}</Title>
      {query.isError ? (
        <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <Skeleton h={40} />
      ) : query.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("spaces.pending.none")}
        </Text>
      ) : (
        <DataTable
          minWidth={480}
          data-testid="pending-invitations"
          columns={[t("spaces.col.person"), t("spaces.col.role"), t("spaces.col.expires"), ""]}
        >
              {query.data.map((i) => (
                <Table.Tr key={i.invitation_id}>
                  <Table.Td>{i.user_nickname || i.user_unique_name}</Table.Td>
                  <Table.Td>
                    <RoleBadge role={i.role_type} />
                  </Table.Td>
                  <Table.Td>{date(i.expires_at)}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" color="red" onClick={() => { revoke.reset(); setTarget(i.invitation_id); }}>
                      {t("spaces.pending.revoke")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
        </DataTable>
      )}
      <ConfirmModal
        opened={target !== null}
        title={t("spaces.pending.revokeTitle")}
        confirmLabel={t("spaces.pending.revoke")}
        loading={revoke.isPending}
        error={revoke.error}
        errorTestId="confirm-error"
        onConfirm={() => target && revoke.mutate(target)}
        onClose={() => setTarget(null)}
      >
        {t("spaces.pending.revokeBody", { name: invitation?.user_nickname ?? "" })}
      </ConfirmModal>
    </Stack>
  );
}

type Action = { kind: "remove" | "transfer"; member: Member };

function MemberTable({ space, me, myId }: { space: Space; me: SpaceRole; myId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const query = useQuery({ queryKey: membersKey(space.id), queryFn: () => listMembers(space.id) });
  const [action, setAction] = useState<Action | null>(null);
  const change = useMutation({
    mutationFn: ({ kind, member }: Action) =>
      api(kind === "remove" ? "/api/space/member/remove" : "/api/space/transfer", {
        space_id: space.id,
        user_id: member.user_id,
      }),
    onSuccess: async (_, { kind, member }) => {
      setAction(null);
      notifications.show({
        color: "green",
        message: t(kind === "remove" ? "spaces.remove.done" : "spaces.transfer.done", { name: member.user_nickname }),
      });
      await client.invalidateQueries({ queryKey: membersKey(space.id) });
      if (kind === "transfer" || member.user_id === myId) await client.invalidateQueries({ queryKey: SPACES_KEY });
    },
  });
  const errorText = useErrorMessage();
  // Admin <-> member in place: reversible, so no confirmation; only the owner may (the server checks).
  const setRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: "admin" | "member" }) =>
      api("/api/space/member/update", { space_id: space.id, user_id: member.user_id, role }),
    onSuccess: async (_, { member, role }) => {
      notifications.show({
        color: "green",
        message: t("spaces.role.done", { name: member.user_nickname, role: t(`spaces.role.${role}`) }),
      });
      await client.invalidateQueries({ queryKey: membersKey(space.id) });
    },
    onError: (error) => notifications.show({ color: "red", message: errorText(error) }),
  });
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending) return <Skeleton h={120} />;
  const team = space.space_type !== PERSONAL;
  const canRemove = (m: Member) =>
    team && m.role_type !== "owner" && (m.user_id === myId || me === "owner" || (me === "admin" && m.role_type === "member"));
  const open = (kind: Action["kind"], member: Member) => {
    change.reset();
    setAction({ kind, member });
  };
  return (
    <>
      <DataTable
        minWidth={560}
        verticalSpacing="sm"
        data-testid="member-list"
        columns={[t("spaces.col.person"), t("spaces.col.role"), t("spaces.col.joined"), ""]}
      >
            {query.data.members.map((m) => (
              <Table.Tr key={m.user_id} data-testid={`member-${m.user_id}`}>
                <Table.Td>
                  <Text fw={500}>{m.user_nickname || m.user_unique_name}</Text>
                  <Text size="xs" c="dimmed">
                    {t("spaces.userId", { id: m.user_id })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RoleBadge role={m.role_type} />
                </Table.Td>
                <Table.Td>{date(m.joined_at)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    {team && me === "owner" && m.role_type !== "owner" ? (
                      <Button
                        size="xs"
                        variant="default"
                        loading={setRole.isPending && setRole.variables?.member.user_id === m.user_id}
                        onClick={() => setRole.mutate({ member: m, role: m.role_type === "admin" ? "member" : "admin" })}
                      >
                        {m.role_type === "admin" ? t("spaces.role.makeMember") : t("spaces.role.makeAdmin")}
                      </Button>
                    ) : null}
                    {team && me === "owner" && m.user_id !== myId ? (
                      <Button size="xs" variant="default" onClick={() => open("transfer", m)}>
                        {t("spaces.transfer.action")}
                      </Button>
                    ) : null}
                    {canRemove(m) ? (
                      <Button size="xs" variant="subtle" color="red" onClick={() => open("remove", m)}>
                        {m.user_id === myId ? t("spaces.remove.leave") : t("spaces.remove.action")}
                      </Button>
                    ) : null}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
      </DataTable>
      <ConfirmModal
        opened={action !== null}
        title={action?.kind === "transfer" ? t("spaces.transfer.title") : t("spaces.remove.title")}
        confirmLabel={action?.kind === "transfer" ? t("spaces.transfer.action") : t("spaces.remove.action")}
        loading={change.isPending}
        error={change.error}
        errorTestId="confirm-error"
        onConfirm={() => action && change.mutate(action)}
        onClose={() => setAction(null)}
      >
        {action?.kind === "transfer"
          ? t("spaces.transfer.body", { name: action.member.user_nickname, space: space.name })
          : t("spaces.remove.body", { name: action?.member.user_nickname ?? "", space: space.name })}
      </ConfirmModal>
    </>
  );
}

export function MembersPage() {
  const { t } = useTranslation();
  const { spaceId = "" } = useParams();
  const account = useCurrentAccount();
  const { spaces, isPending, error, refetch } = useSpace();
  if (error) return <ErrorPanel error={error} onRetry={refetch} />;
  if (isPending) return <Skeleton h={160} />;
  const space = spaces.find((s) => s.id === spaceId);
  // Not one of the account's spaces: the same answer the server gives for another space's id.
  if (!space) return <ErrorPanel error={new ApiError(404, CODE_NOT_FOUND, "")} />;
  const me = ROLE_OF_TYPE[space.space_role_type] ?? "member";
  const manages = space.space_type !== PERSONAL && (me === "owner" || me === "admin");
  return (
    <Stack gap="lg" maw={960}>
      <Stack gap={4}>
        <Anchor component={Link} to="/spaces" size="sm">
          {t("spaces.back")}
        </Anchor>
        <Title order={2}>{t("spaces.members.title", { name: space.name })}</Title>
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {t("spaces.members.yourRole")}
          </Text>
          <RoleBadge role={me} />
        </Group>
      </Stack>
      {space.space_type === PERSONAL ? (
        <Alert color="gray">{t("spaces.members.personal")}</Alert>
      ) : null}
      <Paper withBorder p={0}>
        <MemberTable space={space} me={me} myId={account.user_id_str} />
      </Paper>
      {manages ? (
        <>
          <Paper withBorder p="md">
            <Invite space={space} me={me} />
          </Paper>
          <Paper withBorder p="md">
            <Pending space={space} />
          </Paper>
          <Paper withBorder p="md">
            <AddMember space={space} me={me} />
          </Paper>
        </>
      ) : null}
      <Roles />
    </Stack>
  );
}
