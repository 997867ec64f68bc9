import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

export const module: StudioModule = {
  id: "agents",
  surface: "studio",
  routes: [
    // The studio's start page: the agents of the user's personal space.
    { index: true, lazy: () => import("./paths").then((m) => ({ Component: m.StudioStart })) },
    // The navigation's entry: the agents of the space the switcher shows.
    { path: "/agents", lazy: () => import("./paths").then((m) => ({ Component: m.CurrentSpaceAgents })) },
    {
      path: "/spaces/:spaceId/agents",
      lazy: () => import("./AgentListPage").then((m) => ({ Component: m.AgentListPage })),
    },
    {
      path: "/spaces/:spaceId/agents/:agentId",
      lazy: () => import("./AgentEditorPage").then((m) => ({ Component: m.AgentEditorPage })),
    },
    {
      path: "/spaces/:spaceId/agents/:agentId/publish",
      lazy: () => import("./PublishPage").then((m) => ({ Component: m.PublishPage })),
    },
  ],
  nav: [{ path: "/agents", labelKey: "agents.nav", activeFor: /^\/(spaces\/[^/]+\/)?agents(\/|$)/ }],
  messages,
};
