// One data router for the studio (/) and the admin console (/admin/*): the modules' routes inside
// the surface's shell behind the sign-in guard, their public routes (sign-in, sign-up) outside it.
import type { QueryClient } from "@tanstack/react-query";
import { createBrowserRouter, createMemoryRouter, type RouteObject } from "react-router";

import { setAuthRedirect, signInPath } from "./api";
import { ACCOUNT_KEY, RequireAuth } from "./auth";
import { NotFoundPage, RouteError } from "./errors";
import { AdminHome, StudioHome } from "./home";
import { modulesOf, type StudioModule } from "./modules";
import { Shell } from "./shell";

function claimsIndex(routes: RouteObject[], path: string): boolean {
  return routes.some((r) => r.index === true || r.path === path);
}

export function routesOf(modules: readonly StudioModule[]): RouteObject[] {
  const studio = modulesOf(modules, "studio").flatMap((m) => m.routes);
  const admin = modulesOf(modules, "admin").flatMap((m) => m.routes);
  const open = modules.flatMap((m) => m.publicRoutes ?? []);
  return [
    {
      errorElement: <RouteError />,
      children: [
        ...open,
        {
          path: "/admin",
          element: (
            <RequireAuth>
              <Shell surface="admin" modules={modules} />
            </RequireAuth>
          ),
          children: [
            {
              errorElement: <RouteError />,
              children: [
                ...(claimsIndex(admin, "/admin") ? [] : [{ index: true, element: <AdminHome /> }]),
                ...admin,
                { path: "*", element: <NotFoundPage /> },
              ],
            },
          ],
        },
        {
          path: "/",
          element: (
            <RequireAuth>
              <Shell surface="studio" modules={modules} />
            </RequireAuth>
          ),
          children: [
            {
              errorElement: <RouteError />,
              children: [
                ...(claimsIndex(studio, "/") ? [] : [{ index: true, element: <StudioHome /> }]),
                ...studio,
                { path: "*", element: <NotFoundPage /> },
              ],
            },
          ],
        },
      ],
    },
  ];
}

type AppRouter = ReturnType<typeof createBrowserRouter>;

/** The router, with the api client's 401 handling pointed at it: forget the account, go to sign-in. */
export function createAppRouter(
  modules: readonly StudioModule[],
  queryClient: QueryClient,
  initialEntries?: string[],
): AppRouter {
  const routes = routesOf(modules);
  const router = initialEntries ? createMemoryRouter(routes, { initialEntries }) : createBrowserRouter(routes);
  setAuthRedirect((next) => {
    queryClient.setQueryData(ACCOUNT_KEY, null);
    const { pathname } = router.state.location;
    if (pathname === "/sign-in" || pathname === "/sign-up") return;
    void router.navigate(signInPath(next), { replace: true });
  });
  return router;
}
