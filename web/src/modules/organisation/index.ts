import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

export const module: StudioModule = {
  id: "organisation",
  surface: "studio",
  routes: [
    {
      path: "/organisation",
      lazy: () => import("./OrganisationPage").then((m) => ({ Component: m.OrganisationPage })),
    },
  ],
  nav: [{ path: "/organisation", labelKey: "organisation.nav" }],
  messages,
};
