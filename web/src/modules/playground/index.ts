import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

export const module: StudioModule = {
  id: "playground",
  surface: "studio",
  routes: [
    {
      path: "/spaces/:spaceId/agents/:agentId/chat",
      lazy: () => import("./ChatPage").then((m) => ({ Component: m.ChatPage })),
    },
  ],
  messages,
};
