import { Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { useCurrentAccount } from "./auth";

function Welcome({ surface }: { surface: "studio" | "admin" }) {
  const { t } = useTranslation();
  const account = useCurrentAccount();
  return (
    <Stack gap="xs" maw={720}>
      <Title order={2}>{t("shell.welcome", { name: account.name || account.email })}</Title>
      <Text c="dimmed">{surface === "admin" ? t("app.admin") : t("shell.welcomeBody")}</Text>
    </Stack>
  );
}

export function StudioHome() {
  return <Welcome surface="studio" />;
}

export function AdminHome() {
  return <Welcome surface="admin" />;
}
