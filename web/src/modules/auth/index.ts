import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

export const module: StudioModule = {
  id: "auth",
  surface: "studio",
  publicRoutes: [
    { path: "/sign-in", lazy: () => import("./SignIn").then((m) => ({ Component: m.SignInPage })) },
    { path: "/sign-up", lazy: () => import("./SignUp").then((m) => ({ Component: m.SignUpPage })) },
  ],
  routes: [{ path: "/account", lazy: () => import("./Account").then((m) => ({ Component: m.AccountPage })) }],
  nav: [{ path: "/account", labelKey: "auth.account.title" }],
  messages,
};
