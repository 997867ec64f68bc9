import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

export const module: StudioModule = {
  id: "plugins",
  surface: "studio",
  routes: [
    // The navigation's entry: the plugins of the space the switcher shows.
    { path: "/plugins", lazy: () => import("./paths").then((m) => ({ Component: m.CurrentSpacePlugins })) },
    {
      path: "/spaces/:spaceId/plugins",
      lazy: () => import("./ListPage").then((m) => ({ Component: m.PluginListPage })),
    },
    {
      path: "/spaces/:spaceId/plugins/new",
      lazy: () => import("./RegisterPage").then((m) => ({ Component: m.RegisterPage })),
    },
    {
      path: "/spaces/:spaceId/plugins/new/form",
      lazy: () => import("./RegisterFormPage").then((m) => ({ Component: m.RegisterFormPage })),
    },
    {
      path: "/spaces/:spaceId/plugins/:pluginId",
      lazy: () => import("./PluginPage").then((m) => ({ Component: m.PluginPage })),
    },
  ],
  // Where a plugin's OAuth provider sends a user after their consent (Coze's path): signed in or not.
  publicRoutes: [
    {
      path: "/information/auth/success",
      lazy: () => import("./AuthorizedPage").then((m) => ({ Component: m.AuthorizedPage })),
    },
  ],
  nav: [{ path: "/plugins", labelKey: "plugins.nav", activeFor: /^\/(spaces\/[^/]+\/)?plugins(\/|$)/ }],
  messages,
};
