// What a space's paged list pages (agents, knowledge bases, plugins) share: the search box, the
// numbered pages' query, the list's states: loading, failed, empty or no match, then the rows (a
// named link with badges, a description, a delete button) with their count, "more" and a failure
// of a later page under the rows already shown.
import { Button, Card, Group, Loader, Stack, Text, TextInput, Title, type TextInputProps } from "@mantine/core";
import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { ErrorPanel } from "./errors";
import { PageLoader } from "./loading";

/** The parts of an infinite query the list reads (react-query's useInfiniteQuery result). */
export interface PagedQuery {
  data: unknown;
  error: unknown;
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  isFetchingNextPage: boolean;
  hasNextPage: boolean;
  refetch: () => Promise<unknown>;
  fetchNextPage: () => Promise<unknown>;
}

/** A search box with a small spinner while a search (not the first load) is on its way. */
export function SearchBox({ query, ...props }: TextInputProps & { query: PagedQuery }) {
  return (
    <TextInput
      type="search"
      rightSection={query.isFetching && !query.isPending ? <Loader size="xs" aria-hidden /> : null}
      {...props}
    />
  );
}

interface PagedListProps {
  query: PagedQuery;
  /** How many rows are shown; none shows `empty`. */
  shown: number;
  /** The list's accessible name. */
  label: string;
  /** "N of M" over the rows. */
  count: string;
  moreLabel: string;
  empty: ReactNode;
  /** The rows, each an `li`. */
  children: ReactNode;
}

export function PagedList({ query, shown, label, count, moreLabel, empty, children }: PagedListProps) {
  if (query.isPending) return <PageLoader />;
  if (query.isError && !query.data) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  if (shown === 0) return empty;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed" role="status" aria-live="polite">
        {count}
      </Text>
      <Stack gap="xs" component="ul" aria-label={label} style={{ listStyle: "none", padding: 0, margin: 0 }}>
        {children}
      </Stack>
      {query.hasNextPage ? (
        <Group justify="center">
          <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {moreLabel}
          </Button>
        </Group>
      ) : null}
      {query.isError ? <ErrorPanel error={query.error} onRetry={() => void query.refetch()} /> : null}
    </Stack>
  );
}

/** A search or filter that matched nothing. */
export function NoMatch({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <Text c="dimmed" role="status" data-testid={testId}>
      {children}
    </Text>
  );
}

/** A space with nothing in the list yet: what it is for, and a button to make the first. */
export function EmptyList(props: { testId: string; title: string; body: string; action: string; onAction: () => void }) {
  return (
    <Card withBorder padding="xl" data-testid={props.testId}>
      <Stack align="center" gap="sm">
        <Title order={3} size="h4">
          {props.title}
        </Title>
        <Text c="dimmed" ta="center">
          {props.body}
        </Text>
        <Button onClick={props.onAction}>{props.action}</Button>
      </Stack>
    </Card>
  );
}

/** A list read in numbered pages of `size` (from 1) whose answers say the `total`. */
export function useNumberedPages<P extends { total: number | string }, T>(
  queryKey: QueryKey,
  fetchPage: (page: number) => Promise<P>,
  size: number,
  rowsOf: (page: P) => T[],
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: 1,
    getNextPageParam: (last, pages) => (pages.length * size < Number(last.total) ? pages.length + 1 : undefined),
    placeholderData: (previous) => previous,
  });
  const pages = query.data?.pages ?? [];
  return { query, rows: pages.flatMap(rowsOf), total: Number(pages[pages.length - 1]?.total ?? 0) };
}

interface ListRowProps {
  /** The row's test id and data attributes. */
  attributes: Record<string, string>;
  name: string;
  to: string;
  /** Beside the name. */
  badges?: ReactNode;
  description: string;
  /** Under the description (counts, times). */
  footer?: ReactNode;
  /** The delete button's accessible name ("Delete …") and what it does; none: no button. */
  deleteLabel?: string;
  onDelete?: () => void;
}

export function ListRow({ attributes, name, to, badges, description, footer, deleteLabel, onDelete }: ListRowProps) {
  const { t } = useTranslation();
  return (
    <Card component="li" withBorder padding="sm" {...attributes}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
        <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
          <Group gap="xs" wrap="wrap">
            <Text component={Link} to={to} fw={600} style={{ overflowWrap: "anywhere" }}>
              {name}
            </Text>
            {badges}
          </Group>
          {description ? (
            <Text size="sm" c="dimmed" lineClamp={2} style={{ overflowWrap: "anywhere" }}>
              {description}
            </Text>
          ) : null}
          {footer}
        </Stack>
        {onDelete ? (
          <Button size="compact-sm" variant="subtle" color="red" aria-label={deleteLabel} onClick={onDelete}>
            {t("common.delete")}
          </Button>
        ) : null}
      </Group>
    </Card>
  );
}
