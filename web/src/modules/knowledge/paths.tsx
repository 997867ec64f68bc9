// Where the knowledge pages live; the navigation's entry; keeping the switcher and the URL's space in step.
import { useEffect, useRef } from "react";
import { Navigate, useNavigate } from "react-router";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { useSpace } from "../../app/space";

export const knowledgeListPath = (spaceId: string) => `/spaces/${spaceId}/knowledge`;
export const datasetPath = (spaceId: string, datasetId: string) => `/spaces/${spaceId}/knowledge/${datasetId}`;
export const addDocumentsPath = (spaceId: string, datasetId: string) => `${datasetPath(spaceId, datasetId)}/add`;
export const documentPath = (spaceId: string, datasetId: string, documentId: string) =>
  `${datasetPath(spaceId, datasetId)}/documents/${documentId}`;

/**
 * The switcher follows the URL's space; choosing another space in the switcher goes to that
 * space's knowledge bases (a knowledge base belongs to one space, so its pages cannot follow).
 */
export function useFollowSpace(spaceId: string): void {
  const { spaces, space, setSpaceId } = useSpace();
  const navigate = useNavigate();
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
      void navigate(knowledgeListPath(current));
    }
  }, [current, spaceId, navigate]);
}

/** `/knowledge` (the navigation's entry): the knowledge bases of the space the switcher shows. */
export function CurrentSpaceKnowledge() {
  const { space, isPending, error, refetch } = useSpace();
  if (isPending) return <PageLoader />;
  if (error) return <ErrorPanel error={error} onRetry={refetch} />;
  if (!space) return <Navigate to="/spaces" replace />;
  return <Navigate to={knowledgeListPath(space.id)} replace />;
}
