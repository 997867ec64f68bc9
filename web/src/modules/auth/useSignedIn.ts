import { useQueryClient } from "@tanstack/react-query";
import { useNavigate, useSearchParams } from "react-router";

import { ACCOUNT_KEY, safeNext, type Account } from "../../app/auth";

/** After sign-in or sign-up: remember the account, drop what another account may have cached, go on. */
export function useSignedIn(): { next: string; done: (account: Account) => Promise<void> } {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  return {
    next,
    done: async (account) => {
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== ACCOUNT_KEY[0] });
      client.setQueryData(ACCOUNT_KEY, account);
      await navigate(next, { replace: true });
    },
  };
}
