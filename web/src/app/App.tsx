import { MantineProvider, createTheme } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { i18n as I18n } from "i18next";
import { useState } from "react";
import { I18nextProvider } from "react-i18next";
import { RouterProvider } from "react-router";

import { ApiError } from "./api";
import { createI18n } from "./i18n";
import type { StudioModule } from "./modules";
import { createAppRouter } from "./router";

export const theme = createTheme({
  primaryColor: "indigo",
  defaultRadius: "md",
  focusRing: "auto",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'PingFang SC', 'Microsoft YaHei', sans-serif",
});

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Retry only what can pass on a second try: not a 4xx answer from the server.
        retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
        refetchOnWindowFocus: false,
      },
    },
  });
}

interface AppProps {
  modules: readonly StudioModule[];
  /** Tests: start at these entries in a memory router, with this i18n and query client. */
  initialEntries?: string[];
  i18n?: I18n;
  queryClient?: QueryClient;
}

export function App({ modules, initialEntries, i18n, queryClient }: AppProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  const [lang] = useState(() => i18n ?? createI18n());
  const [router] = useState(() => createAppRouter(modules, client, initialEntries));
  return (
    <I18nextProvider i18n={lang}>
      {/* env "test": no transitions or portals under vitest (Mantine's advice for jsdom). */}
      <MantineProvider theme={theme} defaultColorScheme="light" env={import.meta.env.MODE === "test" ? "test" : "default"}>
        <Notifications position="top-right" />
        <QueryClientProvider client={client}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  );
}
