// A text area for code (an OpenAPI document, a manifest, JSON inputs): monospace, growing with its text.
import { Textarea, type TextareaProps } from "@mantine/core";

export function CodeArea(props: Omit<TextareaProps, "autosize" | "styles">) {
  return <Textarea autosize minRows={3} maxRows={20} styles={{ input: { fontFamily: "monospace" } }} {...props} />;
}
