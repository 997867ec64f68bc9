// A knowledge base's documents: live progress while any is processing (polling stops when none
// is), why a document failed, rename, re-segment with other chunking settings, delete.
import { Button, Group, Modal, Pagination, ScrollArea, Stack, Table, Text, TextInput, VisuallyHidden } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { ApiError } from "../../app/api";
import { ConfirmModal } from "../../app/confirm";
import { ErrorPanel, FailureAlert } from "../../app/errors";
import { FormButtons } from "../../app/forms";
import { PageLoader } from "../../app/loading";
import {
  LIMITS,
  PAGE_SIZE,
  deleteDocuments,
  documentProgress,
  formatBytes,
  formatTime,
  keys,
  listDocuments,
  polling,
  renameDocument,
  resegmentDocuments,
} from "./api";
import { problemsOf, settingsOf, strategyOf } from "./chunking";
import { ChunkingForm } from "./ChunkingForm";
import { addDocumentsPath, documentPath } from "./paths";
import { DocumentStatus } from "./shared";
import { DOC_PROCESSING, type Dataset, type DocumentInfo } from "./types";

export function DocumentsPanel({ spaceId, dataset }: { spaceId: string; dataset: Dataset }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const datasetId = dataset.dataset_id;
  const [page, setPage] = useState(1);
  const [renaming, setRenaming] = useState<DocumentInfo | null>(null);
  const [resegmenting, setResegmenting] = useState<DocumentInfo | null>(null);
  const [deleting, setDeleting] = useState<DocumentInfo | null>(null);
  const list = useQuery({
    queryKey: keys.documentPage(datasetId, page),
    queryFn: () => listDocuments(datasetId, page),
    placeholderData: keepPreviousData,
  });
  const documents = list.data?.document_infos ?? [];
  const processing = useMemo(
    () => documents.filter((d) => d.status === DOC_PROCESSING).map((d) => d.document_id),
    [documents],
  );
  const progress = useQuery({
    queryKey: keys.progress(processing),
    queryFn: () => documentProgress(datasetId, processing),
    enabled: processing.length > 0,
    refetchInterval: (q) => {
      if (q.state.data && q.state.data.every((p) => p.status !== DOC_PROCESSING)) return false;
      // a document deleted meanwhile is a 404 for the whole call: the list is reloaded instead
      return q.state.error instanceof ApiError && q.state.error.status >= 400 && q.state.error.status < 500
        ? false
        : polling.intervalMs;
    },
  });
  // A document that finished (or failed): the list and the totals have new counts.
  useEffect(() => {
    if (progress.data?.some((p) => p.status !== DOC_PROCESSING)) {
      void client.invalidateQueries({ queryKey: keys.documents(datasetId) });
      void client.invalidateQueries({ queryKey: keys.dataset(datasetId) });
    }
  }, [progress.data, client, datasetId]);
  useEffect(() => {
    if (progress.error) void client.invalidateQueries({ queryKey: keys.documents(datasetId) });
  }, [progress.error, client, datasetId]);
  const live = new Map((progress.data ?? []).map((p) => [p.document_id, p]));

  if (list.isPending) return <PageLoader />;
  if (list.isError && !list.data) return <ErrorPanel error={list.error} onRetry={() => void list.refetch()} />;
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm" c="dimmed" role="status" aria-live="polite">
          {t("knowledge.documents.count", { count: total })}
        </Text>
        {dataset.can_edit ? (
          <Button component={Link} to={addDocumentsPath(spaceId, datasetId)} data-testid="add-documents">
            {t("knowledge.documents.add")}
          </Button>
        ) : null}
      </Group>
      {documents.length === 0 ? (
        <Text c="dimmed" data-testid="documents-empty">
          {t("knowledge.documents.empty")}
        </Text>
      ) : (
        <ScrollArea type="auto">
          <Table verticalSpacing="xs" miw={720} aria-label={t("knowledge.documents.table")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("knowledge.documents.name")}</Table.Th>
                <Table.Th>{t("knowledge.documents.status")}</Table.Th>
                <Table.Th>{t("knowledge.documents.slices")}</Table.Th>
                <Table.Th>{t("knowledge.documents.size")}</Table.Th>
                <Table.Th>{t("knowledge.documents.updated")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("knowledge.documents.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {documents.map((d) => {
                const now = live.get(d.document_id);
                const shown = now && d.status === DOC_PROCESSING ? { ...d, ...now } : d;
                return (
                  <Table.Tr key={d.document_id} data-testid="document-row" data-document-id={d.document_id}>
                    <Table.Td maw={280}>
                      <Text
                        component={Link}
                        to={documentPath(spaceId, datasetId, d.document_id)}
                        fw={500}
                        size="sm"
                        style={{ overflowWrap: "anywhere" }}
                      >
                        {d.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {d.web_url || d.type}
                      </Text>
                    </Table.Td>
                    <Table.Td maw={280}>
                      <DocumentStatus doc={shown} />
                    </Table.Td>
                    <Table.Td>{d.slice_count}</Table.Td>
                    <Table.Td>{d.size > 0 ? formatBytes(d.size, i18n.language) : t("knowledge.documents.chars", { count: d.char_count })}</Table.Td>
                    <Table.Td>
                      <Text size="xs">{formatTime(d.update_time, i18n.language)}</Text>
                    </Table.Td>
                    <Table.Td>
                      {dataset.can_edit ? (
                        <Group gap={4} wrap="nowrap" justify="flex-end">
                          <Button size="compact-xs" variant="subtle" aria-label={t("knowledge.documents.renameNamed", { name: d.name })} onClick={() => setRenaming(d)}>
                            {t("knowledge.documents.rename")}
                          </Button>
                          {dataset.format_type === 0 ? (
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              aria-label={t("knowledge.documents.resegmentNamed", { name: d.name })}
                              disabled={d.status === DOC_PROCESSING}
                              onClick={() => setResegmenting(d)}
                            >
                              {t("knowledge.documents.resegment")}
                            </Button>
                          ) : null}
                          <Button size="compact-xs" variant="subtle" color="red" aria-label={t("knowledge.documents.deleteNamed", { name: d.name })} onClick={() => setDeleting(d)}>
                            {t("common.delete")}
                          </Button>
                        </Group>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
      {pages > 1 ? <Pagination total={pages} value={page} onChange={setPage} size="sm" /> : null}
      {list.isError ? <ErrorPanel error={list.error} onRetry={() => void list.refetch()} /> : null}
      {renaming ? <RenameModal doc={renaming} onClose={() => setRenaming(null)} /> : null}
      {resegmenting ? <ResegmentModal doc={resegmenting} onClose={() => setResegmenting(null)} /> : null}
      <DeleteDocument doc={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

function useRefresh(datasetId: string) {
  const client = useQueryClient();
  return async () => {
    await client.invalidateQueries({ queryKey: keys.documents(datasetId) });
    void client.invalidateQueries({ queryKey: keys.dataset(datasetId) });
  };
}

function RenameModal({ doc, onClose }: { doc: DocumentInfo; onClose: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh(doc.dataset_id);
  const [name, setName] = useState(doc.name);
  const rename = useMutation({
    mutationFn: () => renameDocument(doc.document_id, name.trim()),
    onSuccess: async () => {
      await refresh();
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) rename.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={t("knowledge.documents.renameTitle")}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t("knowledge.documents.name")}
            data-autofocus
            required
            value={name}
            maxLength={LIMITS.documentName}
            error={!name.trim() ? t("knowledge.add.nameRequired") : null}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <FormButtons error={rename.error} loading={rename.isPending} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}

function ResegmentModal({ doc, onClose }: { doc: DocumentInfo; onClose: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh(doc.dataset_id);
  const [settings, setSettings] = useState(() => settingsOf(doc.chunk_strategy));
  const resegment = useMutation({
    mutationFn: () => resegmentDocuments(doc.dataset_id, [doc.document_id], strategyOf(settings)),
    onSuccess: async () => {
      notifications.show({ color: "green", message: t("knowledge.documents.resegmenting", { name: doc.name }) });
      await refresh();
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t("knowledge.documents.resegmentTitle", { name: doc.name })} size="lg">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t("knowledge.documents.resegmentHint")}
        </Text>
        <ChunkingForm value={settings} onChange={setSettings} />
        <FailureAlert error={resegment.error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button
            loading={resegment.isPending}
            disabled={problemsOf(settings).size > 0}
            onClick={() => resegment.mutate()}
          >
            {t("knowledge.documents.resegment")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DeleteDocument({ doc, onClose }: { doc: DocumentInfo | null; onClose: () => void }) {
  const { t } = useTranslation();
  const refresh = useRefresh(doc?.dataset_id ?? "");
  const remove = useMutation({
    mutationFn: (d: DocumentInfo) => deleteDocuments(d.dataset_id, [d.document_id]),
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
      opened={doc !== null}
      title={t("knowledge.documents.deleteTitle")}
      confirmLabel={t("common.delete")}
      loading={remove.isPending}
      error={remove.error}
      onConfirm={() => doc && remove.mutate(doc)}
      onClose={close}
    >
      {t("knowledge.documents.deleteBody", { name: doc?.name ?? "" })}
    </ConfirmModal>
  );
}
