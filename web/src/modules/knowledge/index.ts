import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

export const module: StudioModule = {
  id: "knowledge",
  surface: "studio",
  routes: [
    // The navigation's entry: the knowledge bases of the space the switcher shows.
    { path: "/knowledge", lazy: () => import("./paths").then((m) => ({ Component: m.CurrentSpaceKnowledge })) },
    {
      path: "/spaces/:spaceId/knowledge",
      lazy: () => import("./ListPage").then((m) => ({ Component: m.KnowledgeListPage })),
    },
    {
      path: "/spaces/:spaceId/knowledge/:datasetId",
      lazy: () => import("./DatasetPage").then((m) => ({ Component: m.DatasetPage })),
    },
    {
      path: "/spaces/:spaceId/knowledge/:datasetId/add",
      lazy: () => import("./AddDocumentsPage").then((m) => ({ Component: m.AddDocumentsPage })),
    },
    {
      path: "/spaces/:spaceId/knowledge/:datasetId/documents/:documentId",
      lazy: () => import("./SlicesPage").then((m) => ({ Component: m.SlicesPage })),
    },
  ],
  nav: [{ path: "/knowledge", labelKey: "knowledge.nav", activeFor: /^\/(spaces\/[^/]+\/)?knowledge(\/|$)/ }],
  messages,
};
