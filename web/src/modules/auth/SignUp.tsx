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

const MIN_PASSWORD = 8;

export function SignUpPage() {
  const { t } = useTranslation();
  const account = useAccount();
  const [params] = useSearchParams();
  const { next, done } = useSignedIn();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [touched, setTouched] = useState(false);
  const signUp = useMutation({
    mutationFn: () =>
      apiData<Account>(
        "/api/passport/web/email/register/v2/",
        { email: email.trim(), password, name: name.trim() },
        { redirectOnAuth: false },
      ),
    onSuccess: done,
  });

  if (account.data) return <Navigate to={next} replace />;

  const emailError = touched && !email.trim() ? t("auth.invalid.email") : null;
  const passwordError = touched && password.length < MIN_PASSWORD ? t("auth.invalid.passwordShort") : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!email.trim() || password.length < MIN_PASSWORD) return;
    signUp.mutate();
  };
  const signInLink = params.get("next") ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in";

  return (
    <AuthLayout title={t("auth.signUp.title")}>
      <form onSubmit={submit} noValidate aria-label={t("auth.signUp.title")}>
        <Stack gap="md">
          {signUp.isError ? (
            errorKind(signUp.error) === "unreachable" ? (
              <ErrorPanel error={signUp.error} onRetry={() => signUp.mutate()} />
            ) : (
              <FailureAlert error={signUp.error} testId="form-error" />
            )
          ) : null}
          <TextInput
            label={t("auth.field.name")}
            description={t("auth.field.nameHint")}
            name="name"
            autoComplete="name"
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <TextInput
            label={t("auth.field.email")}
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={emailError}
          />
          <PasswordInput
            label={t("auth.field.password")}
            description={t("auth.field.passwordHint")}
            name="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={passwordError}
          />
          <Button type="submit" loading={signUp.isPending} fullWidth>
            {t("auth.signUp.submit")}
          </Button>
          <Text size="sm" ta="center">
            {t("auth.signUp.haveAccount")}{" "}
            <Anchor component={Link} to={signInLink}>
              {t("auth.signUp.toSignIn")}
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
