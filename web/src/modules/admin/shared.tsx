// Pieces every admin page uses: the page heading, a failed action's message, times, paging.
import { Button, Group, Pagination, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { FailureAlert } from "../../app/errors";

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm" mb="md">
      <Title order={2}>{title}</Title>
      {children ? <Group gap="xs">{children}</Group> : null}
    </Group>
  );
}

/** The envelope's msg of a failed call, or a form check's own Error text (nothing while all is well). */
export function ActionError({ error }: { error: unknown }) {
  return <FailureAlert error={error} testId="action-error" />;
}

export function useFormatTime(): (value: string | number | null | undefined) => string {
  const { i18n } = useTranslation();
  return (value) => {
    if (value === null || value === undefined || value === "" || value === 0) return "—";
    const date = typeof value === "number" ? new Date(value * 1000) : new Date(value);
    if (Number.isNaN(date.getTime())) return String(value);
    return date.toLocaleString(i18n.language, { dateStyle: "medium", timeStyle: "medium" });
  };
}

export function Pager({
  page,
  total,
  size,
  onChange,
}: {
  page: number;
  total: number;
  size: number;
  onChange: (page: number) => void;
}) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / size));
  return (
    <Group justify="space-between" mt="sm" wrap="wrap">
      <Text size="sm" c="dimmed">
        {t("admin.common.total", { count: total })}
      </Text>
      {pages > 1 ? (
        <Pagination
          total={pages}
          value={page}
          onChange={onChange}
          size="sm"
          getControlProps={(control) => ({
            "aria-label": t(`admin.common.page.${control}`),
          })}
          getItemProps={(p) => ({ "aria-label": t("admin.common.pageN", { page: p }) })}
        />
      ) : null}
    </Group>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" size="sm" py="md" data-testid="empty">
      {children}
    </Text>
  );
}

/** JSON for people: two-space indents, in a scrolling block. */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre className="cp-admin-json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function ConfirmButtons({
  onCancel,
  confirmLabel,
  loading,
  color,
  type = "submit",
  onConfirm,
}: {
  onCancel: () => void;
  confirmLabel: string;
  loading?: boolean;
  color?: string;
  type?: "submit" | "button";
  onConfirm?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end" gap="xs">
      <Button variant="default" onClick={onCancel}>
        {t("common.cancel")}
      </Button>
      <Button type={type} loading={loading} color={color} onClick={onConfirm}>
        {confirmLabel}
      </Button>
    </Group>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {title}
      </Title>
      {children}
    </Stack>
  );
}
