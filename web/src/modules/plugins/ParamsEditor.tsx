// A tool's request parameters, one row each: name, where it goes, its type, required, description.
import { ActionIcon, Button, Checkbox, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { DataTable } from "../../app/tables";
import { LOCATIONS, LOCATION_KEYS, TYPES, TYPE_KEYS, newRow, type ParamRow } from "./params";
import type { ParamType } from "./types";

interface Props {
  rows: ParamRow[];
  onChange: (rows: ParamRow[]) => void;
}

export function ParamsEditor({ rows, onChange }: Props) {
  const { t } = useTranslation();
  const set = (key: number, patch: Partial<ParamRow>) =>
    onChange(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const cols = ["name", "location", "type", "required", "desc"].map((c) => t(`plugins.param.${c}`));
  return (
    <Stack gap="xs">
      <Text fw={500} size="sm">
        {t("plugins.param.title")}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("plugins.param.none")}
        </Text>
      ) : (
        <DataTable minWidth={640} columns={[...cols, ""]} aria-label={t("plugins.param.title")}>
          {rows.map((r, i) => {
            const n = i + 1;
            return (
              <Table.Tr key={r.key} data-testid="param-row">
                <Table.Td>
                  <TextInput
                    aria-label={t("plugins.param.nameOf", { n })}
                    value={r.name}
                    onChange={(e) => set(r.key, { name: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={t("plugins.param.locationOf", { n })}
                    allowDeselect={false}
                    w={110}
                    value={String(r.location)}
                    onChange={(v) => v && set(r.key, { location: Number(v) })}
                    data={LOCATIONS.map((l) => ({ value: String(l), label: t(`plugins.location.${LOCATION_KEYS[l]}`) }))}
                    comboboxProps={{ withinPortal: true }}
                  />
                </Table.Td>
                <Table.Td>
                  <Select
                    aria-label={t("plugins.param.typeOf", { n })}
                    allowDeselect={false}
                    w={120}
                    value={String(r.type)}
                    onChange={(v) => v && set(r.key, { type: Number(v) as ParamType })}
                    data={TYPES.map((ty) => ({ value: String(ty), label: t(`plugins.type.${TYPE_KEYS[ty]}`) }))}
                    comboboxProps={{ withinPortal: true }}
                  />
                </Table.Td>
                <Table.Td>
                  <Checkbox
                    aria-label={t("plugins.param.requiredOf", { n })}
                    checked={r.required}
                    onChange={(e) => set(r.key, { required: e.currentTarget.checked })}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={t("plugins.param.descOf", { n })}
                    value={r.desc}
                    onChange={(e) => set(r.key, { desc: e.currentTarget.value })}
                  />
                </Table.Td>
                <Table.Td>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t("plugins.param.removeOf", { n })}
                    onClick={() => onChange(rows.filter((x) => x.key !== r.key))}
                  >
                    ×
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </DataTable>
      )}
      <Group>
        <Button variant="default" size="compact-sm" onClick={() => onChange([...rows, newRow()])}>
          {t("plugins.param.add")}
        </Button>
      </Group>
    </Stack>
  );
}
