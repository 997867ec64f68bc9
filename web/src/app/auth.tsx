// The signed-in account (the backend's account-info route), the guard for signed-in pages, sign-out.
import { Center, Loader } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";

import { ApiError, api, apiData, signInPath } from "./api";
import { ErrorPanel } from "./errors";

/** The passport user, as the backend's PassportUser (src/api/web/passport.py). */
export interface Account {
  user_id_str: string;
  name: string;
  user_unique_name: string;
  email: string;
  description: string;
  avatar_url: string;
  screen_name: string;
  locale: string;
  user_create_time: number;
}

export const ACCOUNT_KEY = ["passport", "account"] as const;

/** The account, or null when nobody is signed in (401 is an answer here, not an error). */
export async function fetchAccount(): Promise<Account | null> {
  try {
    return await apiData<Account>("/api/passport/account/info/v2/", {}, { redirectOnAuth: false });
  } catch (err) {
    if (err instanceof ApiError && err.unauthenticated) return null;
    throw err;
  }
}

export function useAccount() {
  return useQuery({ queryKey: ACCOUNT_KEY, queryFn: fetchAccount, staleTime: 60_000, retry: false });
}

/** The signed-in account inside RequireAuth (which renders its children only once it is known). */
export function useCurrentAccount(): Account {
  const { data } = useAccount();
  if (!data) throw new Error("useCurrentAccount outside RequireAuth");
  return data;
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const location = useLocation();
  const account = useAccount();
  if (account.isPending) {
    return (
      <Center h="100dvh" role="status" aria-live="polite">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (account.isError) return <ErrorPanel error={account.error} onRetry={() => void account.refetch()} fullPage />;
  if (account.data === null) {
    return <Navigate to={signInPath(`${location.pathname}${location.search}${location.hash}`)} replace />;
  }
  return <>{children}</>;
}

/** Signs out on the server, forgets every cached answer, and goes to the sign-in page. */
export function useSignOut(): () => Promise<void> {
  const client = useQueryClient();
  const navigate = useNavigate();
  return async () => {
    try {
      await api("/api/passport/web/logout/", undefined, { method: "GET", redirectOnAuth: false });
    } catch (err) {
      // Already signed out (401) is fine; anything else the caller shows.
      if (!(err instanceof ApiError && err.unauthenticated)) throw err;
    }
    client.setQueryData(ACCOUNT_KEY, null);
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== ACCOUNT_KEY[0] });
    await navigate("/sign-in", { replace: true });
  };
}

/** Where to go after signing in: the `next` parameter when it is a path of this app, else home. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next.startsWith("/sign-in") || next.startsWith("/sign-up")) return "/";
  return next;
}
