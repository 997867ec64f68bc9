// Where a plugin's OAuth provider sends the user after their consent (Coze's path): it is done, the
// user goes back to the chat or the plugin and carries on.
import { Card, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

export function AuthorizedPage() {
  const { t } = useTranslation();
  return (
    <Card withBorder maw={560} p="lg">
      <Stack gap="xs">
        <Title order={2}>{t("plugins.oauth.doneTitle")}</Title>
        <Text>{t("plugins.oauth.doneBody")}</Text>
      </Stack>
    </Card>
  );
}
