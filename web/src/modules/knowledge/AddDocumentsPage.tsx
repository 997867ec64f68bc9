// Adding documents: files (several), pasted text or a web page; for text knowledge bases the
// chunking settings and a segmentation preview, which must be seen before the documents are added.
// The preview is a review kept by the server: slices edited there are saved into it, and a document
// whose review was edited is added with `source_info.review_id`, so it gets exactly those slices.
import { Anchor, Breadcrumbs, Button, Card, Group, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";

import { ErrorPanel, FailureAlert } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { LIMITS, createDocuments, getDataset, keys, previewSegmentation, saveReviewSlices } from "./api";
import { problemsOf, settingsOf, strategyOf, type ChunkSettings } from "./chunking";
import { ChunkingForm } from "./ChunkingForm";
import { FileSource, addFiles, type FileItem } from "./FileSource";
import { datasetPath, knowledgeListPath, useFollowSpace } from "./paths";
import { PreviewList } from "./PreviewList";
import type { Dataset, DocumentBase, Preview, PreviewSlice } from "./types";

type Source = "file" | "text" | "web";

export function AddDocumentsPage() {
  const { spaceId = "", datasetId = "" } = useParams();
  useFollowSpace(spaceId);
  const query = useQuery({ queryKey: keys.dataset(datasetId), queryFn: () => getDataset(datasetId) });
  if (query.isPending) return <PageLoader />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  return <AddDocuments spaceId={spaceId} dataset={query.data} />;
}

function AddDocuments({ spaceId, dataset }: { spaceId: string; dataset: Dataset }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const text = dataset.format_type === 0;
  const [source, setSource] = useState<Source>("file");
  const [files, setFiles] = useState<FileItem[]>([]);
  const [textName, setTextName] = useState("");
  const [content, setContent] = useState("");
  const [url, setUrl] = useState("");
  const [webName, setWebName] = useState("");
  const [settings, setSettings] = useState<ChunkSettings>(() => settingsOf(dataset.chunk_strategy));
  const [previewOf, setPreviewOf] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ signature: string; key: string; result: Preview } | null>(null);
  // Reviews with saved edits, by document: valid while the inputs and settings stay the same.
  const [edits, setEdits] = useState<{ signature: string; byKey: Record<string, { reviewId: string; ids: string[] }> }>({
    signature: "",
    byKey: {},
  });

  const bases = basesOf(source, files, textName, content, url, webName);
  const uploading = source === "file" && files.some((f) => f.state === "uploading");
  const settingsOk = !text || problemsOf(settings).size === 0;
  const ready = bases.length > 0 && !uploading && settingsOk && (source !== "text" || textName.trim() !== "");
  const signature = JSON.stringify([bases, text ? strategyOf(settings) : null]);
  const previewed = preview !== null && preview.signature === signature;
  const target = bases.find((b) => keyOf(b) === previewOf) ?? bases[0];

  const review = useMutation({
    mutationFn: (v: { base: DocumentBase; signature: string }) =>
      previewSegmentation(dataset.dataset_id, v.base, strategyOf(settings)),
    // the inputs as they were when asked: a change while the preview loads leaves it stale
    onSuccess: (result, v) => {
      const key = keyOf(v.base);
      setPreview({ signature: v.signature, key, result });
      // a new review of this document replaces the one edited before (it is what is shown now)
      setEdits((old) => {
        const byKey = old.signature === v.signature ? { ...old.byKey } : {};
        delete byKey[key];
        return { signature: v.signature, byKey };
      });
    },
  });
  const editsNow = edits.signature === signature ? edits.byKey : {};
  const shownEdits = preview ? editsNow[preview.key] : undefined;
  const saveSlice = useMutation({
    mutationFn: (v: { slice: PreviewSlice; text: string }) =>
      saveReviewSlices(dataset.dataset_id, preview!.result.review_id, [{ id: v.slice.id, content: v.text }]),
    onSuccess: (result, v) => {
      if (!preview) return;
      setPreview({ ...preview, result });
      const ids = [...new Set([...(shownEdits?.ids ?? []), v.slice.id])];
      setEdits({ signature, byKey: { ...editsNow, [preview.key]: { reviewId: result.review_id, ids } } });
    },
  });
  const commit = useMutation({
    mutationFn: () =>
      createDocuments(
        dataset.dataset_id,
        bases.map((b) => {
          const reviewed = editsNow[keyOf(b)];
          return reviewed ? { ...b, source_info: { review_id: reviewed.reviewId } } : b;
        }),
        text ? strategyOf(settings) : null,
      ),
    onSuccess: async (made) => {
      notifications.show({ color: "green", message: t("knowledge.add.added", { count: made.length }) });
      await client.invalidateQueries({ queryKey: keys.documents(dataset.dataset_id) });
      void client.invalidateQueries({ queryKey: keys.dataset(dataset.dataset_id) });
      void navigate(datasetPath(spaceId, dataset.dataset_id));
    },
  });
  const update = (key: string, patch: Partial<FileItem>) =>
    setFiles((all) => all.map((f) => (f.key === key ? { ...f, ...patch } : f)));

  return (
    <Stack gap="md" maw={1200}>
      <Breadcrumbs>
        <Anchor component={Link} to={knowledgeListPath(spaceId)}>
          {t("knowledge.list.title")}
        </Anchor>
        <Anchor component={Link} to={datasetPath(spaceId, dataset.dataset_id)}>
          {dataset.name}
        </Anchor>
        <Text>{t("knowledge.add.crumb")}</Text>
      </Breadcrumbs>
      <Title order={2}>{t("knowledge.add.title", { name: dataset.name })}</Title>
      <SimpleGrid cols={{ base: 1, md: text ? 2 : 1 }} spacing="md">
        <Stack gap="md">
          <Card withBorder padding="md" component="section" aria-label={t("knowledge.add.sourceSection")}>
            <Stack gap="sm">
              {text ? (
                <SegmentedControl
                  aria-label={t("knowledge.add.source")}
                  value={source}
                  onChange={(v) => setSource(v as Source)}
                  data={[
                    { value: "file", label: t("knowledge.add.sourceFile") },
                    { value: "text", label: t("knowledge.add.sourceText") },
                    { value: "web", label: t("knowledge.add.sourceWeb") },
                  ]}
                />
              ) : null}
              {source === "file" ? (
                <FileSource
                  format={dataset.format_type}
                  items={files}
                  onFiles={(chosen) =>
                    addFiles(chosen, dataset.format_type, i18n.language, (items) => setFiles((all) => [...all, ...items]), update)
                  }
                  onRemove={(key) => setFiles((all) => all.filter((f) => f.key !== key))}
                  onCaption={(key, caption) => update(key, { caption })}
                />
              ) : source === "text" ? (
                <>
                  <TextInput
                    label={t("knowledge.add.documentName")}
                    required
                    value={textName}
                    maxLength={LIMITS.documentName}
                    onChange={(e) => setTextName(e.currentTarget.value)}
                  />
                  <Textarea
                    label={t("knowledge.add.text")}
                    required
                    value={content}
                    maxLength={LIMITS.text}
                    autosize
                    minRows={6}
                    maxRows={16}
                    onChange={(e) => setContent(e.currentTarget.value)}
                  />
                </>
              ) : (
                <>
                  <TextInput
                    type="url"
                    label={t("knowledge.add.url")}
                    placeholder="https://"
                    required
                    value={url}
                    maxLength={LIMITS.url}
                    onChange={(e) => setUrl(e.currentTarget.value)}
                    error={url.trim() && !/^https?:\/\/[^\s/]+/i.test(url.trim()) ? t("knowledge.add.urlInvalid") : null}
                  />
                  <TextInput
                    label={t("knowledge.add.webName")}
                    description={t("knowledge.add.webNameHint")}
                    value={webName}
                    maxLength={LIMITS.documentName}
                    onChange={(e) => setWebName(e.currentTarget.value)}
                  />
                </>
              )}
            </Stack>
          </Card>
          {text ? (
            <Card withBorder padding="md" component="section" aria-label={t("knowledge.add.chunkSection")}>
              <Stack gap="sm">
                <Title order={3} size="h4">
                  {t("knowledge.add.chunkSection")}
                </Title>
                <ChunkingForm value={settings} onChange={setSettings} />
              </Stack>
            </Card>
          ) : null}
          <FailureAlert error={commit.error} testId="add-error" />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" component={Link} to={datasetPath(spaceId, dataset.dataset_id)}>
              {t("common.cancel")}
            </Button>
            <Button disabled={!ready || (text && !previewed)} loading={commit.isPending} onClick={() => commit.mutate()}>
              {t("knowledge.add.submit", { count: bases.length })}
            </Button>
          </Group>
          {text && ready && !previewed ? (
            <Text size="xs" c="dimmed" ta="right">
              {t("knowledge.add.previewFirst")}
            </Text>
          ) : null}
        </Stack>
        {text ? (
          <Card
            withBorder
            padding="md"
            component="section"
            aria-label={t("knowledge.preview.title")}
            style={{ position: "sticky", top: 72, alignSelf: "start" }}
          >
            <Stack gap="sm">
              <Title order={3} size="h4">
                {t("knowledge.preview.title")}
              </Title>
              <Text size="sm" c="dimmed">
                {t("knowledge.preview.hint")}
              </Text>
              <Group gap="sm" align="flex-end">
                {bases.length > 1 ? (
                  <Select
                    w={260}
                    label={t("knowledge.preview.of")}
                    allowDeselect={false}
                    value={target ? keyOf(target) : null}
                    onChange={(v) => {
                      setPreviewOf(v);
                      const base = bases.find((b) => keyOf(b) === v);
                      if (base && previewed) review.mutate({ base, signature });
                    }}
                    data={bases.map((b) => ({ value: keyOf(b), label: b.name }))}
                  />
                ) : null}
                <Button variant="default" disabled={!ready} loading={review.isPending} onClick={() => target && review.mutate({ base: target, signature })}>
                  {t("knowledge.preview.run")}
                </Button>
              </Group>
              <FailureAlert error={review.error} testId="preview-error" />
              {preview && previewed ? (
                <PreviewList
                  preview={preview.result}
                  edited={new Set(shownEdits?.ids ?? [])}
                  saving={saveSlice.isPending}
                  saveError={saveSlice.error}
                  onSave={(slice, value) => saveSlice.mutateAsync({ slice, text: value })}
                />
              ) : null}
              {preview && !previewed ? (
                <Text size="sm" c="dimmed" role="status">
                  {t("knowledge.preview.stale")}
                </Text>
              ) : null}
            </Stack>
          </Card>
        ) : null}
      </SimpleGrid>
    </Stack>
  );
}

function keyOf(base: DocumentBase): string {
  return base.source_info.file_id ?? base.source_info.web_url ?? base.name;
}

/** The documents the current inputs describe (only files that finished uploading). */
function basesOf(source: Source, files: FileItem[], textName: string, content: string, url: string, webName: string): DocumentBase[] {
  if (source === "text") {
    return content.trim() ? [{ name: textName.trim(), source_info: { custom_content: content } }] : [];
  }
  if (source === "web") {
    const u = url.trim();
    return /^https?:\/\/[^\s/]+/i.test(u) ? [{ name: webName.trim(), source_info: { web_url: u } }] : [];
  }
  return files
    .filter((f) => f.state === "uploaded" && f.upload)
    .map((f) => {
      const base: DocumentBase = { name: f.file.name, source_info: { file_id: f.upload!.upload_uri } };
      if (f.caption.trim()) base.caption = f.caption.trim();
      return base;
    });
}
