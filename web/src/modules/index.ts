// Every context's pages, one line per module (see docs/architecture/adding-a-page.md).
import type { StudioModule } from "../app/modules";
import { module as admin } from "./admin";
import { module as agents } from "./agents";
import { module as auth } from "./auth";
import { module as knowledge } from "./knowledge";
import { module as organisation } from "./organisation";
import { module as playground } from "./playground";
import { module as plugins } from "./plugins";
import { module as spaces } from "./spaces";
import { module as tokens } from "./tokens";

export const modules: readonly StudioModule[] = [
  auth,
  agents,
  playground,
  knowledge,
  plugins,
  spaces,
  tokens,
  organisation,
  admin,
];
