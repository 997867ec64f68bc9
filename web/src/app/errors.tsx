// How a failure looks: the backend's own message (the envelope's msg), "not found" for 404s, and a
// "server unreachable — Retry" panel when the server cannot be reached. Never a blank page.
import { Alert, Button, Center, Code, Group, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, isRouteErrorResponse, useRouteError } from "react-router";

import { ApiError } from "./api";

export type ErrorKind = "unreachable" | "not-found" | "forbidden" | "failed";

export function errorKind(error: unknown): ErrorKind {
  if (error instanceof ApiError) {
    if (error.unreachable) return "unreachable";
    if (error.notFound) return "not-found";
    if (error.status === 403 || error.code === 4101) return "forbidden";
    return "failed";
  }
  if (isRouteErrorResponse(error) && error.status === 404) return "not-found";
  // A lazy page's chunk that cannot be fetched is the server (or the network) being away.
  if (error instanceof TypeError && /fetch|import|module/i.test(error.message)) return "unreachable";
  return "failed";
}

/** The text to show for an error: the envelope's msg (already in the user's language) or a generic one. */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error: unknown) => {
    const kind = errorKind(error);
    if (kind === "unreachable") return t("error.unreachable");
    if (error instanceof ApiError && error.msg) return error.msg;
    if (kind === "not-found") return t("error.notFound");
    if (kind === "forbidden") return t("error.forbidden");
    return t("error.generic");
  };
}

/** A failed call's message inline (a form, a dialog): the envelope's msg, or a form check's own
 * Error text; nothing while `error` is empty. */
export function FailureAlert({ error, testId, title }: { error: unknown; testId?: string; title?: string }) {
  const message = useErrorMessage();
  if (!error) return null;
  const text = error instanceof ApiError || !(error instanceof Error) ? message(error) : error.message;
  return (
    <Alert color="red" role="alert" title={title} data-testid={testId}>
      {text}
    </Alert>
  );
}

interface PanelProps {
  error: unknown;
  onRetry?: () => void;
  /** Centred in the viewport (a whole page failed) rather than inline in a page. */
  fullPage?: boolean;
}

export function ErrorPanel({ error, onRetry, fullPage = false }: PanelProps) {
  const { t } = useTranslation();
  const message = useErrorMessage()(error);
  const kind = errorKind(error);
  const logId = error instanceof ApiError ? error.logId : null;
  const title =
    kind === "unreachable"
      ? t("error.unreachableTitle")
      : kind === "not-found"
        ? t("error.notFoundTitle")
        : kind === "forbidden"
          ? t("error.forbiddenTitle")
          : t("error.failedTitle");
  const panel = (
    <Alert
      role="alert"
      color={kind === "not-found" ? "gray" : kind === "unreachable" ? "yellow" : "red"}
      title={title}
      maw={560}
      w="100%"
      data-error-kind={kind}
    >
      <Stack gap="sm">
        <Text size="sm" data-testid="error-message">
          {message}
        </Text>
        {logId ? (
          <Text size="xs" c="dimmed">
            {t("error.logId")} <Code>{logId}</Code>
          </Text>
        ) : null}
        <Group gap="sm">
          {onRetry && kind !== "not-found" ? (
            <Button size="xs" onClick={onRetry}>
              {t("error.retry")}
            </Button>
          ) : null}
          {kind === "not-found" ? (
            <Button size="xs" variant="default" component={Link} to="/">
              {t("error.home")}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Alert>
  );
  return fullPage ? (
    <Center mih="100dvh" p="md">
      {panel}
    </Center>
  ) : (
    panel
  );
}

/** The errorElement of the routes: a failed loader, a lazy chunk that did not load, a thrown render. */
export function RouteError() {
  const error = useRouteError();
  return <ErrorPanel error={error} onRetry={() => window.location.reload()} fullPage />;
}

/** The page for a path no module claims. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Center mih="60dvh" p="md">
      <Stack align="center" gap="sm">
        <Title order={1} size="h2">
          {t("error.notFoundTitle")}
        </Title>
        <Text c="dimmed">{t("error.notFound")}</Text>
        <Button component={Link} to="/" variant="default">
          {t("error.home")}
        </Button>
      </Stack>
    </Center>
  );
}
