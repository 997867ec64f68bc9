// A yes/no question before a change that cannot be undone from the page (delete, remove, revoke),
// and the delete-after-confirmation every list page has: the call, a toast, the list refreshed.
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient, type QueryKey } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

import { FailureAlert } from "./errors";

interface ConfirmProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  /** The red button's text; "Delete" when not given. */
  confirmLabel?: string;
  loading: boolean;
  error: unknown;
  /** The failure's test id (FailureAlert's own when not given). */
  errorTestId?: string;
  onConfirm: () => void;
  onClose: () => void;
}

export function ConfirmModal(props: ConfirmProps) {
  const { opened, title, children, confirmLabel, loading, error, errorTestId, onConfirm, onClose } = props;
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack gap="sm">
        <Text size="sm" style={{ overflowWrap: "anywhere" }}>
          {children}
        </Text>
        <FailureAlert error={error} testId={errorTestId} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t("common.cancel")}
          </Button>
          <Button color="red" loading={loading} onClick={onConfirm} data-testid="confirm">
            {confirmLabel ?? t("common.delete")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

interface DeleteProps<T> {
  /** What is to go; null: the dialog is closed. */
  target: T | null;
  title: string;
  /** The question and the toast after, for the target. */
  body: (target: T) => string;
  done: (target: T) => string;
  remove: (target: T) => Promise<unknown>;
  /** The queries to refresh after. */
  invalidate: QueryKey;
  onClose: () => void;
}

export function DeleteConfirm<T>({ target, title, body, done, remove, invalidate, onClose }: DeleteProps<T>) {
  const client = useQueryClient();
  const run = useMutation({
    mutationFn: (t: T) => remove(t),
    onSuccess: (_, t) => {
      notifications.show({ color: "green", message: done(t) });
      void client.invalidateQueries({ queryKey: invalidate });
      close();
    },
  });
  function close() {
    run.reset();
    onClose();
  }
  return (
    <ConfirmModal
      opened={target !== null}
      title={title}
      loading={run.isPending}
      error={run.error}
      onConfirm={() => target !== null && run.mutate(target)}
      onClose={close}
    >
      {target !== null ? body(target) : ""}
    </ConfirmModal>
  );
}
