// Where the knowledge pages live; the navigation's entry; keeping the switcher and the URL's space in step.
import { Navigate } from "react-router";

import { ErrorPanel } from "../../app/errors";
import { PageLoader } from "../../app/loading";
import { useFollowSpace as useSpaceFollowing, useSpace } from "../../app/space";

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
  useSpaceFollowing(spaceId, knowledgeListPath);
}

/** `/knowledge` (the navigation's entry): the knowledge bases of the space the switcher shows. */
export function CurrentSpaceKnowledge() {
  const { space, isPending, error, refetch } = useSpace();
  if (isPending) return <PageLoader />;
  if (error) return <ErrorPanel error={error} onRetry={refetch} />;
  if (!space) return <Navigate to="/spaces" replace />;
  return <Navigate to={knowledgeListPath(space.id)} replace />;
}
