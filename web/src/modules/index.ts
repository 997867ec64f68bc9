// Every context's pages, one line per module (see docs/architecture/adding-a-page.md).
import type { StudioModule } from "../app/modules";
import { module as admin } from "./admin";
import { module as agents } from "./agents";
import { module as auth } from "./auth";
import { module as playground } from "./playground";

export const modules: readonly StudioModule[] = [
  auth,
  agents,
  playground,
  admin,
];
