// The segmentation preview: how many slices, how many characters, and the first slices' text.
import { Card, Group, ScrollArea, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import type { Preview } from "./types";

export function PreviewList({ preview }: { preview: Preview }) {
  const { t, i18n } = useTranslation();
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
      <ScrollArea.Autosize mah="60dvh" type="auto">
        <Stack gap={6} component="ol" aria-label={t("knowledge.preview.slices")} style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {preview.slices.map((s) => (
            <Card key={s.sequence} component="li" withBorder padding="xs" data-testid="preview-slice">
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
              </Group>
              <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                {s.content}
              </Text>
            </Card>
          ))}
        </Stack>
      </ScrollArea.Autosize>
    </Stack>
  );
}
