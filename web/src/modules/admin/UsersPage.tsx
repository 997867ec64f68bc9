// /admin/users: find accounts, create one, disable or enable it, reset its password (the new
// password is generated here and shown once).
import {
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { ErrorPanel, useErrorMessage } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { type AdminUser, usersApi } from "./api";
import { ActionError, ConfirmButtons, Empty, PageHeader, Pager, useFormatTime } from "./shared";

const SIZE = 20;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD = 8;

/** The backend's rule: at least 8 characters, not only digits or only letters. */
export function passwordProblem(password: string): "short" | "weak" | null {
  if (password.length < MIN_PASSWORD) return "short";
  if (/^\d+$/.test(password) || /^\p{L}+$/u.test(password)) return "weak";
  return null;
}

const ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A 16-character password from the browser's random source, with letters and digits. */
export function generatePassword(): string {
  for (;;) {
    const bytes = new Uint32Array(16);
    crypto.getRandomValues(bytes);
    const out = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
    if (/\d/.test(out) && /[a-zA-Z]/.test(out)) return out;
  }
}

function CreateUser({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [superuser, setSuperuser] = useState(false);
  const [touched, setTouched] = useState(false);
  const create = useMutation({
    mutationFn: () => usersApi.create({ email: email.trim(), name: name.trim(), password, is_superuser: superuser }),
    onSuccess: async (user) => {
      notifications.show({ color: "green", message: t("admin.users.created", { email: user.email }) });
      await client.invalidateQueries({ queryKey: ["admin", "users"] });
      onClose();
    },
  });
  const emailError = touched && !EMAIL.test(email.trim()) ? t("admin.users.invalid.email") : null;
  const problem = passwordProblem(password);
  const passwordError = touched && problem ? t(`admin.users.invalid.${problem}`) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!EMAIL.test(email.trim()) || problem) return;
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label={t("admin.users.email")} value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={emailError} required data-autofocus />
        <TextInput label={t("admin.users.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <PasswordInput
            style={{ flex: 1 }}
            label={t("admin.users.password")}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={passwordError}
            description={t("admin.users.passwordHint")}
            required
          />
          <Button variant="default" onClick={() => setPassword(generatePassword())}>
            {t("admin.users.generate")}
          </Button>
        </Group>
        <Checkbox label={t("admin.users.superuser")} checked={superuser} onChange={(e) => setSuperuser(e.currentTarget.checked)} />
        <ActionError error={create.error} />
        <ConfirmButtons onCancel={onClose} confirmLabel={t("admin.users.create")} loading={create.isPending} />
      </Stack>
    </form>
  );
}

function ResetPassword({ user, onClose }: { user: AdminUser; onClose: () => void }) {
  const { t } = useTranslation();
  const [password] = useState(generatePassword);
  const reset = useMutation({ mutationFn: () => usersApi.resetPassword(user.id, password) });
  if (reset.isSuccess) {
    return (
      <Stack gap="sm">
        <Text size="sm">{t("admin.users.reset.done", { email: user.email })}</Text>
        <Group gap="xs">
          <Code fz="md" data-testid="new-password">
            {password}
          </Code>
          <CopyButton value={password}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? t("admin.common.copied") : t("admin.common.copy")}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="xs" c="dimmed">
          {t("admin.users.reset.once")}
        </Text>
        <Group justify="flex-end">
          <Button onClick={onClose}>{t("admin.common.done")}</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm">{t("admin.users.reset.confirm", { email: user.email })}</Text>
      <ActionError error={reset.error} />
      <ConfirmButtons
        type="button"
        onCancel={onClose}
        confirmLabel={t("admin.users.reset.action")}
        loading={reset.isPending}
        color="red"
        onConfirm={() => reset.mutate()}
      />
    </Stack>
  );
}

function StatusButton({ user }: { user: AdminUser }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const message = useErrorMessage();
  const disabled = user.status === "disabled";
  const change = useMutation({
    mutationFn: () => usersApi.setStatus(user.id, disabled ? "active" : "disabled"),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "users"] }),
    onError: (err) => notifications.show({ color: "red", message: message(err) }),
  });
  return (
    <Button
      size="xs"
      variant="default"
      loading={change.isPending}
      onClick={() => change.mutate()}
      aria-label={t(disabled ? "admin.users.enableUser" : "admin.users.disableUser", { email: user.email })}
    >
      {t(disabled ? "admin.users.enable" : "admin.users.disable")}
    </Button>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  const time = useFormatTime();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<AdminUser | null>(null);
  const users = useQuery({
    queryKey: ["admin", "users", q, page],
    queryFn: () => usersApi.list(page, SIZE, q),
    placeholderData: keepPreviousData,
  });
  return (
    <Stack gap="sm">
      <PageHeader title={t("admin.users.title")}>
        <Button onClick={() => setCreating(true)}>{t("admin.users.new")}</Button>
      </PageHeader>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setQ(search.trim());
        }}
      >
        <Group gap="xs" align="flex-end">
          <TextInput
            aria-label={t("admin.users.search")}
            placeholder={t("admin.users.searchPlaceholder")}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            maxLength={100}
            w={{ base: "100%", xs: 320 }}
          />
          <Button type="submit" variant="default">
            {t("admin.common.search")}
          </Button>
        </Group>
      </form>
      {users.isPending ? (
        <PageLoader />
      ) : users.isError ? (
        <ErrorPanel error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.users.length === 0 ? (
        <Empty>{t("admin.users.none")}</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover aria-label={t("admin.users.title")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("admin.users.email")}</Table.Th>
                  <Table.Th>{t("admin.users.name")}</Table.Th>
                  <Table.Th>{t("admin.users.status")}</Table.Th>
                  <Table.Th>{t("admin.users.createdAt")}</Table.Th>
                  <Table.Th>{t("admin.common.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.users.map((u) => (
                  <Table.Tr key={u.id} data-testid={`user-${u.email}`}>
                    <Table.Td>
                      <Text size="sm">{u.email}</Text>
                      {u.is_superuser ? (
                        <Badge size="xs" variant="light" color="grape">
                          {t("admin.users.admin")}
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>{u.name}</Table.Td>
                    <Table.Td>
                      <Badge color={u.status === "disabled" ? "gray" : "green"} variant="light">
                        {t(u.status === "disabled" ? "admin.users.disabled" : "admin.users.active")}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{time(u.created_at)}</Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <StatusButton user={u} />
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setResetting(u)}
                          aria-label={t("admin.users.resetUser", { email: u.email })}
                        >
                          {t("admin.users.reset.action")}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Pager page={page} total={users.data.total} size={SIZE} onChange={setPage} />
        </>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title={t("admin.users.new")}>
        {creating ? <CreateUser onClose={() => setCreating(false)} /> : null}
      </Modal>
      <Modal opened={resetting !== null} onClose={() => setResetting(null)} title={t("admin.users.reset.title")}>
        {resetting ? <ResetPassword user={resetting} onClose={() => setResetting(null)} /> : null}
      </Modal>
    </Stack>
  );
}
