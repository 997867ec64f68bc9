// /spaces: the spaces the account belongs to (personal and team), creating a team space, opening one.
import { Badge, Button, Group, Paper, Skeleton, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { api } from "../../app/api";
import { ErrorPanel, FailureAlert } from "../../app/errors";
import { SPACES_KEY, useSpace, useSpaces, type Space } from "../../app/space";
import { MAX_SPACE_NAME, PERSONAL, ROLE_OF_TYPE } from "./api";

function CreateTeamSpace() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { setSpaceId } = useSpace();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [touched, setTouched] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      api<{ data: Space }>("/api/playground_api/space/save", { name: name.trim(), description: description.trim() }),
    onSuccess: async ({ data }) => {
      notifications.show({ color: "green", message: t("spaces.create.done", { name: data.name }) });
      setName("");
      setDescription("");
      setTouched(false);
      setSpaceId(data.id);
      await client.invalidateQueries({ queryKey: SPACES_KEY });
    },
  });
  const trimmed = name.trim();
  const nameError = !touched
    ? null
    : !trimmed
      ? t("spaces.invalid.nameEmpty")
      : trimmed.length > MAX_SPACE_NAME
        ? t("spaces.invalid.nameLong", { max: MAX_SPACE_NAME })
        : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!trimmed || trimmed.length > MAX_SPACE_NAME) return;
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="space-create-title">
      <Stack gap="sm" maw={480}>
        <Title order={3} id="space-create-title">
          {t("spaces.create.title")}
        </Title>
        <FailureAlert error={create.error} testId="form-error" />
        <TextInput
          label={t("spaces.field.name")}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={nameError}
        />
        <Textarea
          label={t("spaces.field.description")}
          autosize
          minRows={2}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
        />
        <Button type="submit" loading={create.isPending} w="fit-content">
          {t("spaces.create.submit")}
        </Button>
      </Stack>
    </form>
  );
}

export function SpacesPage() {
  const { t } = useTranslation();
  const query = useSpaces();
  const { setSpaceId } = useSpace();
  const spaces = query.data?.bot_space_list ?? [];
  return (
    <Stack gap="lg" maw={960}>
      <Title order={2}>{t("spaces.title")}</Title>
      {query.isError ? (
        <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <Skeleton h={120} />
      ) : (
        <Paper withBorder p={0}>
          <Table.ScrollContainer minWidth={480}>
            <Table verticalSpacing="sm" data-testid="space-list">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("spaces.col.name")}</Table.Th>
                  <Table.Th>{t("spaces.col.kind")}</Table.Th>
                  <Table.Th>{t("spaces.col.role")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {spaces.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <Text fw={500}>{s.name}</Text>
                      {s.description ? (
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {s.description}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={s.space_type === PERSONAL ? "gray" : "blue"}>
                        {s.space_type === PERSONAL ? t("spaces.kind.personal") : t("spaces.kind.team")}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{t(`spaces.role.${ROLE_OF_TYPE[s.space_role_type] ?? "member"}`)}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          component={Link}
                          to={`/spaces/${s.id}/members`}
                          onClick={() => setSpaceId(s.id)}
                          aria-label={t("spaces.open", { name: s.name })}
                        >
                          {t("spaces.members")}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <Paper withBorder p="md">
        <CreateTeamSpace />
      </Paper>
    </Stack>
  );
}
