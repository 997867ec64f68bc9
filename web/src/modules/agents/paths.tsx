// Where the agent pages live, and the studio's start page.
import { Navigate } from "react-router";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { useSpace, useSpaces } from "../../app/space";

export function agentsPath(spaceId: string): string {
  return `/spaces/${spaceId}/agents`;
}

export function agentPath(spaceId: string, agentId: string): string {
  return `/spaces/${spaceId}/agents/${agentId}`;
}

/** `/`: the agents of the user's personal space (the first space when there is none). */
export function StudioStart() {
  const query = useSpaces();
  if (query.isPending) return <PageLoader />;
  if (query.isError) return <ErrorPanel error={query.error} onRetry={() => void query.refetch()} />;
  const spaces = query.data.bot_space_list;
  const personal = spaces.find((s) => s.space_type === 1) ?? spaces[0];
  if (!personal) return <Navigate to="/spaces" replace />;
  return <Navigate to={agentsPath(personal.id)} replace />;
}

/** `/agents` (the navigation's entry): the agents of the space the switcher shows. */
export function CurrentSpaceAgents() {
  const { space, isPending, error, refetch } = useSpace();
  if (isPending) return <PageLoader />;
  if (error) return <ErrorPanel error={error} onRetry={refetch} />;
  if (!space) return <Navigate to="/spaces" replace />;
  return <Navigate to={agentsPath(space.id)} replace />;
}
