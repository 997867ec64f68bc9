// A plugin that acts for each user (OAuth authorization code): whether the signed-in user has
// authorized it, a link to consent at the provider (a new tab), and revoking.
import { Alert, Anchor, Button, Group, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";

import { api } from "../../app/api";
import { FailureAlert } from "../../app/errors";

/** Coze's OAuthStatus: 1 authorized, 2 not yet. */
const AUTHORIZED = 1;

interface OAuthStatus {
  is_oauth: boolean;
  status: number;
  content: string; // the consent link while not authorized
}

export const oauthStatusKey = (pluginId: string) => ["plugins", "oauth-status", pluginId] as const;

function getStatus(pluginId: string) {
  return api<OAuthStatus>("/api/plugin_api/get_oauth_status", { plugin_id: pluginId });
}

function revoke(pluginId: string) {
  return api("/api/plugin_api/revoke_auth_token", { plugin_id: pluginId });
}

/** Only http(s) links are followed: the link comes from the plugin's settings. */
export const safeLink = (url: string) => (/^https?:\/\//i.test(url) ? url : "");

export function Authorization({ pluginId }: { pluginId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const status = useQuery({ queryKey: oauthStatusKey(pluginId), queryFn: () => getStatus(pluginId) });
  const forget = useMutation({
    mutationFn: () => revoke(pluginId),
    onSuccess: async () => {
      notifications.show({ message: t("plugins.oauth.revoked") });
      await client.invalidateQueries({ queryKey: oauthStatusKey(pluginId) });
    },
  });
  if (!status.data?.is_oauth) return null;
  const authorized = status.data.status === AUTHORIZED;
  const link = safeLink(status.data.content);
  return (
    <Alert color={authorized ? "green" : "blue"} title={t("plugins.oauth.title")} data-testid="oauth-status">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Text size="sm">{authorized ? t("plugins.oauth.authorized") : t("plugins.oauth.notAuthorized")}</Text>
        <Group gap="xs">
          {!authorized && link ? (
            <Button component="a" href={link} target="_blank" rel="noreferrer noopener" size="xs">
              {t("plugins.oauth.authorize")}
            </Button>
          ) : null}
          {authorized ? (
            <Button size="xs" variant="default" loading={forget.isPending} onClick={() => forget.mutate()}>
              {t("plugins.oauth.revoke")}
            </Button>
          ) : null}
          <Anchor component="button" size="xs" onClick={() => void status.refetch()}>
            {t("plugins.oauth.refresh")}
          </Anchor>
        </Group>
      </Group>
      {forget.error ? <FailureAlert error={forget.error} /> : null}
    </Alert>
  );
}
