// The segmentation preview: how many slices, how many characters, and the first slices' text. Each
// shown slice can be edited and saved into the review; adding the document then keeps those texts.
import { Badge, Button, Card, Group, ScrollArea, Stack, Text, Textarea } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { FailureAlert } from "../../app/errors";
import { LIMITS } from "./api";
import type { Preview, PreviewSlice } from "./types";

interface Props {
  preview: Preview;
  edited: ReadonlySet<string>;
  saving: boolean;
  saveError: unknown;
  onSave: (slice: PreviewSlice, text: string) => Promise<unknown>;
}

export function PreviewList({ preview, edited, saving, saveError, onSave }: Props) {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const shown = preview.slices.length;
  return (
    <Stack gap="xs" data-testid="preview">
      <Text size="sm" fw={500} role="status" data-testid="preview-summary">
        {t("knowledge.preview.summary", {
          count: preview.total,
          chars: preview.char_count.toLocaleString(i18n.language),
        })}
        {shown < preview.total ? ` ${t("knowledge.preview.first", { shown })}` : ""}
      </Text>
      <FailureAlert error={saveError} testId="preview-save-error" />
      <ScrollArea.Autosize mah="60dvh" type="auto">
        <Stack gap={6} component="ol" aria-label={t("knowledge.preview.slices")} style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {preview.slices.map((s) => (
            <Card key={s.id} component="li" withBorder padding="xs" data-testid="preview-slice">
              <Group gap="xs" mb={4}>
                <Text size="xs" fw={600}>
                  #{s.sequence + 1}
                </Text>
                {s.heading_path.length > 0 ? (
                  <Text size="xs" c="dimmed">
                    {s.heading_path.join(" › ")}
                  </Text>
                ) : null}
                <Text size="xs" c="dimmed">
                  {t("knowledge.documents.chars", { count: s.content.length })}
                </Text>
                {edited.has(s.id) ? (
                  <Badge size="xs" variant="light">
                    {t("knowledge.preview.edited")}
                  </Badge>
                ) : null}
                {editing?.id !== s.id ? (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    ml="auto"
                    disabled={editing !== null}
                    aria-label={t("knowledge.preview.editSlice", { n: s.sequence + 1 })}
                    onClick={() => setEditing({ id: s.id, text: s.content })}
                  >
                    {t("knowledge.preview.edit")}
                  </Button>
                ) : null}
              </Group>
              {editing?.id === s.id ? (
                <Stack gap={6}>
                  <Textarea
                    aria-label={t("knowledge.preview.sliceText", { n: s.sequence + 1 })}
                    value={editing.text}
                    maxLength={LIMITS.slice}
                    autosize
                    minRows={3}
                    maxRows={12}
                    onChange={(e) => setEditing({ id: s.id, text: e.currentTarget.value })}
                  />
                  <Group gap="xs" justify="flex-end">
                    <Button size="xs" variant="default" onClick={() => setEditing(null)}>
                      {t("common.cancel")}
                    </Button>
                    <Button
                      size="xs"
                      loading={saving}
                      disabled={!editing.text.trim()}
                      onClick={() => void onSave(s, editing.text).then(() => setEditing(null), () => undefined)}
                    >
                      {t("knowledge.preview.saveSlice")}
                    </Button>
                  </Group>
                </Stack>
              ) : (
                <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                  {s.content}
                </Text>
              )}
            </Card>
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Stack>
  );
}
