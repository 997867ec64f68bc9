// The admin console (/admin/*): one gate route (admins only; others see "no access") around the
// console's pages, each loaded on first visit.
import type { StudioModule } from "../../app/modules";
import { messages } from "./messages";

const page = (load: () => Promise<Record<string, unknown>>, name: string) => async () => {
  const m = await load();
  return { Component: m[name] as React.ComponentType };
};

export const module: StudioModule = {
  id: "admin",
  surface: "admin",
  routes: [
    // The console's start page claims /admin (so the shell adds no unguarded one); the pages sit in
    // a path-less gate route.
    { index: true, lazy: page(() => import("./Gate"), "GatedIndex") },
    {
      lazy: page(() => import("./Gate"), "AdminGate"),
      children: [
        { path: "/admin/users", lazy: page(() => import("./UsersPage"), "UsersPage") },
        { path: "/admin/models", lazy: page(() => import("./ModelsPage"), "ModelsPage") },
        { path: "/admin/roles", lazy: page(() => import("./RolesPage"), "RolesPage") },
        { path: "/admin/organisations", lazy: page(() => import("./OrganisationsPage"), "OrganisationsPage") },
        { path: "/admin/audit", lazy: page(() => import("./AuditPage"), "AuditPage") },
        { path: "/admin/settings", lazy: page(() => import("./SettingsPage"), "SettingsPage") },
        { path: "/admin/dead-letters", lazy: page(() => import("./DeadLettersPage"), "DeadLettersPage") },
      ],
    },
  ],
  nav: [
    { path: "/admin/users", labelKey: "admin.nav.users" },
    { path: "/admin/models", labelKey: "admin.nav.models" },
    { path: "/admin/roles", labelKey: "admin.nav.roles" },
    { path: "/admin/organisations", labelKey: "admin.nav.organisations" },
    { path: "/admin/audit", labelKey: "admin.nav.audit" },
    { path: "/admin/settings", labelKey: "admin.nav.settings" },
    { path: "/admin/dead-letters", labelKey: "admin.nav.deadLetters" },
  ],
  messages,
};
