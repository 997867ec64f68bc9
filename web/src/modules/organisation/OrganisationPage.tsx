// /organisation: the organisation tree (corporations, departments, head counts) and, for those who
// manage the organisation, the members of the chosen node. Without the right: a "no access" state.
import { Alert, Badge, Grid, Group, Paper, Skeleton, Stack, Table, Text, Title, UnstyledButton } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError, CODE_FORBIDDEN, apiData, api } from "../../app/api";
import { ErrorPanel } from "../../app/errors";

interface OrgNode {
  id: string;
  node_type: "corp" | "dept";
  name: string;
  corp_id: string;
  level: number;
  employee_count: number;
  children: OrgNode[];
}

interface Employee {
  id: string;
  name: string;
  email: string;
  position: string;
  status: number; // 1 employed, 2 quit
  departments: { department_id: string; department_name: string; is_primary: boolean }[];
}

function denied(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 403 || error.code === CODE_FORBIDDEN);
}

function NoAccess({ text }: { text: string }) {
  const { t } = useTranslation();
  return (
    <Alert color="gray" title={t("organisation.noAccessTitle")} data-testid="org-no-access">
      {text}
    </Alert>
  );
}

function Tree({ nodes, selected, onSelect }: { nodes: OrgNode[]; selected: OrgNode | null; onSelect: (n: OrgNode) => void }) {
  const { t } = useTranslation();
  return (
    <ul className="cp-org-tree" role="tree" style={{ listStyle: "none", paddingLeft: 0, margin: 0 }}>
      {nodes.map((n) => (
        <li key={n.id} role="treeitem" aria-selected={selected?.id === n.id} aria-expanded={n.children.length ? true : undefined}>
          <UnstyledButton
            className="cp-focusable"
            onClick={() => onSelect(n)}
            w="100%"
            p={4}
            style={{ borderRadius: 4, background: selected?.id === n.id ? "var(--mantine-color-blue-light)" : undefined }}
          >
            <Group gap="xs" wrap="nowrap">
              <Badge size="xs" variant="light" color={n.node_type === "corp" ? "grape" : "blue"}>
                {n.node_type === "corp" ? t("organisation.corp") : t("organisation.dept")}
              </Badge>
              <Text size="sm" fw={n.node_type === "corp" ? 600 : 400}>
                {n.name}
              </Text>
              <Text size="xs" c="dimmed">
                {t("organisation.count", { count: n.employee_count })}
              </Text>
            </Group>
          </UnstyledButton>
          {n.children.length ? (
            <div style={{ paddingLeft: 16 }} role="group">
              <Tree nodes={n.children} selected={selected} onSelect={onSelect} />
            </div>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Members({ node }: { node: OrgNode }) {
  const { t } = useTranslation();
  const body =
    node.node_type === "corp"
      ? { corp_id: node.id, page: 1, page_size: 100 }
      : { department_id: node.id, include_sub_departments: true, page: 1, page_size: 100 };
  const query = useQuery({
    queryKey: ["organisation", "employees", node.id],
    queryFn: () => api<{ data: Employee[]; total: string }>("/api/v1/corporation/employee/list", body),
    retry: false,
  });
  if (query.isError) {
    return denied(query.error) ? (
      <NoAccess text={t("organisation.membersDenied")} />
    ) : (
      <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
    );
  }
  if (query.isPending) return <Skeleton h={80} />;
  if (query.data.data.length === 0) return <Text c="dimmed">{t("organisation.noMembers")}</Text>;
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table data-testid="org-members">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("organisation.col.name")}</Table.Th>
            <Table.Th>{t("organisation.col.position")}</Table.Th>
            <Table.Th>{t("organisation.col.department")}</Table.Th>
            <Table.Th>{t("organisation.col.status")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {query.data.data.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {e.name}
                </Text>
                {e.email ? (
                  <Text size="xs" c="dimmed">
                    {e.email}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td>{e.position}</Table.Td>
              <Table.Td>{e.departments.map((d) => d.department_name).join(", ")}</Table.Td>
              <Table.Td>{e.status === 1 ? t("organisation.employed") : t("organisation.quit")}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function OrganisationPage() {
  const { t } = useTranslation();
  const tree = useQuery({
    queryKey: ["organisation", "tree"],
    queryFn: () => apiData<OrgNode[]>("/api/v1/organization/tree", {}),
    retry: false,
  });
  const [selected, setSelected] = useState<OrgNode | null>(null);
  let content;
  if (tree.isError) {
    content = denied(tree.error) ? (
      <NoAccess text={t("organisation.treeDenied")} />
    ) : (
      <ErrorPanel error={tree.error} onRetry={() => void tree.refetch()} />
    );
  } else if (tree.isPending) {
    content = <Skeleton h={160} />;
  } else if (tree.data.length === 0) {
    content = (
      <Text c="dimmed" data-testid="org-empty">
        {t("organisation.empty")}
      </Text>
    );
  } else {
    content = (
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="sm" data-testid="org-tree">
            <Tree nodes={tree.data} selected={selected} onSelect={setSelected} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Paper withBorder p="sm">
            {selected ? (
              <Stack gap="sm">
                <Title order={3} size="h4">
                  {t("organisation.membersOf", { name: selected.name })}
                </Title>
                <Members node={selected} />
              </Stack>
            ) : (
              <Text c="dimmed">{t("organisation.pick")}</Text>
            )}
          </Paper>
        </Grid.Col>
      </Grid>
    );
  }
  return (
    <Stack gap="lg" maw={1100}>
      <Title order={2}>{t("organisation.title")}</Title>
      {content}
    </Stack>
  );
}
