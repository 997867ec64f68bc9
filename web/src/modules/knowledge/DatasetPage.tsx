// A knowledge base: its documents (with live progress), its images' captions, and a retrieval test.
import { Anchor, Breadcrumbs, Button, Group, Modal, Stack, Tabs, Text, TextInput, Textarea, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";

import { ErrorPanel } from "../../app/errors";
import { FormButtons } from "../../app/forms";
import { PageLoader } from "../../app/loading";
import { LIMITS, getDataset, keys, updateDataset } from "./api";
import { DocumentsPanel } from "./DocumentsPanel";
import { knowledgeListPath, useFollowSpace } from "./paths";
import { PhotosPanel } from "./PhotosPanel";
import { RetrievalPanel } from "./RetrievalPanel";
import { FormatBadge } from "./shared";
import type { Dataset } from "./types";

const TABS = ["documents", "images", "retrieval"] as const;
type Tab = (typeof TABS)[number];

export function DatasetPage() {
  const { spaceId = "", datasetId = "" } = useParams();
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [editing, setEditing] = useState(false);
  useFollowSpace(spaceId);
  const query = useQuery({ queryKey: keys.dataset(datasetId), queryFn: () => getDataset(datasetId) });
  if (query.isPending) return <PageLoader />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  const dataset = query.data;
  const asked = params.get("tab") as Tab | null;
  const tabs = TABS.filter((tab) => tab !== "images" || dataset.format_type === 2);
  const tab: Tab = asked && tabs.includes(asked) ? asked : "documents";

  return (
    <Stack gap="md" maw={1100}>
      <Breadcrumbs>
        <Anchor component={Link} to={knowledgeListPath(spaceId)}>
          {t("knowledge.list.title")}
        </Anchor>
        <Text>{dataset.name}</Text>
      </Breadcrumbs>
      <Group justify="space-between" wrap="wrap" gap="sm" align="flex-start">
        <Stack gap={4} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs">
            <Title order={2} style={{ overflowWrap: "anywhere" }}>
              {dataset.name}
            </Title>
            <FormatBadge format={dataset.format_type} />
          </Group>
          {dataset.description ? (
            <Text c="dimmed" size="sm" style={{ overflowWrap: "anywhere" }}>
              {dataset.description}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed" data-testid="dataset-counts">
            {t("knowledge.list.counts", { documents: dataset.doc_count, slices: dataset.slice_count })}
          </Text>
        </Stack>
        {dataset.can_edit ? (
          <Button variant="default" onClick={() => setEditing(true)}>
            {t("knowledge.dataset.edit")}
          </Button>
        ) : null}
      </Group>
      <Tabs
        value={tab}
        onChange={(v) => setParams(v && v !== "documents" ? { tab: v } : {}, { replace: true })}
        keepMounted={false}
      >
        <Tabs.List>
          {tabs.map((name) => (
            <Tabs.Tab key={name} value={name}>
              {t(`knowledge.tab.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="documents" pt="md">
          <DocumentsPanel spaceId={spaceId} dataset={dataset} />
        </Tabs.Panel>
        <Tabs.Panel value="images" pt="md">
          <PhotosPanel dataset={dataset} />
        </Tabs.Panel>
        <Tabs.Panel value="retrieval" pt="md">
          <RetrievalPanel spaceId={spaceId} dataset={dataset} />
        </Tabs.Panel>
      </Tabs>
      {editing ? <EditModal dataset={dataset} onClose={() => setEditing(false)} /> : null}
    </Stack>
  );
}

function EditModal({ dataset, onClose }: { dataset: Dataset; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState(dataset.name);
  const [description, setDescription] = useState(dataset.description);
  const save = useMutation({
    mutationFn: () => updateDataset(dataset.dataset_id, name.trim(), description),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: keys.dataset(dataset.dataset_id) });
      void client.invalidateQueries({ queryKey: keys.all(dataset.space_id) });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) save.mutate();
  };
  return (
    <Modal opened onClose={onClose} title={t("knowledge.dataset.editTitle")}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t("knowledge.create.name")}
            required
            data-autofocus
            value={name}
            maxLength={LIMITS.name}
            error={!name.trim() ? t("knowledge.create.nameRequired") : null}
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
          <FormButtons error={save.error} loading={save.isPending} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
