// The spaces the account belongs to (the SPA's space list) and the one the studio works in.
import { useQuery } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useNavigate } from "react-router";

import { apiData } from "./api";

/** BotSpace of /api/playground_api/space/list. */
export interface Space {
  id: string;
  name: string;
  description: string;
  icon_url: string;
  owner_user_id: string;
  space_role_type: number;
  space_type: number;
}

interface SpaceList {
  bot_space_list: Space[];
  recently_used_space_list: Space[];
  has_personal_space: boolean;
  team_space_num: number;
  max_team_space_num: number;
  total: number;
  has_more: boolean;
}

export const SPACES_KEY = ["playground", "spaces"] as const;
const SPACE_KEY = "cozeplus.space";

export function useSpaces() {
  return useQuery({
    queryKey: SPACES_KEY,
    queryFn: () => apiData<SpaceList>("/api/playground_api/space/list", { page: 1, size: 100 }),
    staleTime: 30_000,
  });
}

interface SpaceState {
  spaces: Space[];
  /** The space the studio pages work in: the remembered one if still a member, else the first. */
  space: Space | null;
  setSpaceId: (id: string) => void;
  isPending: boolean;
  error: unknown;
  refetch: () => void;
}

const SpaceContext = createContext<SpaceState | null>(null);

function remembered(): string | null {
  try {
    return window.localStorage.getItem(SPACE_KEY);
  } catch {
    return null;
  }
}

export function SpaceProvider({ children }: { children: ReactNode }) {
  const query = useSpaces();
  const [chosen, setChosen] = useState<string | null>(remembered);
  const value = useMemo<SpaceState>(() => {
    const spaces = query.data?.bot_space_list ?? [];
    const space = spaces.find((s) => s.id === chosen) ?? spaces[0] ?? null;
    return {
      spaces,
      space,
      setSpaceId: (id: string) => {
        setChosen(id);
        try {
          window.localStorage.setItem(SPACE_KEY, id);
        } catch {
          // storage disabled: remembered for this page only
        }
      },
      isPending: query.isPending,
      error: query.error,
      refetch: () => void query.refetch(),
    };
  }, [query.data, query.isPending, query.error, query.refetch, chosen]);
  return <SpaceContext.Provider value={value}>{children}</SpaceContext.Provider>;
}

/** The current space and the list, inside the studio shell. */
export function useSpace(): SpaceState {
  const state = useContext(SpaceContext);
  if (!state) throw new Error("useSpace outside SpaceProvider (the studio shell)");
  return state;
}

/**
 * The URL names the space, and so does the shell's switcher: the switcher follows the URL, and
 * choosing another space in the switcher goes to `to(thatSpace)`.
 */
export function useFollowSpace(spaceId: string, to: (spaceId: string) => string): void {
  const { spaces, space, setSpaceId } = useSpace();
  const navigate = useNavigate();
  const target = useRef(to);
  target.current = to;
  const member = spaces.some((s) => s.id === spaceId);
  const current = space?.id ?? null;
  const last = useRef<string | null>(null);
  useEffect(() => {
    if (member && current !== spaceId) setSpaceId(spaceId);
    // only when the URL's space changes (or the list arrives), not when the switcher does
  }, [spaceId, member]);
  useEffect(() => {
    const before = last.current;
    last.current = current;
    if (before !== null && current !== null && current !== before && current !== spaceId) {
      void navigate(target.current(current));
    }
  }, [current, spaceId, navigate]);
}
