// A space's knowledge bases: search by name and filter by format (on the server), create, delete.
import { Badge, Button, Group, Modal, Radio, Select, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";

import { DeleteConfirm } from "../../app/confirm";
import { FailureAlert } from "../../app/errors";
import { EmptyList, ListRow, NoMatch, PagedList, SearchBox, useNumberedPages } from "../../app/lists";
import { LIMITS, PAGE_SIZE, createDataset, deleteDataset, formatTime, keys, listDatasets } from "./api";
import { datasetPath, useFollowSpace } from "./paths";
import { FORMATS, FORMAT_KEYS, FormatBadge } from "./shared";
import type { Dataset, FormatType } from "./types";

export function KnowledgeListPage() {
  const { spaceId = "" } = useParams();
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [name] = useDebouncedValue(search.trim(), 300);
  const [format, setFormat] = useState<FormatType | null>(null);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Dataset | null>(null);
  useFollowSpace(spaceId);

  const { query, rows: datasets, total } = useNumberedPages(
    keys.list(spaceId, name, format),
    (page) => listDatasets(spaceId, name, format, page),
    PAGE_SIZE,
    (p) => p.dataset_list,
  );
  const filtered = name !== "" || format !== null;

  return (
    <Stack gap="md" maw={960}>
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Title order={2}>{t("knowledge.list.title")}</Title>
        <Button onClick={() => setCreating(true)} data-testid="knowledge-create">
          {t("knowledge.list.create")}
        </Button>
      </Group>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <SearchBox
          query={query}
          style={{ flex: 1, minWidth: 200 }}
          label={t("knowledge.list.search")}
          placeholder={t("knowledge.list.searchPlaceholder")}
          value={search}
          maxLength={LIMITS.name}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
        <Select
          w={160}
          label={t("knowledge.list.formatFilter")}
          allowDeselect={false}
          value={format === null ? "all" : String(format)}
          onChange={(v) => setFormat(v === null || v === "all" ? null : (Number(v) as FormatType))}
          data={[
            { value: "all", label: t("knowledge.list.allFormats") },
            ...FORMATS.map((f) => ({ value: String(f), label: t(`knowledge.format.${FORMAT_KEYS[f]}`) })),
          ]}
        />
      </Group>
      <PagedList
        query={query}
        shown={datasets.length}
        label={t("knowledge.list.title")}
        count={t("knowledge.list.count", { shown: datasets.length, total })}
        moreLabel={t("knowledge.list.more")}
        empty={
          filtered ? (
            <NoMatch testId="knowledge-no-match">{t("knowledge.list.noMatch")}</NoMatch>
          ) : (
            <EmptyList
              testId="knowledge-empty"
              title={t("knowledge.list.emptyTitle")}
              body={t("knowledge.list.emptyBody")}
              action={t("knowledge.list.create")}
              onAction={() => setCreating(true)}
            />
          )
        }
      >
        {datasets.map((d) => (
          <DatasetRow key={d.dataset_id} spaceId={spaceId} dataset={d} onDelete={() => setDeleting(d)} />
        ))}
      </PagedList>
      <CreateModal spaceId={spaceId} opened={creating} onClose={() => setCreating(false)} />
      <DeleteConfirm
        target={deleting}
        title={t("knowledge.delete.title")}
        body={(d) => t("knowledge.delete.body", { name: d.name })}
        done={(d) => t("knowledge.delete.done", { name: d.name })}
        remove={(d) => deleteDataset(d.dataset_id)}
        invalidate={keys.all(spaceId)}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}

function DatasetRow({ spaceId, dataset: d, onDelete }: { spaceId: string; dataset: Dataset; onDelete: () => void }) {
  const { t, i18n } = useTranslation();
  const updated = formatTime(d.update_time, i18n.language);
  return (
    <ListRow
      attributes={{ "data-testid": "knowledge-row", "data-dataset-id": d.dataset_id }}
      name={d.name}
      to={datasetPath(spaceId, d.dataset_id)}
      description={d.description}
      deleteLabel={t("knowledge.list.deleteNamed", { name: d.name })}
      onDelete={d.can_edit ? onDelete : undefined}
      badges={
        <>
          <FormatBadge format={d.format_type} />
          {d.processing_file_id_list.length > 0 ? (
            <Badge size="sm" variant="light" color="yellow">
              {t("knowledge.list.processing", { count: d.processing_file_id_list.length })}
            </Badge>
          ) : null}
          {d.failed_file_list.length > 0 ? (
            <Badge size="sm" variant="light" color="red">
              {t("knowledge.list.failed", { count: d.failed_file_list.length })}
            </Badge>
          ) : null}
        </>
      }
      footer={
        <Text size="xs" c="dimmed">
          {t("knowledge.list.counts", { documents: d.doc_count, slices: d.slice_count })}
          {updated ? ` · ${t("knowledge.list.updated", { time: updated })}` : ""}
        </Text>
      }
    />
  );
}

function CreateModal({ spaceId, opened, onClose }: { spaceId: string; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [format, setFormat] = useState<FormatType>(0);
  const [touched, setTouched] = useState(false);
  const create = useMutation({
    mutationFn: () => createDataset(spaceId, name.trim(), description, format),
    onSuccess: (made) => {
      void client.invalidateQueries({ queryKey: keys.all(spaceId) });
      close();
      void navigate(datasetPath(spaceId, made.dataset_id));
    },
  });
  function close() {
    setName("");
    setDescription("");
    setFormat(0);
    setTouched(false);
    create.reset();
    onClose();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (name.trim()) create.mutate();
  }
  return (
    <Modal opened={opened} onClose={close} title={t("knowledge.create.title")}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t("knowledge.create.name")}
            required
            data-autofocus
            value={name}
            maxLength={LIMITS.name}
            error={touched && !name.trim() ? t("knowledge.create.nameRequired") : null}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Textarea
            label={t("knowledge.create.description")}
            value={description}
            maxLength={LIMITS.description}
            autosize
            minRows={2}
            maxRows={6}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Radio.Group
            label={t("knowledge.create.format")}
            value={String(format)}
            onChange={(v) => setFormat(Number(v) as FormatType)}
          >
            <Stack gap="xs" mt={4}>
              {FORMATS.map((f) => (
                <Radio
                  key={f}
                  value={String(f)}
                  label={t(`knowledge.format.${FORMAT_KEYS[f]}`)}
                  description={t(`knowledge.format.${FORMAT_KEYS[f]}Hint`)}
                />
              ))}
            </Stack>
          </Radio.Group>
          <FailureAlert error={create.error} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t("knowledge.create.submit")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
