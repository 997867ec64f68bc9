// The agent editor: persona and variables, model and parameters, memory, knowledge, onboarding,
// follow-up suggestions and client tools; saved explicitly, with the server's own message when it refuses.
import {
  Alert,
  Anchor,
  Breadcrumbs,
  Button,
  Card,
  Group,
  Modal,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { useHotkeys, useWindowEvent } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link, useBlocker, useParams } from "react-router";

import { ErrorPanel, useErrorMessage } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { useFollowSpace } from "../../app/space";
import { getDraft, keys, listKnowledge, listModels, listPlugins, updateDraft } from "./api";
import { OnboardingSection, SuggestionsSection, ToolsSection } from "./ConversationSection";
import { LIMITS, ToolSchemaError, formOf, sameForm, updateOf, type DraftForm } from "./draft";
import { KnowledgeSection } from "./KnowledgeSection";
import { PluginsSection } from "./PluginsSection";
import { ModelSection } from "./ModelSection";
import { agentPath, agentsPath } from "./paths";
import { PersonaField, VariablesField } from "./PersonaSection";
import type { DraftData } from "./types";

export function AgentEditorPage() {
  const { spaceId = "", agentId = "" } = useParams();
  useFollowSpace(spaceId, (id) => agentsPath(id));
  const query = useQuery({ queryKey: keys.draft(agentId), queryFn: () => getDraft(spaceId, agentId) });
  if (query.isPending) return <PageLoader />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  return <Editor key={agentId} spaceId={spaceId} agentId={agentId} draft={query.data} />;
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Card withBorder padding="md" component="section" aria-label={title} data-testid={testId}>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}

function Editor({ spaceId, agentId, draft }: { spaceId: string; agentId: string; draft: DraftData }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const message = useErrorMessage();
  const [form, setForm] = useState<DraftForm>(() => formOf(draft.bot_info));
  const [baseline, setBaseline] = useState<DraftForm>(form);
  const [localError, setLocalError] = useState<string | null>(null);
  const patch = useCallback((p: Partial<DraftForm>) => setForm((f) => ({ ...f, ...p })), []);
  const onPrompt = useCallback((prompt: string) => setForm((f) => ({ ...f, prompt })), []);
  const models = useQuery({ queryKey: keys.models(spaceId), queryFn: () => listModels(spaceId), staleTime: 60_000 });
  const datasets = useQuery({ queryKey: keys.knowledge(spaceId), queryFn: () => listKnowledge(spaceId) });
  const plugins = useQuery({ queryKey: keys.plugins(spaceId), queryFn: () => listPlugins(spaceId) });

  const save = useMutation({
    mutationFn: (f: DraftForm) => updateDraft(updateOf(agentId, f)),
    onSuccess: (_, saved) => {
      setBaseline(saved);
      notifications.show({ color: "green", message: t("agents.editor.savedToast") });
      void client.invalidateQueries({ queryKey: keys.draft(agentId) });
      void client.invalidateQueries({ queryKey: keys.lists(spaceId) });
    },
  });
  const dirty = !sameForm(form, baseline);

  function submit() {
    if (save.isPending) return;
    setLocalError(null);
    try {
      updateOf(agentId, form); // the tools' schemas must be JSON before anything is sent
    } catch (err) {
      if (err instanceof ToolSchemaError) {
        setLocalError(t("agents.tools.parametersInvalidNamed", { name: err.tool || "?" }));
        return;
      }
      throw err;
    }
    save.mutate(form);
  }

  useHotkeys([["mod+S", submit]], []);
  useWindowEvent("beforeunload", (e) => {
    if (dirty) e.preventDefault();
  });
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );

  const failure = localError ?? (save.isError ? message(save.error) : null);
  const status = save.isPending
    ? t("agents.editor.saving")
    : failure
      ? t("agents.editor.notSaved")
      : dirty
        ? t("agents.editor.unsaved")
        : t("agents.editor.saved");
  const base = agentPath(spaceId, agentId);

  return (
    <Stack gap="md" maw={1280}>
      <Breadcrumbs separator="›">
        <Anchor component={Link} to={agentsPath(spaceId)} size="sm">
          {t("agents.list.title")}
        </Anchor>
        <Text size="sm" truncate maw={240}>
          {baseline.name}
        </Text>
      </Breadcrumbs>
      <Card
        withBorder
        padding="sm"
        style={{ position: "sticky", top: "calc(var(--app-shell-header-height, 56px) + 8px)", zIndex: 3 }}
      >
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Title order={2} size="h3" style={{ overflowWrap: "anywhere" }}>
              {baseline.name}
            </Title>
            <Text
              size="sm"
              c={failure ? "red" : dirty ? "orange" : "dimmed"}
              role="status"
              aria-live="polite"
              data-testid="save-status"
            >
              {status}
            </Text>
          </Stack>
          <Group gap="xs" wrap="wrap">
            <Button variant="default" component={Link} to={`${base}/chat`} data-testid="open-playground">
              {t("agents.editor.playground")}
            </Button>
            <Button variant="default" component={Link} to={`${base}/publish`} data-testid="open-publish">
              {t("agents.editor.publish")}
            </Button>
            <Button onClick={submit} loading={save.isPending} disabled={!dirty && !failure} data-testid="save">
              {t("agents.editor.save")}
            </Button>
          </Group>
        </Group>
      </Card>
      {failure ? (
        <Alert color="red" title={t("agents.editor.saveFailed")} role="alert" data-testid="save-error">
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>
            {failure}
          </Text>
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Stack gap="md">
          <Section title={t("agents.editor.basics")}>
            <TextInput
              label={t("agents.create.name")}
              required
              value={form.name}
              maxLength={LIMITS.name}
              error={form.name.trim() ? null : t("agents.create.nameRequired")}
              onChange={(e) => patch({ name: e.currentTarget.value })}
              data-testid="agent-name"
            />
            <Textarea
              label={t("agents.create.description")}
              value={form.description}
              maxLength={LIMITS.description}
              autosize
              minRows={2}
              maxRows={5}
              onChange={(e) => patch({ description: e.currentTarget.value })}
            />
          </Section>
          <Section title={t("agents.editor.personaSection")} testId="persona-section">
            <PersonaField prompt={form.prompt} onPrompt={onPrompt} />
            <VariablesField prompt={form.prompt} variables={form.variables} onChange={(variables) => patch({ variables })} />
          </Section>
        </Stack>
        <Stack gap="md">
          <Section title={t("agents.editor.modelSection")} testId="model-section">
            <ModelSection
              form={form}
              models={models.data}
              modelsError={models.isError ? message(models.error) : null}
              onChange={patch}
            />
          </Section>
          <Section title={t("agents.editor.knowledgeSection")} testId="knowledge-section">
            <KnowledgeSection
              form={form}
              datasets={datasets.data}
              datasetsError={datasets.isError ? message(datasets.error) : null}
              onChange={patch}
            />
          </Section>
          <Section title={t("agents.editor.pluginsSection")} testId="plugins-section">
            <PluginsSection
              agentId={agentId}
              form={form}
              savedTools={baseline.pluginTools}
              plugins={plugins.data}
              pluginsError={plugins.isError ? message(plugins.error) : null}
              onChange={patch}
            />
          </Section>
          <Section title={t("agents.editor.onboardingSection")}>
            <OnboardingSection form={form} onChange={patch} />
          </Section>
          <Section title={t("agents.editor.suggestSection")}>
            <SuggestionsSection form={form} onChange={patch} />
          </Section>
          <Section title={t("agents.editor.toolsSection")}>
            <ToolsSection form={form} onChange={patch} />
          </Section>
        </Stack>
      </SimpleGrid>
      <Modal
        opened={blocker.state === "blocked"}
        onClose={() => blocker.reset?.()}
        title={t("agents.editor.leaveTitle")}
      >
        <Stack gap="sm">
          <Text>{t("agents.editor.leaveBody")}</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
              {t("agents.editor.stay")}
            </Button>
            <Button color="red" onClick={() => blocker.proceed?.()}>
              {t("agents.editor.leave")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
