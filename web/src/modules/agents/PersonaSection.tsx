// The persona (a template) and the variables it may name.
import { Alert, Button, Group, SimpleGrid, Stack, Switch, Text, TextInput, Textarea } from "@mantine/core";
import { memo, useDeferredValue } from "react";
import { useTranslation } from "react-i18next";

import { KEYWORD, LIMITS, placeholdersOf } from "./draft";
import type { VariableItem } from "./types";

interface PersonaProps {
  prompt: string;
  onPrompt: (prompt: string) => void;
}

/** Memoised: a prompt of megabytes is not re-rendered when another field changes. */
export const PersonaField = memo(function PersonaField({ prompt, onPrompt }: PersonaProps) {
  const { t, i18n } = useTranslation();
  const over = prompt.length > LIMITS.prompt;
  const count = t("agents.common.chars", {
    used: prompt.length.toLocaleString(i18n.language),
    limit: LIMITS.prompt.toLocaleString(i18n.language),
  });
  return (
    <Stack gap={4}>
      <Textarea
        label={t("agents.editor.persona")}
        description={t("agents.editor.personaHint", { example: "{{ name }}", fallback: "{{ name|default('x') }}" })}
        value={prompt}
        onChange={(e) => onPrompt(e.currentTarget.value)}
        rows={12}
        spellCheck={over ? false : undefined}
        styles={{ input: { fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace", fontSize: 13 } }}
        error={over ? t("agents.editor.personaTooLong", { limit: LIMITS.prompt.toLocaleString(i18n.language) }) : null}
        aria-describedby="persona-count"
        data-testid="persona"
      />
      <Text id="persona-count" size="xs" c={over ? "red" : "dimmed"} ta="right" data-testid="persona-count">
        {count}
      </Text>
    </Stack>
  );
});

interface VariablesProps {
  prompt: string;
  variables: VariableItem[];
  onChange: (variables: VariableItem[]) => void;
}

export function VariablesField({ prompt, variables, onChange }: VariablesProps) {
  const { t } = useTranslation();
  const deferred = useDeferredValue(prompt);
  const declared = new Set(variables.map((v) => v.key.trim()));
  const missing = placeholdersOf(deferred).filter((name) => !declared.has(name));
  const set = (i: number, patch: Partial<VariableItem>) =>
    onChange(variables.map((v, j) => (i === j ? { ...v, ...patch } : v)));
  const add = (key = "") =>
    onChange([...variables, { key, default_value: "", description: "", prompt_disabled: false, is_disabled: false }]);
  const keys = variables.map((v) => v.key.trim());
  return (
    <Stack gap="xs" data-testid="variables">
      <Text fw={500} size="sm">
        {t("agents.editor.variables")}
      </Text>
      <Text size="xs" c="dimmed">
        {t("agents.editor.variablesHint")}
      </Text>
      {missing.length > 0 ? (
        <Alert color="blue" variant="light" p="xs">
          <Group gap="xs" wrap="wrap">
            <Text size="sm">{t("agents.editor.variablesMissing")}</Text>
            {missing.map((name) => (
              <Button key={name} size="compact-xs" variant="light" onClick={() => add(name)}>
                {t("agents.editor.variableAddNamed", { name })}
              </Button>
            ))}
          </Group>
        </Alert>
      ) : null}
      {variables.map((v, i) => {
        const key = v.key.trim();
        const keyError = !key
          ? t("agents.editor.variableKeyRequired")
          : !KEYWORD.test(key)
            ? t("agents.editor.variableKeyInvalid")
            : keys.indexOf(key) !== i
              ? t("agents.editor.variableKeyDuplicate")
              : null;
        return (
          <Stack
            key={i}
            gap="xs"
            p="xs"
            style={{ border: "1px solid var(--mantine-color-gray-3)", borderRadius: 8 }}
            data-testid="variable-row"
          >
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
              <TextInput
                label={t("agents.editor.variableKey")}
                value={v.key}
                onChange={(e) => set(i, { key: e.currentTarget.value })}
                error={keyError}
                maxLength={50}
              />
              <TextInput
                label={t("agents.editor.variableDefault")}
                value={v.default_value}
                maxLength={LIMITS.variableValue}
                onChange={(e) => set(i, { default_value: e.currentTarget.value })}
              />
            </SimpleGrid>
            <TextInput
              label={t("agents.editor.variableDescription")}
              value={v.description}
              maxLength={LIMITS.description}
              onChange={(e) => set(i, { description: e.currentTarget.value })}
            />
            <Group justify="space-between" gap="xs">
              <Switch
                label={t("agents.editor.variableInPrompt")}
                checked={!v.prompt_disabled}
                onChange={(e) => set(i, { prompt_disabled: !e.currentTarget.checked })}
              />
              <Button
                size="compact-sm"
                variant="subtle"
                color="red"
                aria-label={t("agents.editor.variableRemove", { name: key || i + 1 })}
                onClick={() => onChange(variables.filter((_, j) => j !== i))}
              >
                {t("agents.editor.remove")}
              </Button>
            </Group>
          </Stack>
        );
      })}
      <Group>
        <Button
          size="xs"
          variant="default"
          onClick={() => add()}
          disabled={variables.length >= LIMITS.variables}
          data-testid="variable-add"
        >
          {t("agents.editor.variableAdd")}
        </Button>
      </Group>
    </Stack>
  );
}
