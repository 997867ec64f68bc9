import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

export const module: StudioModule = {
  id: "tokens",
  surface: "studio",
  routes: [{ path: "/tokens", lazy: () => import("./TokensPage").then((m) => ({ Component: m.TokensPage })) }],
  nav: [{ path: "/tokens", labelKey: "tokens.nav" }],
  messages,
};
