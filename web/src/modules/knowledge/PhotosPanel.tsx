// An image knowledge base's photos and their captions (what retrieval searches for an image).
import { Button, Card, Group, Pagination, SimpleGrid, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ErrorPanel, FailureAlert } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { LIMITS, PAGE_SIZE, extractCaption, formatBytes, keys, listPhotos, updateCaption, visionModelOffered } from "./api";
import { DocumentStatus } from "./shared";
import type { Dataset, Photo } from "./types";

export function PhotosPanel({ dataset }: { dataset: Dataset }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: keys.photos(dataset.dataset_id, page),
    queryFn: () => listPhotos(dataset.dataset_id, page),
    placeholderData: keepPreviousData,
  });
  // Only editors generate captions; a failed check leaves the button out rather than the page.
  const vision = useQuery({
    queryKey: keys.vision(dataset.space_id),
    queryFn: () => visionModelOffered(dataset.space_id),
    enabled: dataset.can_edit,
    staleTime: 60_000,
  });
  const canGenerate = vision.data === true;
  if (query.isPending) return <PageLoader />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  const { photo_infos: photos, total } = query.data;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  if (photos.length === 0) {
    return (
      <Text c="dimmed" data-testid="photos-empty">
        {t("knowledge.photos.empty")}
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t("knowledge.photos.hint")}
      </Text>
      {dataset.can_edit && vision.data === false ? (
        <Text size="sm" c="dimmed" data-testid="photos-no-vision">
          {t("knowledge.photos.noVision")}
        </Text>
      ) : null}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {photos.map((p) => (
          <PhotoCard
            key={p.document_id}
            photo={p}
            datasetId={dataset.dataset_id}
            editable={dataset.can_edit}
            canGenerate={canGenerate}
          />
        ))}
      </SimpleGrid>
      {pages > 1 ? <Pagination total={pages} value={page} onChange={setPage} size="sm" /> : null}
    </Stack>
  );
}

interface PhotoCardProps {
  photo: Photo;
  datasetId: string;
  editable: boolean;
  canGenerate: boolean;
}

function PhotoCard({ photo, datasetId, editable, canGenerate }: PhotoCardProps) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const [caption, setCaption] = useState(photo.caption);
  const save = useMutation({
    mutationFn: () => updateCaption(photo.document_id, caption.trim()),
    onSuccess: () => {
      notifications.show({ color: "green", message: t("knowledge.photos.saved", { name: photo.name }) });
      void client.invalidateQueries({ queryKey: ["knowledge", "photos", datasetId] });
      void client.invalidateQueries({ queryKey: keys.documents(datasetId) });
    },
  });
  // The model's caption goes into the field to be read and saved (or not) like a typed one.
  const generate = useMutation({
    mutationFn: () => extractCaption(photo.document_id),
    onSuccess: (data) => setCaption(data.caption),
  });
  const changed = caption.trim() !== photo.caption;
  return (
    <Card component="li" withBorder padding="sm" data-testid="photo-card">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text fw={500} size="sm" style={{ overflowWrap: "anywhere" }}>
            {photo.name}
          </Text>
          <Text size="xs" c="dimmed">
            {formatBytes(photo.size, i18n.language)}
          </Text>
        </Group>
        <DocumentStatus doc={{ status: photo.status, progress: -1, failure_reason: "", status_descript: "" }} />
        <Textarea
          label={t("knowledge.photos.caption", { name: photo.name })}
          value={caption}
          maxLength={LIMITS.caption}
          autosize
          minRows={2}
          maxRows={6}
          readOnly={!editable}
          placeholder={photo.caption ? undefined : t("knowledge.photos.uncaptioned")}
          onChange={(e) => setCaption(e.currentTarget.value)}
        />
        <FailureAlert error={save.error ?? generate.error} />
        {editable ? (
          <Group justify="flex-end">
            {canGenerate ? (
              <Button size="xs" variant="default" loading={generate.isPending} onClick={() => generate.mutate()}>
                {t("knowledge.photos.generate")}
              </Button>
            ) : null}
            <Button size="xs" disabled={!changed} loading={save.isPending} onClick={() => save.mutate()}>
              {t("knowledge.photos.save")}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}
