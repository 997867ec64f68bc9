// Where the agent pages live; the studio's start page; and keeping the shell's space switcher and
// the URL's space in step.
import { useEffect, useRef } from "react";
import { Navigate, useNavigate } from "react-router";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { useSpace, useSpaces } from "../../app/space";

export function agentsPath(spaceId: string): string {
  return `/spaces/${spaceId}/agents`;
}

export function agentPath(spaceId: string, agentId: string): string {
  return `/spaces/${spaceId}/agents/${agentId}`;
}

/**
 * The URL names the space, and so does the shell's switcher: the switcher follows the URL, and
 * choosing another space in the switcher goes to `to(thatSpace)`.
 */
export function useFollowSpace(spaceId: string, to: (spaceId: string) => string): void {
  const { spaces, space, setSpaceId } = useSpace();
  const navigate = useNavigate();
  const target = useRef(to);
  target.current = to;
  const member = spaces.some((s) => s.id === spaceId);
  const current = space?.id ?? null;
  const last = useRef<string | null>(null);
  useEffect(() => {
    if (member && current !== spaceId) setSpaceId(spaceId);
    // only when the URL's space changes (or the list arrives), not when the switcher does
  }, [spaceId, member]);
  useEffect(() => {
    const before = last.current;
    last.current = current;
    if (before !== null && current !== null && current !== before && current !== spaceId) {
      void navigate(target.current(current));
    }
  }, [current, spaceId, navigate]);
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
