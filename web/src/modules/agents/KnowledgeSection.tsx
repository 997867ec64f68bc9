// The knowledge bases an agent searches before each answer, and how: Coze's bot Knowledge settings.
import { Alert, Group, MultiSelect, NumberInput, Radio, Select, SimpleGrid, Stack, Switch, Text, Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { LIMITS, NO_RECALL, RECALL_DEFAULTS, SEARCH, type DraftForm, type KnowledgeForm } from "./draft";
import type { DatasetSummary } from "./types";

const RECALL_SWITCHES = ["rewrite", "rerank", "nl2sql"] as const;

interface Props {
  form: DraftForm;
  datasets: DatasetSummary[] | undefined;
  datasetsError: string | null;
  onChange: (patch: Partial<DraftForm>) => void;
}

export function KnowledgeSection({ form, datasets, datasetsError, onChange }: Props) {
  const { t } = useTranslation();
  const k = form.knowledge;
  const set = (patch: Partial<KnowledgeForm>) => onChange({ knowledge: { ...k, ...patch } });
  const known = new Map((datasets ?? []).map((d) => [d.dataset_id, d]));
  const options = (datasets ?? []).map((d) => ({
    value: d.dataset_id,
    label: d.status === 3 ? t("agents.knowledge.disabledNamed", { name: d.name }) : d.name,
  }));
  // Bound ids the list does not have (deleted, or of another space): shown so they can be removed.
  const missing = datasets === undefined ? [] : k.datasetIds.filter((id) => !known.has(id));
  for (const id of missing) options.push({ value: id, label: t("agents.knowledge.unavailable", { id }) });
  const bound = k.datasetIds.length > 0;

  return (
    <Stack gap="sm">
      <MultiSelect
        label={t("agents.knowledge.datasets")}
        description={t("agents.knowledge.datasetsHint")}
        placeholder={options.length ? t("agents.knowledge.choose") : t("agents.knowledge.noneInSpace")}
        data={options}
        value={k.datasetIds}
        onChange={(ids) => set({ datasetIds: ids })}
        maxValues={LIMITS.datasets}
        searchable
        clearable
        nothingFoundMessage={t("agents.knowledge.noMatch")}
        comboboxProps={{ withinPortal: true }}
        data-testid="knowledge-select"
      />
      {datasetsError ? (
        <Alert color="red" variant="light" role="alert">
          {datasetsError}
        </Alert>
      ) : null}
      {missing.length > 0 ? (
        <Text size="sm" c="orange" data-testid="knowledge-missing">
          {t("agents.knowledge.unavailableHint")}
        </Text>
      ) : null}
      <Switch
        label={t("agents.knowledge.auto")}
        description={t("agents.knowledge.autoHint")}
        checked={k.auto}
        disabled={!bound}
        onChange={(e) => set({ auto: e.currentTarget.checked })}
        data-testid="knowledge-auto"
      />
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        <Select
          label={t("agents.knowledge.strategy")}
          data={[
            { value: String(SEARCH.semantic), label: t("agents.knowledge.strategy.semantic") },
            { value: String(SEARCH.hybrid), label: t("agents.knowledge.strategy.hybrid") },
            { value: String(SEARCH.fullText), label: t("agents.knowledge.strategy.fullText") },
          ]}
          value={String(k.searchStrategy)}
          allowDeselect={false}
          disabled={!bound}
          onChange={(v) => v !== null && set({ searchStrategy: Number(v) })}
          comboboxProps={{ withinPortal: true }}
          data-testid="knowledge-strategy"
        />
        <NumberInput
          label={t("agents.knowledge.topK")}
          description={t("agents.knowledge.topKHint", { max: LIMITS.recallTopK })}
          value={k.topK ?? ""}
          placeholder={String(RECALL_DEFAULTS.topK)}
          min={1}
          max={LIMITS.recallTopK}
          step={1}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="strict"
          disabled={!bound}
          onChange={(v) => set({ topK: v === "" ? null : Number(v) })}
          data-testid="knowledge-top-k"
        />
        <NumberInput
          label={t("agents.knowledge.minScore")}
          description={t("agents.knowledge.minScoreHint")}
          value={k.minScore ?? ""}
          placeholder={String(RECALL_DEFAULTS.minScore)}
          min={0}
          max={1}
          step={0.05}
          decimalScale={2}
          allowNegative={false}
          clampBehavior="strict"
          disabled={!bound}
          onChange={(v) => set({ minScore: v === "" ? null : Number(v) })}
          data-testid="knowledge-min-score"
        />
      </SimpleGrid>
      <Switch
        label={t("agents.knowledge.showSource")}
        description={t("agents.knowledge.showSourceHint")}
        checked={k.showSource}
        disabled={!bound}
        onChange={(e) => set({ showSource: e.currentTarget.checked })}
        data-testid="knowledge-show-source"
      />
      <Group gap="lg">
        {RECALL_SWITCHES.map((name) => (
          <Switch
            key={name}
            label={t(`agents.knowledge.${name}`)}
            description={t(`agents.knowledge.${name}Hint`)}
            checked={k[name]}
            disabled={!bound}
            onChange={(e) => set({ [name]: e.currentTarget.checked })}
            data-testid={`knowledge-${name}`}
          />
        ))}
      </Group>
      <Radio.Group
        label={t("agents.knowledge.noRecall")}
        description={t("agents.knowledge.noRecallHint")}
        value={String(k.noRecallMode)}
        onChange={(v) => {
          const mode = Number(v);
          // Coze's editor starts the custom reply from its stock sentence.
          const text = mode === NO_RECALL.custom && !k.noRecallText.trim() ? t("agents.knowledge.noRecallDefault") : k.noRecallText;
          set({ noRecallMode: mode, noRecallText: text });
        }}
      >
        <Stack gap={4} mt={4}>
          <Radio value={String(NO_RECALL.model)} label={t("agents.knowledge.noRecall.model")} disabled={!bound} />
          <Radio
            value={String(NO_RECALL.custom)}
            label={t("agents.knowledge.noRecall.custom")}
            disabled={!bound}
            data-testid="knowledge-no-recall-custom"
          />
        </Stack>
      </Radio.Group>
      {k.noRecallMode === NO_RECALL.custom ? (
        <Stack gap={4}>
          <Textarea
            label={t("agents.knowledge.noRecallText")}
            value={k.noRecallText}
            autosize
            minRows={2}
            maxRows={5}
            required
            error={k.noRecallText.trim() ? null : t("agents.knowledge.noRecallTextRequired")}
            onChange={(e) => set({ noRecallText: e.currentTarget.value })}
            data-testid="knowledge-no-recall-text"
          />
          <Text size="xs" c={k.noRecallText.length > LIMITS.noRecallReply ? "red" : "dimmed"} ta="right">
            {t("agents.common.chars", { used: k.noRecallText.length, limit: LIMITS.noRecallReply })}
          </Text>
        </Stack>
      ) : null}
    </Stack>
  );
}
