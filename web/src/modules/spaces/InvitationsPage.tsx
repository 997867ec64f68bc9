// /invitations: the account's pending invitations, each accepted (joins the space) or declined.
import { Button, Group, Paper, Skeleton, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { api } from "../../app/api";
import { ErrorPanel, FailureAlert } from "../../app/errors";
import { SPACES_KEY } from "../../app/space";
import { MY_INVITATIONS_KEY, myInvitations, type Invitation } from "./api";
import { RoleBadge } from "./Roles";

function InvitationCard({ invitation }: { invitation: Invitation }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const answer = useMutation({
    mutationFn: (accept: boolean) =>
      api(accept ? "/api/space/invitation/accept" : "/api/space/invitation/decline", {
        invitation_id: invitation.invitation_id,
      }),
    onSuccess: async (_, accept) => {
      notifications.show({
        color: "green",
        message: t(accept ? "spaces.mine.accepted" : "spaces.mine.declined", { space: invitation.space_name }),
      });
      await client.invalidateQueries({ queryKey: MY_INVITATIONS_KEY });
      if (accept) await client.invalidateQueries({ queryKey: SPACES_KEY });
    },
  });
  return (
    <Paper withBorder p="md" data-testid="invitation">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Stack gap={2}>
            <Text fw={600}>{invitation.space_name}</Text>
            <Text size="xs" c="dimmed">
              {t("spaces.mine.expires", { date: new Date(invitation.expires_at).toLocaleDateString() })}
            </Text>
          </Stack>
          <RoleBadge role={invitation.role_type} />
        </Group>
        <FailureAlert error={answer.error} />
        <Group gap="sm">
          <Button size="xs" loading={answer.isPending && answer.variables} onClick={() => answer.mutate(true)}>
            {t("spaces.mine.accept")}
          </Button>
          <Button
            size="xs"
            variant="default"
            loading={answer.isPending && !answer.variables}
            onClick={() => answer.mutate(false)}
          >
            {t("spaces.mine.decline")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function InvitationsPage() {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: MY_INVITATIONS_KEY, queryFn: myInvitations });
  return (
    <Stack gap="lg" maw={720}>
      <Title order={2}>{t("spaces.mine.title")}</Title>
      {query.isError ? (
        <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <Skeleton h={100} />
      ) : query.data.length === 0 ? (
        <Text c="dimmed" data-testid="no-invitations">
          {t("spaces.mine.none")}{" "}
          <Link to="/spaces">{t("spaces.mine.toSpaces")}</Link>
        </Text>
      ) : (
        query.data.map((i) => <InvitationCard key={i.invitation_id} invitation={i} />)
      )}
    </Stack>
  );
}
