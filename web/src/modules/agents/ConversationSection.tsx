// What the agent says first (prologue, suggested questions), follow-up suggestions, client tools.
import { ActionIcon, Button, Checkbox, Group, Stack, Switch, Text, TextInput, Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { LIMITS, SUGGEST, TOOL_NAME, type DraftForm, type ToolForm } from "./draft";

type Patch = (patch: Partial<DraftForm>) => void;

function Counter({ used, limit }: { used: number; limit: number }) {
  const { t } = useTranslation();
  return (
    <Text size="xs" c={used > limit ? "red" : "dimmed"} ta="right">
      {t("agents.common.chars", { used, limit })}
    </Text>
  );
}

export function OnboardingSection({ form, onChange }: { form: DraftForm; onChange: Patch }) {
  const { t } = useTranslation();
  const questions = form.questions;
  const setQuestion = (i: number, q: string) => onChange({ questions: questions.map((x, j) => (i === j ? q : x)) });
  return (
    <Stack gap="sm">
      <Stack gap={4}>
        <Textarea
          label={t("agents.onboarding.prologue")}
          description={t("agents.onboarding.prologueHint")}
          value={form.prologue}
          autosize
          minRows={2}
          maxRows={8}
          onChange={(e) => onChange({ prologue: e.currentTarget.value })}
          data-testid="prologue"
        />
        <Counter used={form.prologue.length} limit={LIMITS.prologue} />
      </Stack>
      <Text fw={500} size="sm">
        {t("agents.onboarding.questions")}
      </Text>
      {questions.map((q, i) => (
        <Group key={i} gap="xs" wrap="nowrap">
          <TextInput
            aria-label={t("agents.onboarding.question", { n: i + 1 })}
            value={q}
            maxLength={LIMITS.question}
            onChange={(e) => setQuestion(i, e.currentTarget.value)}
            style={{ flex: 1 }}
            data-testid="question"
          />
          <ActionIcon
            variant="subtle"
            color="red"
            size="lg"
            aria-label={t("agents.onboarding.questionRemove", { n: i + 1 })}
            onClick={() => onChange({ questions: questions.filter((_, j) => j !== i) })}
          >
            <span aria-hidden>✕</span>
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          size="xs"
          variant="default"
          disabled={questions.length >= LIMITS.questions}
          onClick={() => onChange({ questions: [...questions, ""] })}
          data-testid="question-add"
        >
          {t("agents.onboarding.questionAdd", { max: LIMITS.questions })}
        </Button>
      </Group>
    </Stack>
  );
}

export function SuggestionsSection({ form, onChange }: { form: DraftForm; onChange: Patch }) {
  const { t } = useTranslation();
  const on = form.suggestMode !== SUGGEST.off;
  return (
    <Stack gap="sm">
      <Switch
        label={t("agents.suggest.toggle")}
        description={t("agents.suggest.toggleHint")}
        checked={on}
        onChange={(e) =>
          onChange({
            suggestMode: e.currentTarget.checked
              ? form.suggestPrompt.trim()
                ? SUGGEST.custom
                : SUGGEST.system
              : SUGGEST.off,
          })
        }
        data-testid="suggest-toggle"
      />
      {on ? (
        <Checkbox
          label={t("agents.suggest.custom")}
          checked={form.suggestMode === SUGGEST.custom}
          onChange={(e) => onChange({ suggestMode: e.currentTarget.checked ? SUGGEST.custom : SUGGEST.system })}
        />
      ) : null}
      {on && form.suggestMode === SUGGEST.custom ? (
        <Stack gap={4}>
          <Textarea
            label={t("agents.suggest.prompt")}
            description={t("agents.suggest.promptHint")}
            value={form.suggestPrompt}
            autosize
            minRows={2}
            maxRows={6}
            required
            onChange={(e) => onChange({ suggestPrompt: e.currentTarget.value })}
          />
          <Counter used={form.suggestPrompt.length} limit={LIMITS.suggestPrompt} />
        </Stack>
      ) : null}
    </Stack>
  );
}

export function ToolsSection({ form, onChange }: { form: DraftForm; onChange: Patch }) {
  const { t } = useTranslation();
  const tools = form.tools;
  const set = (i: number, patch: Partial<ToolForm>) =>
    onChange({ tools: tools.map((x, j) => (i === j ? { ...x, ...patch } : x)) });
  const names = tools.map((x) => x.name.trim());
  return (
    <Stack gap="sm" data-testid="client-tools">
      <Text size="xs" c="dimmed">
        {t("agents.tools.hint")}
      </Text>
      {tools.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("agents.tools.none")}
        </Text>
      ) : null}
      {tools.map((tool, i) => {
        const name = tool.name.trim();
        const nameError = !TOOL_NAME.test(name)
          ? t("agents.tools.nameInvalid")
          : names.indexOf(name) !== i
            ? t("agents.tools.nameDuplicate")
            : null;
        return (
          <Stack key={i} gap="xs" p="sm" style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8 }}>
            <Group gap="xs" align="flex-start" wrap="wrap">
              <TextInput
                label={t("agents.tools.name")}
                value={tool.name}
                maxLength={64}
                error={nameError}
                onChange={(e) => set(i, { name: e.currentTarget.value })}
                w={{ base: "100%", xs: 200 }}
              />
              <TextInput
                label={t("agents.tools.description")}
                value={tool.description}
                maxLength={LIMITS.toolDescription}
                onChange={(e) => set(i, { description: e.currentTarget.value })}
                style={{ flex: 1, minWidth: 160 }}
              />
              <ActionIcon
                mt={{ base: 0, xs: 26 }}
                variant="subtle"
                color="red"
                size="lg"
                aria-label={t("agents.tools.remove", { name: name || i + 1 })}
                onClick={() => onChange({ tools: tools.filter((_, j) => j !== i) })}
              >
                <span aria-hidden>✕</span>
              </ActionIcon>
            </Group>
            <Textarea
              label={t("agents.tools.parameters")}
              description={t("agents.tools.parametersHint")}
              value={tool.parameters}
              autosize
              minRows={3}
              maxRows={12}
              styles={{ input: { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 12 } }}
              error={validJson(tool.parameters) ? null : t("agents.tools.parametersInvalid")}
              onChange={(e) => set(i, { parameters: e.currentTarget.value })}
            />
          </Stack>
        );
      })}
      <Group>
        <Button
          size="xs"
          variant="default"
          disabled={tools.length >= LIMITS.clientTools}
          onClick={() =>
            onChange({
              tools: [...tools, { name: "", description: "", parameters: '{\n  "type": "object",\n  "properties": {}\n}' }],
            })
          }
          data-testid="tool-add"
        >
          {t("agents.tools.add")}
        </Button>
      </Group>
    </Stack>
  );
}

function validJson(text: string): boolean {
  if (!text.trim()) return true;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v);
  } catch {
    return false;
  }
}
