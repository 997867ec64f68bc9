// Where the plugin pages live; the navigation's entry; keeping the switcher and the URL's space in step.
import { Navigate } from "react-router";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { useFollowSpace as useSpaceFollowing, useSpace } from "../../app/space";

export const pluginListPath = (spaceId: string) => `/spaces/${spaceId}/plugins`;
export const registerPath = (spaceId: string) => `/spaces/${spaceId}/plugins/new`;
export const registerFormPath = (spaceId: string) => `/spaces/${spaceId}/plugins/new/form`;
export const pluginPath = (spaceId: string, pluginId: string) => `/spaces/${spaceId}/plugins/${pluginId}`;

/** The switcher follows the URL's space; choosing another space goes to that space's plugins. */
export function useFollowSpace(spaceId: string): void {
  useSpaceFollowing(spaceId, pluginListPath);
}

/** `/plugins` (the navigation's entry): the plugins of the space the switcher shows. */
export function CurrentSpacePlugins() {
  const { space, isPending, error, refetch } = useSpace();
  if (isPending) return <PageLoader />;
  if (error) return <ErrorPanel error={error} onRetry={refetch} />;
  if (!space) return <Navigate to="/spaces" replace />;
  return <Navigate to={pluginListPath(space.id)} replace />;
}
