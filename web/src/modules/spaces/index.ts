import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

export const module: StudioModule = {
  id: "spaces",
  surface: "studio",
  routes: [
    { path: "/spaces", lazy: () => import("./SpacesPage").then((m) => ({ Component: m.SpacesPage })) },
    {
      path: "/spaces/:spaceId/members",
      lazy: () => import("./MembersPage").then((m) => ({ Component: m.MembersPage })),
    },
    { path: "/invitations", lazy: () => import("./InvitationsPage").then((m) => ({ Component: m.InvitationsPage })) },
  ],
  nav: [
    { path: "/spaces", labelKey: "spaces.nav", activeFor: /^\/spaces(\/[^/]+\/members)?\/?$/ },
    { path: "/invitations", labelKey: "spaces.mine.nav" },
  ],
  messages,
};
