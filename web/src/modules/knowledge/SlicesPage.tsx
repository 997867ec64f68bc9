// A document's slices, a page at a time: edit one's text, add one at the end, delete one.
import { Anchor, Badge, Breadcrumbs, Button, Card, Group, Pagination, Stack, Text, Textarea, Title } from "@mantine/core";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";

import { ConfirmModal } from "../../app/confirm";
import { ErrorPanel, FailureAlert } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import {
  LIMITS,
  SLICE_PAGE_SIZE,
  createSlice,
  deleteSlice,
  getDataset,
  getDocument,
  keys,
  listSlices,
  polling,
  tableColumns,
  updateSlice,
} from "./api";
import { datasetPath, knowledgeListPath, useFollowSpace } from "./paths";
import { DocumentStatus } from "./shared";
import { DOC_PROCESSING, type Slice } from "./types";

export function SlicesPage() {
  const { spaceId = "", datasetId = "", documentId = "" } = useParams();
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Slice | null>(null);
  useFollowSpace(spaceId);
  const dataset = useQuery({ queryKey: keys.dataset(datasetId), queryFn: () => getDataset(datasetId) });
  // While the document is (re-)processed its slices are being replaced: follow it, then reload them.
  const doc = useQuery({
    queryKey: keys.document(documentId),
    queryFn: () => getDocument(datasetId, documentId),
    refetchInterval: (q) => (q.state.data?.status === DOC_PROCESSING ? polling.intervalMs : false),
  });
  const status = doc.data?.status;
  const client = useQueryClient();
  const before = useRef(status);
  useEffect(() => {
    if (before.current === DOC_PROCESSING && status !== DOC_PROCESSING) {
      void client.invalidateQueries({ queryKey: keys.slices(documentId) });
    }
    before.current = status;
  }, [status, client, documentId]);
  const table = dataset.data?.format_type === 1;
  const columns = useQuery({
    queryKey: keys.columns(documentId),
    queryFn: () => tableColumns(documentId),
    enabled: table,
  });
  const slices = useQuery({
    queryKey: keys.slicePage(documentId, page),
    queryFn: () => listSlices(documentId, page),
    placeholderData: keepPreviousData,
  });

  const failed = dataset.error ?? doc.error;
  if (failed) return <ErrorPanel error={failed} onRetry={() => void (dataset.refetch(), doc.refetch())} />;
  if (!dataset.data || !doc.data) return <PageLoader />;
  const editable = dataset.data.can_edit;
  const total = slices.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / SLICE_PAGE_SIZE));
  const setPage = (p: number) => setParams(p > 1 ? { page: String(p) } : {});

  return (
    <Stack gap="md" maw={960}>
      <Breadcrumbs>
        <Anchor component={Link} to={knowledgeListPath(spaceId)}>
          {t("knowledge.list.title")}
        </Anchor>
        <Anchor component={Link} to={datasetPath(spaceId, datasetId)}>
          {dataset.data.name}
        </Anchor>
        <Text>{doc.data.document_name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" wrap="wrap" gap="sm" align="flex-start">
        <Stack gap={4}>
          <Title order={2} style={{ overflowWrap: "anywhere" }}>
            {doc.data.document_name}
          </Title>
          <DocumentStatus doc={doc.data} />
        </Stack>
        {editable ? (
          <Button onClick={() => setAdding(true)} disabled={adding}>
            {t("knowledge.slices.add")}
          </Button>
        ) : null}
      </Group>
      {table && columns.data && columns.data.length > 0 ? (
        <Group gap={4} aria-label={t("knowledge.slices.columns")}>
          <Text size="sm" c="dimmed">
            {t("knowledge.slices.columns")}
          </Text>
          {columns.data.map((c) => (
            <Badge key={c.id} variant="outline" size="sm">
              {c.column_name}
            </Badge>
          ))}
        </Group>
      ) : null}
      {adding ? <NewSlice documentId={documentId} onDone={() => setAdding(false)} /> : null}
      {slices.isPending ? (
        <PageLoader />
      ) : slices.isError && !slices.data ? (
        <ErrorPanel error={slices.error} onRetry={() => void slices.refetch()} />
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed" role="status" aria-live="polite">
            {t("knowledge.slices.count", { count: total })}
          </Text>
          {total === 0 ? (
            <Text c="dimmed" data-testid="slices-empty">
              {t("knowledge.slices.empty")}
            </Text>
          ) : (
            <Stack gap="xs" component="ol" aria-label={t("knowledge.slices.title")} style={{ listStyle: "none", padding: 0, margin: 0 }}>
              {slices.data!.slices.map((s) => (
                <SliceCard key={s.slice_id} slice={s} editable={editable} onDelete={() => setDeleting(s)} />
              ))}
            </Stack>
          )}
          {pages > 1 ? (
            <Pagination
              total={pages}
              value={page}
              onChange={setPage}
              size="sm"
              getItemProps={(p) => ({ "aria-label": t("knowledge.slices.pageN", { page: p }) })}
            />
          ) : null}
        </Stack>
      )}
      <DeleteSlice documentId={documentId} slice={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

function useRefresh(documentId: string) {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: keys.slices(documentId) });
    void client.invalidateQueries({ queryKey: ["knowledge", "documents"] });
    void client.invalidateQueries({ queryKey: ["knowledge", "dataset"] });
  };
}

function SliceCard({ slice, editable, onDelete }: { slice: Slice; editable: boolean; onDelete: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh(slice.document_id);
  const [draft, setDraft] = useState<string | null>(null);
  const n = Number(slice.sequence) + 1;
  const save = useMutation({
    mutationFn: (text: string) => updateSlice(slice.slice_id, text),
    onSuccess: async () => {
      await refresh();
      setDraft(null);
    },
  });
  return (
    <Card component="li" withBorder padding="sm" data-testid="slice" data-slice-id={slice.slice_id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs">
            <Text size="sm" fw={600}>
              #{n}
            </Text>
            {slice.heading_path.length > 0 ? (
              <Text size="xs" c="dimmed">
                {slice.heading_path.join(" › ")}
              </Text>
            ) : null}
            <Text size="xs" c="dimmed">
              {t("knowledge.documents.chars", { count: slice.char_count })}
            </Text>
            {slice.edited ? (
              <Badge size="xs" variant="light" color="orange">
                {t("knowledge.slices.edited")}
              </Badge>
            ) : null}
          </Group>
          {editable && draft === null ? (
            <Group gap={4}>
              <Button size="compact-xs" variant="subtle" aria-label={t("knowledge.slices.editN", { n })} onClick={() => setDraft(slice.content)}>
                {t("knowledge.slices.edit")}
              </Button>
              <Button size="compact-xs" variant="subtle" color="red" aria-label={t("knowledge.slices.deleteN", { n })} onClick={onDelete}>
                {t("common.delete")}
              </Button>
            </Group>
          ) : null}
        </Group>
        {draft === null ? (
          <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} data-testid="slice-content">
            {slice.content}
          </Text>
        ) : (
          <SliceEditor
            label={t("knowledge.slices.textN", { n })}
            value={draft}
            onChange={setDraft}
            error={save.error}
            saving={save.isPending}
            onSave={() => save.mutate(draft)}
            onCancel={() => {
              save.reset();
              setDraft(null);
            }}
          />
        )}
      </Stack>
    </Card>
  );
}

function SliceEditor(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error: unknown;
  saving: boolean;
  onSave: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const empty = !props.value.trim();
  return (
    <Stack gap="xs">
      <Textarea
        label={props.label}
        data-autofocus
        autoFocus
        value={props.value}
        maxLength={LIMITS.slice}
        autosize
        minRows={3}
        maxRows={14}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        description={t("knowledge.common.chars", { used: props.value.length, limit: LIMITS.slice })}
      />
      <FailureAlert error={props.error} />
      <Group justify="flex-end" gap="xs">
        <Button size="xs" variant="default" onClick={props.onCancel}>
          {t("common.cancel")}
        </Button>
        <Button size="xs" disabled={empty} loading={props.saving} onClick={props.onSave}>
          {t("common.save")}
        </Button>
      </Group>
    </Stack>
  );
}

function NewSlice({ documentId, onDone }: { documentId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh(documentId);
  const [text, setText] = useState("");
  const add = useMutation({
    mutationFn: () => createSlice(documentId, text),
    onSuccess: async () => {
      await refresh();
      onDone();
    },
  });
  return (
    <Card withBorder padding="sm" data-testid="new-slice">
      <SliceEditor
        label={t("knowledge.slices.newText")}
        value={text}
        onChange={setText}
        error={add.error}
        saving={add.isPending}
        onSave={() => add.mutate()}
        onCancel={onDone}
      />
    </Card>
  );
}

function DeleteSlice({ documentId, slice, onClose }: { documentId: string; slice: Slice | null; onClose: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh(documentId);
  const remove = useMutation({
    mutationFn: (s: Slice) => deleteSlice(s.slice_id),
    onSuccess: async () => {
      await refresh();
      close();
    },
  });
  function close() {
    remove.reset();
    onClose();
  }
  return (
    <ConfirmModal
      opened={slice !== null}
      title={t("knowledge.slices.deleteTitle")}
      confirmLabel={t("common.delete")}
      loading={remove.isPending}
      error={remove.error}
      onConfirm={() => slice && remove.mutate(slice)}
      onClose={close}
    >
      {t("knowledge.slices.deleteBody", { n: slice ? Number(slice.sequence) + 1 : 0 })}
    </ConfirmModal>
  );
}
