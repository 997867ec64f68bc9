// /tokens: personal access tokens. Create (name, scopes, space, expiry); the secret is shown once,
// with a copy button and a warning, and is forgotten when that dialog closes; list; revoke.
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { ConfirmModal } from "../../app/confirm";
import { ErrorPanel, FailureAlert } from "../../app/errors";
import { useSpace } from "../../app/space";
import { DataTable } from "../../app/tables";
import { TOKENS_KEY, createToken, listTokens, revokeToken, type CreatedToken, type Token } from "./api";
import { DURATIONS, MAX_DAYS, MAX_NAME, SCOPES } from "./scopes";

const CUSTOM = "custom";

function when(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString();
}

function SecretOnce({ created, onClose }: { created: CreatedToken | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={t("tokens.secret.title")}
      centered
      size="lg"
      closeOnClickOutside={false}
    >
      {created ? (
        <Stack gap="md">
          <Alert color="yellow" role="alert" title={t("tokens.secret.warningTitle")}>
            {t("tokens.secret.warning")}
          </Alert>
          <Text size="sm">{t("tokens.secret.for", { name: created.personal_access_token.name })}</Text>
          <Code block data-testid="token-secret" style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }}>
            {created.token}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button variant={copied ? "light" : "filled"} color={copied ? "teal" : undefined} onClick={copy}>
                  {copied ? t("tokens.secret.copied") : t("tokens.secret.copy")}
                </Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>
              {t("tokens.secret.done")}
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}

function CreateToken() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { spaces } = useSpace();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>([]);
  const [spaceId, setSpaceId] = useState("");
  const [duration, setDuration] = useState("30");
  const [customDays, setCustomDays] = useState<number | string>(7);
  const [touched, setTouched] = useState(false);
  const days = duration === CUSTOM ? Number(customDays) : Number(duration);
  const create = useMutation({
    mutationFn: () => createToken({ name: name.trim(), scopes, space_id: spaceId, duration_day: String(days) }),
    onSuccess: async () => {
      setName("");
      setScopes([]);
      setTouched(false);
      await client.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  const trimmed = name.trim();
  const nameError = !touched
    ? null
    : !trimmed
      ? t("tokens.invalid.nameEmpty")
      : trimmed.length > MAX_NAME
        ? t("tokens.invalid.nameLong", { max: MAX_NAME })
        : null;
  const daysValid = customDays !== "" && Number.isInteger(days) && days >= 1 && days <= MAX_DAYS;
  const daysError = touched && !daysValid ? t("tokens.invalid.days", { max: MAX_DAYS }) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!trimmed || trimmed.length > MAX_NAME || !daysValid) return;
    create.mutate();
  };
  return (
    <>
      <form onSubmit={submit} noValidate aria-labelledby="token-create-title">
        <Stack gap="sm">
          <Title order={3} id="token-create-title">
            {t("tokens.create.title")}
          </Title>
          <FailureAlert error={create.error} testId="form-error" />
          <TextInput
            label={t("tokens.field.name")}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            maw={420}
          />
          <Checkbox.Group
            label={t("tokens.field.scopes")}
            description={t("tokens.field.scopesHint")}
            value={scopes}
            onChange={setScopes}
          >
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="xs" mt="xs">
              {SCOPES.map((s) => (
                <Checkbox key={s} value={s} label={t(`tokens.scope.${s.replace(":", "_")}`)} description={s} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <Group align="flex-start" gap="sm">
            <Select
              label={t("tokens.field.space")}
              allowDeselect={false}
              value={spaceId}
              onChange={(v) => setSpaceId(v ?? "")}
              data={[{ value: "", label: t("tokens.field.anySpace") }, ...spaces.map((s) => ({ value: s.id, label: s.name }))]}
              comboboxProps={{ withinPortal: true }}
              w={240}
            />
            <Select
              label={t("tokens.field.expiry")}
              allowDeselect={false}
              value={duration}
              onChange={(v) => v && setDuration(v)}
              data={[
                ...DURATIONS.map((d) => ({ value: String(d), label: t("tokens.days", { count: d }) })),
                { value: CUSTOM, label: t("tokens.field.custom") },
              ]}
              comboboxProps={{ withinPortal: true }}
              w={180}
              data-testid="token-expiry"
            />
            {duration === CUSTOM ? (
              <NumberInput
                label={t("tokens.field.days")}
                min={1}
                max={MAX_DAYS}
                clampBehavior="none"
                allowDecimal={false}
                value={customDays}
                onChange={setCustomDays}
                error={daysError}
                w={140}
                data-testid="token-days"
              />
            ) : null}
          </Group>
          <Button type="submit" loading={create.isPending} w="fit-content">
            {t("tokens.create.submit")}
          </Button>
        </Stack>
      </form>
      <SecretOnce created={create.data ?? null} onClose={() => create.reset()} />
    </>
  );
}

function TokenList() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const { spaces } = useSpace();
  const query = useQuery({ queryKey: TOKENS_KEY, queryFn: listTokens });
  const [target, setTarget] = useState<Token | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => revokeToken(id),
    onSuccess: async () => {
      notifications.show({ color: "green", message: t("tokens.revoke.done", { name: target?.name ?? "" }) });
      setTarget(null);
      await client.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending) return <Skeleton h={120} />;
  if (query.data.length === 0) {
    return (
      <Text c="dimmed" p="md" data-testid="no-tokens">
        {t("tokens.none")}
      </Text>
    );
  }
  const spaceName = (id: string) => (id ? (spaces.find((s) => s.id === id)?.name ?? id) : t("tokens.field.anySpace"));
  return (
    <>
      <DataTable
        minWidth={720}
        verticalSpacing="sm"
        data-testid="token-list"
        columns={["name", "scopes", "space", "lastUsed", "expires"].map((c) => t(`tokens.col.${c}`)).concat("")}
      >
            {query.data.map((tok) => (
              <Table.Tr key={tok.id} data-testid={`token-${tok.id}`}>
                <Table.Td>
                  <Text fw={500}>{tok.name}</Text>
                  <Text size="xs" c="dimmed">
                    {t("tokens.created", { date: when(tok.created_at) })}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {tok.scopes.length === 0 ? (
                      <Badge variant="light" color="gray">
                        {t("tokens.allScopes")}
                      </Badge>
                    ) : (
                      tok.scopes.map((s) => (
                        <Badge key={s} variant="outline" size="sm" tt="none">
                          {s}
                        </Badge>
                      ))
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>{spaceName(tok.space_id)}</Table.Td>
                <Table.Td>{tok.last_used_at < 0 ? t("tokens.never") : when(tok.last_used_at)}</Table.Td>
                <Table.Td>{when(tok.expire_at)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={t("tokens.revoke.label", { name: tok.name })}
                    onClick={() => {
                      revoke.reset();
                      setTarget(tok);
                    }}
                  >
                    {t("tokens.revoke.action")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
      </DataTable>
      <ConfirmModal
        opened={target !== null}
        title={t("tokens.revoke.title")}
        confirmLabel={t("tokens.revoke.action")}
        loading={revoke.isPending}
        error={revoke.error}
        errorTestId="revoke-error"
        onConfirm={() => target && revoke.mutate(target.id)}
        onClose={() => setTarget(null)}
      >
        {t("tokens.revoke.body", { name: target?.name ?? "" })}
      </ConfirmModal>
    </>
  );
}

export function TokensPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg" maw={1040}>
      <Stack gap={4}>
        <Title order={2}>{t("tokens.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("tokens.intro")}
        </Text>
      </Stack>
      <Paper withBorder p="md">
        <CreateToken />
      </Paper>
      <Paper withBorder p={0}>
        <TokenList />
      </Paper>
    </Stack>
  );
}
