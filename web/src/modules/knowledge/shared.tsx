// Pieces the knowledge pages share: the format's name, a document's status.
import { Badge, Progress, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { DOC_DISABLED, DOC_FAILED, DOC_PROCESSING, DOC_READY, type FormatType } from "./types";

export const FORMATS: FormatType[] = [0, 1, 2];
export const FORMAT_KEYS: Record<FormatType, string> = { 0: "text", 1: "table", 2: "image" };

export function FormatBadge({ format }: { format: FormatType }) {
  const { t } = useTranslation();
  return (
    <Badge size="sm" variant="light" color={format === 0 ? "blue" : format === 1 ? "teal" : "grape"}>
      {t(`knowledge.format.${FORMAT_KEYS[format]}`)}
    </Badge>
  );
}

// The failure reasons the backend names (FailureReason in src/domain/knowledge/parsed.py).
const REASONS = new Set([
  "unsupported_type",
  "mislabelled",
  "broken",
  "encrypted",
  "empty",
  "too_large",
  "too_many_pages",
  "too_many_rows",
  "too_many_columns",
  "fetch_failed",
  "indexing_failed",
]);

interface StatusLike {
  status: number;
  progress: number; // percent; below 0 when not known
  failure_reason: string;
  status_descript: string;
}

/** A document's state: a progress bar while processing, and why it failed (the reason, then the detail). */
export function DocumentStatus({ doc }: { doc: StatusLike }) {
  const { t } = useTranslation();
  if (doc.status === DOC_PROCESSING && doc.progress < 0) {
    return (
      <Badge color="yellow" variant="light" data-testid="document-status" data-status="processing">
        {t("knowledge.status.processingShort")}
      </Badge>
    );
  }
  if (doc.status === DOC_PROCESSING) {
    return (
      <Stack gap={4} miw={120} data-testid="document-status" data-status="processing">
        <Text size="sm">{t("knowledge.status.processing", { percent: doc.progress })}</Text>
        <Progress value={doc.progress} size="sm" aria-label={t("knowledge.status.progressLabel")} animated />
      </Stack>
    );
  }
  if (doc.status === DOC_FAILED) {
    const reason = REASONS.has(doc.failure_reason) ? t(`knowledge.reason.${doc.failure_reason}`) : t("knowledge.reason.other");
    return (
      <Stack gap={2} data-testid="document-status" data-status="failed">
        <Badge color="red" variant="light">
          {t("knowledge.status.failed")}
        </Badge>
        <Text size="sm" c="red" data-testid="failure-reason">
          {reason}
        </Text>
        {doc.status_descript ? (
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }} data-testid="failure-detail">
            {doc.status_descript}
          </Text>
        ) : null}
      </Stack>
    );
  }
  const ready = doc.status === DOC_READY;
  return (
    <Badge
      color={ready ? "green" : "gray"}
      variant="light"
      data-testid="document-status"
      data-status={ready ? "ready" : doc.status === DOC_DISABLED ? "disabled" : "other"}
    >
      {t(ready ? "knowledge.status.ready" : "knowledge.status.disabled")}
    </Badge>
  );
}
