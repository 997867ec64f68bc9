// The foot of a form in a dialog: the server's refusal, then Cancel and the submit button (Save).
import { Button, Group } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { FailureAlert } from "./errors";

interface Props {
  error: unknown;
  errorTestId?: string;
  loading: boolean;
  onCancel: () => void;
  /** The submit button's text; "Save" when not given. */
  submitLabel?: string;
  /** Without a <form> around: what the button does (it submits the form otherwise). */
  onSubmit?: () => void;
  disabled?: boolean;
}

export function FormButtons({ error, errorTestId, loading, onCancel, submitLabel, onSubmit, disabled }: Props) {
  const { t } = useTranslation();
  return (
    <>
      <FailureAlert error={error} testId={errorTestId} />
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onCancel}>
          {t("common.cancel")}
        </Button>
        <Button type={onSubmit ? "button" : "submit"} loading={loading} disabled={disabled} onClick={onSubmit}>
          {submitLabel ?? t("common.save")}
        </Button>
      </Group>
    </>
  );
}
