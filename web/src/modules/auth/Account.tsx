import { Button, Paper, PasswordInput, Stack, Table, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { api } from "../../app/api";
import { ACCOUNT_KEY, useCurrentAccount } from "../../app/auth";
import { FailureAlert } from "../../app/errors";

const MIN_PASSWORD = 8;

function PasswordChange() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [oldPassword, setOld] = useState("");
  const [newPassword, setNew] = useState("");
  const [confirm, setConfirm] = useState("");
  const [touched, setTouched] = useState(false);
  const change = useMutation({
    // A wrong current password is 400 (4000) with its message; a 401 here means the session ended,
    // and the api layer sends the user to sign in and back.
    mutationFn: () =>
      api("/api/passport/password/change", { old_password: oldPassword, new_password: newPassword }),
    onSuccess: async () => {
      // The backend ends every session of the account with the change: sign in again.
      client.clear();
      client.setQueryData(ACCOUNT_KEY, null);
      notifications.show({ color: "green", message: t("auth.password.done") });
      await navigate("/sign-in", { replace: true });
    },
  });
  const newError = touched && newPassword.length < MIN_PASSWORD ? t("auth.invalid.passwordShort") : null;
  const confirmError = touched && confirm !== newPassword ? t("auth.invalid.confirm") : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!oldPassword || newPassword.length < MIN_PASSWORD || confirm !== newPassword) return;
    change.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-change-title">
      <Stack gap="md" maw={420}>
        <Title order={3} id="password-change-title">
          {t("auth.password.title")}
        </Title>
        <FailureAlert error={change.error} testId="form-error" />
        <PasswordInput
          label={t("auth.password.old")}
          autoComplete="current-password"
          required
          value={oldPassword}
          onChange={(e) => setOld(e.currentTarget.value)}
          error={touched && !oldPassword ? t("auth.invalid.password") : null}
        />
        <PasswordInput
          label={t("auth.password.new")}
          description={t("auth.field.passwordHint")}
          autoComplete="new-password"
          required
          value={newPassword}
          onChange={(e) => setNew(e.currentTarget.value)}
          error={newError}
        />
        <PasswordInput
          label={t("auth.password.confirm")}
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.currentTarget.value)}
          error={confirmError}
        />
        <Button type="submit" loading={change.isPending} w="fit-content">
          {t("auth.password.submit")}
        </Button>
      </Stack>
    </form>
  );
}

export function AccountPage() {
  const { t } = useTranslation();
  const account = useCurrentAccount();
  return (
    <Stack gap="lg" maw={720}>
      <Title order={2}>{t("auth.account.title")}</Title>
      <Paper withBorder p="md">
        <Table variant="vertical" layout="fixed">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={120}>{t("auth.account.name")}</Table.Th>
              <Table.Td>{account.name}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("auth.account.email")}</Table.Th>
              <Table.Td>{account.email}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder p="md">
        <PasswordChange />
      </Paper>
    </Stack>
  );
}
