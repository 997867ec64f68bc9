// The retrieval test: a query, a search mode, top K and a minimum score; the slices found, with
// their scores and the document each comes from.
import { Anchor, Badge, Button, Card, Group, NumberInput, Select, Stack, Text, Textarea } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { FailureAlert } from "../../app/errors";
import { LIMITS, testRetrieval } from "./api";
import { documentPath } from "./paths";
import type { Dataset, SearchType } from "./types";

const MODES: { value: SearchType; key: string }[] = [
  { value: 2, key: "hybrid" },
  { value: 0, key: "semantic" },
  { value: 1, key: "fullText" },
];

export function RetrievalPanel({ spaceId, dataset }: { spaceId: string; dataset: Dataset }) {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState("");
  const [mode, setMode] = useState<SearchType>(2);
  const [topK, setTopK] = useState<number | string>(5);
  const [minScore, setMinScore] = useState<number | string>(0);
  const run = useMutation({
    mutationFn: () =>
      testRetrieval(dataset.dataset_id, {
        query: query.trim(),
        searchType: mode,
        topK: Number(topK),
        minScore: Number(minScore),
      }),
  });
  const topKValid = Number.isInteger(Number(topK)) && Number(topK) >= 1 && Number(topK) <= LIMITS.topK;
  const minValid = minScore !== "" && Number(minScore) >= 0 && Number(minScore) <= 1;
  const submit = (e: FormEvent | KeyboardEvent) => {
    e.preventDefault();
    if (query.trim() && topKValid && minValid) run.mutate();
  };
  const score = (n: number) => n.toLocaleString(i18n.language, { minimumFractionDigits: 3, maximumFractionDigits: 3 });

  return (
    <Stack gap="md">
      <form onSubmit={submit} noValidate aria-label={t("knowledge.retrieval.form")}>
        <Stack gap="sm">
          <Textarea
            label={t("knowledge.retrieval.query")}
            placeholder={t("knowledge.retrieval.queryPlaceholder")}
            value={query}
            maxLength={LIMITS.query}
            autosize
            minRows={2}
            maxRows={6}
            onChange={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
            }}
          />
          <Group gap="sm" align="flex-start" wrap="wrap">
            <Select
              w={180}
              label={t("knowledge.retrieval.mode")}
              allowDeselect={false}
              value={String(mode)}
              onChange={(v) => v !== null && setMode(Number(v) as SearchType)}
              data={MODES.map((m) => ({ value: String(m.value), label: t(`knowledge.retrieval.${m.key}`) }))}
            />
            <NumberInput
              w={120}
              label={t("knowledge.retrieval.topK")}
              value={topK}
              min={1}
              max={LIMITS.topK}
              allowDecimal={false}
              onChange={setTopK}
              error={topKValid ? null : t("knowledge.chunk.rangeInvalid", { min: 1, max: LIMITS.topK })}
            />
            <NumberInput
              w={140}
              label={t("knowledge.retrieval.minScore")}
              value={minScore}
              min={0}
              max={1}
              step={0.05}
              decimalScale={2}
              onChange={setMinScore}
              error={minValid ? null : t("knowledge.chunk.rangeInvalid", { min: 0, max: 1 })}
            />
          </Group>
          <Group>
            <Button type="submit" loading={run.isPending} disabled={!query.trim()}>
              {t("knowledge.retrieval.run")}
            </Button>
          </Group>
        </Stack>
      </form>
      <FailureAlert error={run.error} />
      {run.data ? (
        run.data.slices.length === 0 ? (
          <Text c="dimmed" role="status" data-testid="retrieval-empty">
            {t("knowledge.retrieval.none")}
          </Text>
        ) : (
          <Stack gap="xs" component="ol" aria-label={t("knowledge.retrieval.results")} style={{ listStyle: "none", padding: 0, margin: 0 }}>
            {run.data.slices.map((s, i) => (
              <Card key={s.slice_id} component="li" withBorder padding="sm" data-testid="retrieval-hit">
                <Stack gap={6}>
                  <Group justify="space-between" wrap="wrap" gap="xs">
                    <Group gap="xs">
                      <Text size="sm" fw={600}>
                        #{i + 1}
                      </Text>
                      <Anchor component={Link} size="sm" to={documentPath(spaceId, s.dataset_id, s.document_id)} data-testid="hit-document">
                        {s.document_name}
                      </Anchor>
                      {s.heading_path.length > 0 ? (
                        <Text size="xs" c="dimmed">
                          {s.heading_path.join(" › ")}
                        </Text>
                      ) : null}
                    </Group>
                    <Badge variant="light" data-testid="hit-score" aria-label={t("knowledge.retrieval.scoreLabel", { score: score(s.score) })}>
                      {t("knowledge.retrieval.score", { score: score(s.score) })}
                    </Badge>
                  </Group>
                  <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="hit-content">
                    {s.content}
                  </Text>
                </Stack>
              </Card>
            ))}
          </Stack>
        )
      ) : null}
    </Stack>
  );
}
