// The chunking settings: automatic, custom (separator, size, overlap) or by headings, and the
// cleaning options every mode has. Used when adding documents and when re-segmenting one.
import { Checkbox, Group, NumberInput, Radio, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { LIMITS } from "./api";
import { problemsOf, type ChunkMode, type ChunkSettings } from "./chunking";

const MODES: ChunkMode[] = ["auto", "custom", "hierarchical"];

export function ChunkingForm({ value, onChange }: { value: ChunkSettings; onChange: (next: ChunkSettings) => void }) {
  const { t } = useTranslation();
  const problems = problemsOf(value);
  const set = (patch: Partial<ChunkSettings>) => onChange({ ...value, ...patch });
  const num = (v: string | number) => (typeof v === "number" ? v : Number.NaN);
  return (
    <Stack gap="sm" data-testid="chunking-form">
      <Radio.Group
        label={t("knowledge.chunk.mode")}
        value={value.mode}
        onChange={(m) => set({ mode: m as ChunkMode })}
      >
        <Stack gap="xs" mt={4}>
          {MODES.map((m) => (
            <Radio
              key={m}
              value={m}
              label={t(`knowledge.chunk.${m}`)}
              description={t(`knowledge.chunk.${m}Hint`)}
            />
          ))}
        </Stack>
      </Radio.Group>
      {value.mode === "custom" ? (
        <TextInput
          label={t("knowledge.chunk.separator")}
          description={t("knowledge.chunk.separatorHint")}
          value={value.separator}
          maxLength={LIMITS.separator}
          onChange={(e) => set({ separator: e.currentTarget.value })}
          error={problems.has("separator") ? t("knowledge.chunk.separatorInvalid", { max: LIMITS.separator }) : null}
        />
      ) : null}
      {value.mode !== "auto" ? (
        <Group grow align="flex-start" wrap="wrap">
          <NumberInput
            label={t("knowledge.chunk.maxSize")}
            description={t("knowledge.chunk.maxSizeHint")}
            value={value.maxSize}
            min={LIMITS.minChunk}
            max={LIMITS.maxChunk}
            allowDecimal={false}
            onChange={(v) => set({ maxSize: num(v) })}
            error={
              problems.has("maxSize")
                ? t("knowledge.chunk.rangeInvalid", { min: LIMITS.minChunk, max: LIMITS.maxChunk })
                : null
            }
          />
          <NumberInput
            label={t("knowledge.chunk.overlap")}
            description={t("knowledge.chunk.overlapHint")}
            value={value.overlap}
            min={0}
            allowDecimal={false}
            onChange={(v) => set({ overlap: num(v) })}
            error={problems.has("overlap") ? t("knowledge.chunk.overlapInvalid") : null}
          />
        </Group>
      ) : null}
      {value.mode === "hierarchical" ? (
        <Group grow align="flex-start" wrap="wrap">
          <NumberInput
            label={t("knowledge.chunk.maxDepth")}
            description={t("knowledge.chunk.maxDepthHint")}
            value={value.maxDepth}
            min={1}
            max={LIMITS.maxDepth}
            allowDecimal={false}
            onChange={(v) => set({ maxDepth: num(v) })}
            error={problems.has("maxDepth") ? t("knowledge.chunk.rangeInvalid", { min: 1, max: LIMITS.maxDepth }) : null}
          />
          <Checkbox
            mt="xl"
            label={t("knowledge.chunk.keepHeadings")}
            checked={value.keepHeadings}
            onChange={(e) => set({ keepHeadings: e.currentTarget.checked })}
          />
        </Group>
      ) : null}
      <Checkbox
        label={t("knowledge.chunk.trimSpaces")}
        checked={value.trimSpaces}
        onChange={(e) => set({ trimSpaces: e.currentTarget.checked })}
      />
      <Checkbox
        label={t("knowledge.chunk.stripUrls")}
        checked={value.stripUrls}
        onChange={(e) => set({ stripUrls: e.currentTarget.checked })}
      />
    </Stack>
  );
}
