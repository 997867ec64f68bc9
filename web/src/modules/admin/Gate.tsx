// The admin console's door: the admin routes answer 403 (code 4101) to anyone but an admin, so the
// console asks one cheap admin route first and shows "no access" instead of any page or data.
import { Button, Center, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet } from "react-router";

import { ApiError, CODE_FORBIDDEN } from "../../app/api";
import { useCurrentAccount } from "../../app/auth";
import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { usersApi } from "./api";
import "./admin.css";

export const ACCESS_KEY = ["admin", "access"] as const;

async function probe(): Promise<boolean> {
  try {
    await usersApi.list(1, 1, "");
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 403 || err.code === CODE_FORBIDDEN)) return false;
    throw err;
  }
}

export function NoAccess() {
  const { t } = useTranslation();
  return (
    <Center mih="60dvh" p="md">
      <Stack align="center" gap="sm" maw={480} data-testid="admin-no-access">
        <Title order={2}>{t("admin.noAccess.title")}</Title>
        <Text c="dimmed" ta="center">
          {t("admin.noAccess.body")}
        </Text>
        <Button component={Link} to="/" variant="default">
          {t("admin.noAccess.back")}
        </Button>
      </Stack>
    </Center>
  );
}

export function AdminGate({ children }: { children?: ReactNode }) {
  // Per account: another account signed in in this tab is asked afresh.
  const account = useCurrentAccount();
  const access = useQuery({
    queryKey: [...ACCESS_KEY, account.user_id_str],
    queryFn: probe,
    staleTime: 60_000,
    retry: false,
  });
  if (access.isPending) return <PageLoader />;
  if (access.isError) return <ErrorPanel error={access.error} onRetry={() => void access.refetch()} />;
  if (!access.data) return <NoAccess />;
  return children ?? <Outlet />;
}

export function AdminIndex() {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" maw={720}>
      <Title order={2}>{t("admin.home.title")}</Title>
      <Text c="dimmed">{t("admin.home.body")}</Text>
    </Stack>
  );
}

export function GatedIndex() {
  return (
    <AdminGate>
      <AdminIndex />
    </AdminGate>
  );
}
