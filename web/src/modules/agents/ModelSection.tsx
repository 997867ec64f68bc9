// The chat model, its sampling parameters, the answer format and the conversation memory.
import { Alert, NumberInput, Select, SimpleGrid, Stack, Switch, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { LIMITS, SAMPLING, type DraftForm, type SamplingName } from "./draft";
import type { ChatModel, ModelParameter } from "./types";

type ModelPatch = Partial<Pick<DraftForm, "modelId" | "sampling" | "responseFormat" | "historyRounds" | "currentTime">>;

interface Props {
  form: DraftForm;
  models: ChatModel[] | undefined;
  modelsError: string | null;
  onChange: (patch: ModelPatch) => void;
}

function defaultOf(p: ModelParameter | undefined): string | null {
  if (!p) return null;
  const d = p.default_val;
  const raw = typeof d === "object" && d !== null ? d.default_val : d;
  return raw === undefined || raw === null || raw === "" ? null : String(raw);
}

function bound(value: string | number | null | undefined, fallback: number, pick: (a: number, b: number) => number) {
  const n = value === null || value === undefined || value === "" ? NaN : Number(value);
  return Number.isFinite(n) ? pick(n, fallback) : fallback;
}

export function ModelSection({ form, models, modelsError, onChange }: Props) {
  const { t } = useTranslation();
  const list = models ?? [];
  const chosen = list.find((m) => m.model_type === form.modelId) ?? list.find((m) => m.is_default && !form.modelId);
  const unknown = form.modelId !== null && models !== undefined && !list.some((m) => m.model_type === form.modelId);
  const declared = new Map((chosen?.model_params ?? []).map((p) => [p.name, p]));
  // The settings the model declares, plus any this agent has set; the three common ones when it declares none.
  const names = SAMPLING.filter((s) => declared.has(s.name) || form.sampling[s.name] !== null);
  const shown = names.length > 0 || declared.size > 0 ? names : SAMPLING.slice(0, 3);
  const options = list.map((m) => ({
    value: m.model_type,
    label: m.is_default ? t("agents.model.defaultTag", { name: m.name }) : m.name,
  }));
  if (unknown && form.modelId) options.push({ value: form.modelId, label: t("agents.model.unavailable") });

  const setSampling = (name: SamplingName, value: number | null) =>
    onChange({ sampling: { ...form.sampling, [name]: value } });

  return (
    <Stack gap="sm">
      <Select
        label={t("agents.model.model")}
        description={chosen?.model_brief_desc || t("agents.model.modelHint")}
        placeholder={t("agents.model.platformDefault")}
        data={options}
        value={form.modelId}
        onChange={(v) => onChange({ modelId: v })}
        clearable
        searchable
        nothingFoundMessage={t("agents.model.none")}
        comboboxProps={{ withinPortal: true }}
        data-testid="model-select"
      />
      {modelsError ? (
        <Alert color="red" variant="light" role="alert">
          {modelsError}
        </Alert>
      ) : null}
      {unknown ? (
        <Text size="sm" c="orange">
          {t("agents.model.unavailableHint")}
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
        {shown.map((s) => {
          const spec = declared.get(s.name);
          const min = Math.max(s.min, bound(spec?.min, s.min, Math.max));
          const max = Math.min(s.max, bound(spec?.max, s.max, Math.min));
          const dflt = defaultOf(spec);
          const value = form.sampling[s.name];
          return (
            <NumberInput
              key={s.name}
              label={spec?.label || t(`agents.model.param.${s.name}`)}
              description={spec?.desc || undefined}
              placeholder={dflt ? t("agents.model.paramDefault", { value: dflt }) : t("agents.model.modelDefault")}
              value={value ?? ""}
              min={min}
              max={max}
              step={s.step}
              decimalScale={s.int ? 0 : Math.max(spec?.precision ?? 2, 1)}
              allowDecimal={!s.int}
              clampBehavior="blur"
              onChange={(v) => setSampling(s.name, v === "" || v === null ? null : Number(v))}
              data-testid={`param-${s.name}`}
            />
          );
        })}
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t("agents.model.paramsHint")}
      </Text>
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <Select
          label={t("agents.model.responseFormat")}
          data={[
            { value: "0", label: t("agents.model.format.text") },
            { value: "1", label: t("agents.model.format.markdown") },
            { value: "2", label: t("agents.model.format.json") },
          ]}
          value={String(form.responseFormat ?? 0)}
          allowDeselect={false}
          onChange={(v) => v !== null && onChange({ responseFormat: Number(v) })}
          comboboxProps={{ withinPortal: true }}
          data-testid="response-format"
        />
        <NumberInput
          label={t("agents.model.historyRounds")}
          description={t("agents.model.historyRoundsHint", { max: LIMITS.historyRounds })}
          value={form.historyRounds}
          min={0}
          max={LIMITS.historyRounds}
          step={1}
          allowDecimal={false}
          allowNegative={false}
          clampBehavior="strict"
          onChange={(v) => onChange({ historyRounds: v === "" ? 0 : Number(v) })}
          data-testid="history-rounds"
        />
      </SimpleGrid>
      <Switch
        label={t("agents.model.currentTime")}
        description={t("agents.model.currentTimeHint")}
        checked={form.currentTime}
        onChange={(e) => onChange({ currentTime: e.currentTarget.checked })}
      />
    </Stack>
  );
}
