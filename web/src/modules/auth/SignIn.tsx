import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useSearchParams } from "react-router";

import { apiData } from "../../app/api";
import { useAccount, type Account } from "../../app/auth";
import { errorKind, ErrorPanel, FailureAlert } from "../../app/errors";
import { AuthLayout } from "./AuthLayout";
import { useSignedIn } from "./useSignedIn";

export function SignInPage() {
  const { t } = useTranslation();
  const account = useAccount();
  const [params] = useSearchParams();
  const { next, done } = useSignedIn();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [touched, setTouched] = useState(false);
  const signIn = useMutation({
    mutationFn: () =>
      apiData<Account>("/api/passport/web/email/login/", { email: email.trim(), password }, { redirectOnAuth: false }),
    onSuccess: done,
  });

  if (account.data) return <Navigate to={next} replace />;

  const emailError = touched && !email.trim() ? t("auth.invalid.email") : null;
  const passwordError = touched && !password ? t("auth.invalid.password") : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!email.trim() || !password) return;
    signIn.mutate();
  };
  const signUpLink = params.get("next") ? `/sign-up?next=${encodeURIComponent(next)}` : "/sign-up";

  return (
    <AuthLayout title={t("auth.signIn.title")}>
      {account.isError && errorKind(account.error) === "unreachable" ? (
        <ErrorPanel error={account.error} onRetry={() => void account.refetch()} />
      ) : null}
      <form onSubmit={submit} noValidate aria-label={t("auth.signIn.title")}>
        <Stack gap="md">
          {signIn.isError ? (
            errorKind(signIn.error) === "unreachable" ? (
              <ErrorPanel error={signIn.error} onRetry={() => signIn.mutate()} />
            ) : (
              <FailureAlert error={signIn.error} testId="form-error" />
            )
          ) : null}
          <TextInput
            label={t("auth.field.email")}
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={emailError}
          />
          <PasswordInput
            label={t("auth.field.password")}
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={passwordError}
          />
          <Button type="submit" loading={signIn.isPending} fullWidth>
            {t("auth.signIn.submit")}
          </Button>
          <Text size="sm" ta="center">
            {t("auth.signIn.noAccount")}{" "}
            <Anchor component={Link} to={signUpLink}>
              {t("auth.signIn.toSignUp")}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
