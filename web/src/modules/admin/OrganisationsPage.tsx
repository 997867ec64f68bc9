// /admin/organisations: the organisation tree (corporations and their departments): create, rename,
// move under another parent, delete, as the organisation routes allow.
import { Badge, Button, Group, Menu, Modal, Paper, Select, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { type OrgNode, orgApi } from "./api";
import { ActionError, ConfirmButtons, Empty, PageHeader } from "./shared";

const TREE_KEY = ["admin", "org-tree"] as const;
const TOP = "__top__";

type Dialog =
  | { kind: "new-corp"; parent?: OrgNode }
  | { kind: "new-dept"; parent: OrgNode }
  | { kind: "rename"; node: OrgNode }
  | { kind: "move"; node: OrgNode }
  | { kind: "delete"; node: OrgNode };

function walk(nodes: OrgNode[], out: OrgNode[] = []): OrgNode[] {
  for (const n of nodes) {
    out.push(n);
    walk(n.children, out);
  }
  return out;
}

/** Where a node may go: nodes of its own kind outside its subtree (departments: in its corporation). */
export function moveTargets(tree: OrgNode[], node: OrgNode): OrgNode[] {
  const inside = new Set(walk([node]).map((n) => `${n.node_type}:${n.id}`));
  return walk(tree).filter(
    (n) =>
      n.node_type === node.node_type &&
      !inside.has(`${n.node_type}:${n.id}`) &&
      (node.node_type === "corp" || n.corp_id === node.corp_id),
  );
}

function NameForm({ initial, label, onSubmit, pending, error, onClose }: {
  initial: string;
  label: string;
  onSubmit: (name: string) => void;
  pending: boolean;
  error: unknown;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial);
  const [touched, setTouched] = useState(false);
  const invalid = !name.trim() || name.trim().length > 100;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!invalid) onSubmit(name.trim());
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label={t("admin.org.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} error={touched && invalid ? t("admin.org.invalid.name") : null} maxLength={100} required data-autofocus />
        <ActionError error={error} />
        <ConfirmButtons onCancel={onClose} confirmLabel={label} loading={pending} />
      </Stack>
    </form>
  );
}

function DialogBody({ dialog, tree, onClose }: { dialog: Dialog; tree: OrgNode[]; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [target, setTarget] = useState<string | null>(null);
  const [corpType, setCorpType] = useState("2");
  const done = async () => {
    await client.invalidateQueries({ queryKey: TREE_KEY });
    onClose();
  };
  const run = useMutation({
    mutationFn: async (name: string) => {
      switch (dialog.kind) {
        case "new-corp":
          return orgApi.createCorp({ name, corp_type: Number(corpType), ...(dialog.parent ? { parent_id: dialog.parent.corp_id } : {}) });
        case "new-dept":
          return orgApi.createDept({
            name,
            corp_id: dialog.parent.corp_id,
            ...(dialog.parent.node_type === "dept" ? { parent_id: dialog.parent.id } : {}),
          });
        case "rename":
          return dialog.node.node_type === "corp" ? orgApi.updateCorp(dialog.node.id, { name }) : orgApi.updateDept(dialog.node.id, { name });
        case "move": {
          const parent = target === TOP || target === null ? "" : target;
          return dialog.node.node_type === "corp"
            ? orgApi.updateCorp(dialog.node.id, { parent_id: parent })
            : orgApi.updateDept(dialog.node.id, { parent_id: parent });
        }
        case "delete":
          return dialog.node.node_type === "corp" ? orgApi.deleteCorp(dialog.node.id) : orgApi.deleteDept(dialog.node.id);
      }
    },
    onSuccess: async () => {
      notifications.show({ color: "green", message: t("admin.org.done") });
      await done();
    },
  });
  if (dialog.kind === "new-corp" || dialog.kind === "new-dept" || dialog.kind === "rename") {
    return (
      <Stack gap="sm">
        {dialog.kind === "new-corp" ? (
          <Select
            label={t("admin.org.corpType")}
            data={["1", "2", "3"].map((v) => ({ value: v, label: t(`admin.org.corpTypes.${v}`) }))}
            value={corpType}
            onChange={(v) => v && setCorpType(v)}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
        ) : null}
        <NameForm
          initial={dialog.kind === "rename" ? dialog.node.name : ""}
          label={dialog.kind === "rename" ? t("common.save") : t("admin.common.create")}
          onSubmit={(name) => run.mutate(name)}
          pending={run.isPending}
          error={run.error}
          onClose={onClose}
        />
      </Stack>
    );
  }
  if (dialog.kind === "move") {
    const options = moveTargets(tree, dialog.node);
    return (
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate("");
        }}
      >
        <Stack gap="sm">
          <Select
            label={t("admin.org.newParent")}
            data={[
              { value: TOP, label: dialog.node.node_type === "corp" ? t("admin.org.topLevel") : t("admin.org.corpTopLevel") },
              ...options.map((n) => ({ value: n.id, label: n.name })),
            ]}
            value={target ?? TOP}
            onChange={setTarget}
            allowDeselect={false}
            searchable
            comboboxProps={{ withinPortal: true }}
          />
          <ActionError error={run.error} />
          <ConfirmButtons onCancel={onClose} confirmLabel={t("admin.org.move")} loading={run.isPending} />
        </Stack>
      </form>
    );
  }
  return (
    <Stack gap="sm">
      <Text size="sm">{t("admin.org.deleteConfirm", { name: dialog.node.name })}</Text>
      <ActionError error={run.error} />
      <ConfirmButtons type="button" color="red" onCancel={onClose} confirmLabel={t("common.delete")} loading={run.isPending} onConfirm={() => run.mutate("")} />
    </Stack>
  );
}

function Node({ node, open }: { node: OrgNode; open: (d: Dialog) => void }) {
  const { t } = useTranslation();
  return (
    <li>
      <Group gap="xs" wrap="nowrap" py={4} data-testid={`org-${node.name}`}>
        <Badge size="xs" variant="light" color={node.node_type === "corp" ? "blue" : "teal"}>
          {node.node_type === "corp" ? t(`admin.org.corpTypes.${node.corp_type}`) : t("admin.org.department")}
        </Badge>
        <Text size="sm" fw={node.node_type === "corp" ? 600 : 400}>
          {node.name}
        </Text>
        <Text size="xs" c="dimmed">
          {t("admin.org.employees", { count: node.employee_count })}
        </Text>
        <Menu withinPortal position="bottom-end">
          <Menu.Target>
            <Button size="compact-xs" variant="subtle" aria-label={t("admin.org.actionsFor", { name: node.name })}>
              ⋯
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => open({ kind: "new-dept", parent: node })}>{t("admin.org.addDept")}</Menu.Item>
            {node.node_type === "corp" ? (
              <Menu.Item onClick={() => open({ kind: "new-corp", parent: node })}>{t("admin.org.addCorp")}</Menu.Item>
            ) : null}
            <Menu.Item onClick={() => open({ kind: "rename", node })}>{t("admin.org.rename")}</Menu.Item>
            <Menu.Item onClick={() => open({ kind: "move", node })}>{t("admin.org.move")}</Menu.Item>
            <Menu.Item color="red" onClick={() => open({ kind: "delete", node })}>
              {t("common.delete")}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      </Group>
      {node.children.length > 0 ? (
        <ul className="cp-admin-tree">
          {node.children.map((c) => (
            <Node key={`${c.node_type}-${c.id}`} node={c} open={open} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

const TITLES: Record<Dialog["kind"], string> = {
  "new-corp": "admin.org.newCorp",
  "new-dept": "admin.org.addDept",
  rename: "admin.org.rename",
  move: "admin.org.move",
  delete: "admin.org.deleteTitle",
};

export function OrganisationsPage() {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const tree = useQuery({ queryKey: TREE_KEY, queryFn: orgApi.tree });
  return (
    <Stack gap="sm">
      <PageHeader title={t("admin.org.title")}>
        <Button onClick={() => setDialog({ kind: "new-corp" })}>{t("admin.org.newCorp")}</Button>
      </PageHeader>
      {tree.isPending ? (
        <PageLoader />
      ) : tree.isError ? (
        <ErrorPanel error={tree.error} onRetry={() => void tree.refetch()} />
      ) : tree.data.length === 0 ? (
        <Empty>{t("admin.org.none")}</Empty>
      ) : (
        <Paper withBorder p="sm">
          <ul className="cp-admin-tree cp-admin-tree-root" aria-label={t("admin.org.title")}>
            {tree.data.map((n) => (
              <Node key={`${n.node_type}-${n.id}`} node={n} open={setDialog} />
            ))}
          </ul>
        </Paper>
      )}
      <Modal opened={dialog !== null} onClose={() => setDialog(null)} title={dialog ? t(TITLES[dialog.kind]) : ""}>
        {dialog ? <DialogBody dialog={dialog} tree={tree.data ?? []} onClose={() => setDialog(null)} /> : null}
      </Modal>
    </Stack>
  );
}
