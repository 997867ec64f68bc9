// What each space role may do, and the platform's permission template for those allowed to read it.
import { Badge, Group, List, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";

import { ApiError } from "../../app/api";
import { ErrorPanel } from "../../app/errors";
import { roleTemplates, type SpaceRole } from "./api";

const ROLES: SpaceRole[] = ["owner", "admin", "member"];

export function RoleBadge({ role }: { role: SpaceRole }) {
  const { t } = useTranslation();
  const color = role === "owner" ? "grape" : role === "admin" ? "blue" : "gray";
  return (
    <Badge variant="light" color={color} data-testid="role">
      {t(`spaces.role.${role}`)}
    </Badge>
  );
}

function Template() {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: ["permission", "template"], queryFn: roleTemplates, retry: false });
  if (query.isPending) return null;
  if (query.isError) {
    const denied = query.error instanceof ApiError && (query.error.status === 403 || query.error.code === 4101);
    return denied ? (
      <Text size="sm" c="dimmed" data-testid="template-denied">
        {t("spaces.roles.templateDenied")}
      </Text>
    ) : (
      <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
    );
  }
  return (
    <Stack gap="sm" data-testid="template">
      <Title order={4}>{t("spaces.roles.template")}</Title>
      {query.data.map((d) => (
        <Stack key={d.domain} gap={4}>
          <Text fw={500}>{d.domain_name}</Text>
          <Table.ScrollContainer minWidth={320}>
            <Table withRowBorders={false} verticalSpacing={4}>
              <Table.Tbody>
                {d.resources.map((r) => (
                  <Table.Tr key={r.resource}>
                    <Table.Td w={200}>{r.resource_name}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {r.actions.map((a) => (
                          <Badge key={a.action} variant="outline" size="sm">
                            {a.action}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      ))}
    </Stack>
  );
}

export function Roles() {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="md">
      <Stack gap="md">
        <Title order={3}>{t("spaces.roles.title")}</Title>
        <List spacing="xs">
          {ROLES.map((r) => (
            <List.Item key={r}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <RoleBadge role={r} />
                <Text size="sm">{t(`spaces.roles.${r}`)}</Text>
              </Group>
            </List.Item>
          ))}
        </List>
        <Template />
      </Stack>
    </Paper>
  );
}
