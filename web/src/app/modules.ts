// The contract between the shell and the pages: one StudioModule per context, listed in modules/index.ts.
import type { ReactNode } from "react";
import type { RouteObject } from "react-router";

export type Surface = "studio" | "admin";

export interface NavItem {
  /** Absolute path; for the admin surface it starts with /admin. */
  path: string;
  /** An i18n key from the module's messages. */
  labelKey: string;
  icon?: ReactNode;
  /** Where the item counts as the current page, when that is not simply below `path`. */
  activeFor?: RegExp;
}

export interface StudioModule {
  id: string;
  surface: Surface;
  /**
   * Routes inside the surface's shell (studio: under "/", admin: under "/admin"), signed-in only.
   * Give pages as `lazy` routes (or React.lazy) so the first page ships little JavaScript.
   * Paths are absolute ("/agents/:id", "/admin/users").
   */
  routes: RouteObject[];
  /** Routes outside the shell and without the sign-in guard (the sign-in page itself). */
  publicRoutes?: RouteObject[];
  nav?: NavItem[];
  /** Keys are prefixed by convention with the module id ("agents.list.title"). */
  messages: { "en-US": Record<string, string>; "zh-CN": Record<string, string> };
}

export function modulesOf(modules: readonly StudioModule[], surface: Surface): StudioModule[] {
  return modules.filter((m) => m.surface === surface);
}
