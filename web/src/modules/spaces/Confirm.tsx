// A yes/no question before a change that cannot be undone from the page (remove, transfer, revoke).
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { FailureAlert } from "../../app/errors";

interface ConfirmProps {
  opened: boolean;
  title: string;
  body: string;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

export function Confirm({ opened, title, body, confirmLabel, pending, error, onConfirm, onClose }: ConfirmProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack gap="md">
        <Text size="sm">{body}</Text>
        <FailureAlert error={error} testId="confirm-error" />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t("spaces.cancel")}
          </Button>
          <Button color="red" loading={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
