import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./app/app.css";

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./app/App";
import { modules } from "./modules";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <App modules={modules} />
  </StrictMode>,
);
