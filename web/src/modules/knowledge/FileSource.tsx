// Files to add: each is uploaded as soon as it is chosen (the routes refer to an upload by id);
// images get a caption each.
import { ActionIcon, Badge, Button, FileButton, Group, Loader, Stack, Text, TextInput } from "@mantine/core";
import { useRef } from "react";
import { useTranslation } from "react-i18next";

import { useErrorMessage } from "../../app/errors";
import { LIMITS, formatBytes, uploadFile } from "./api";
import type { FormatType, Upload } from "./types";

// What each format takes (src/application/knowledge/inputs.py FILE_TYPES).
export const FILE_TYPES: Record<FormatType, string[]> = {
  0: ["pdf", "docx", "md", "txt", "html", "htm"],
  1: ["csv", "xlsx", "json"],
  2: ["jpg", "jpeg", "png"],
};

export interface FileItem {
  key: string;
  file: File;
  state: "uploading" | "uploaded" | "failed" | "refused";
  upload?: Upload;
  error?: unknown;
  caption: string;
}

export const extensionOf = (name: string) => (name.includes(".") ? name.split(".").pop()!.toLowerCase() : "");

let counter = 0;

/** Starts uploading `files`, reporting each item's changes through `update`. */
export function addFiles(
  files: File[],
  format: FormatType,
  language: string,
  add: (items: FileItem[]) => void,
  update: (key: string, patch: Partial<FileItem>) => void,
): void {
  const items = files.map((file): FileItem => {
    counter += 1;
    const allowed = FILE_TYPES[format].includes(extensionOf(file.name));
    return { key: `f${counter}`, file, state: allowed ? "uploading" : "refused", caption: "" };
  });
  add(items);
  for (const item of items) {
    if (item.state !== "uploading") continue;
    uploadFile(item.file, language).then(
      (upload) => update(item.key, { state: "uploaded", upload }),
      (error: unknown) => update(item.key, { state: "failed", error }),
    );
  }
}

export function FileSource({
  format,
  items,
  onFiles,
  onRemove,
  onCaption,
}: {
  format: FormatType;
  items: FileItem[];
  onFiles: (files: File[]) => void;
  onRemove: (key: string) => void;
  onCaption: (key: string, caption: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const message = useErrorMessage();
  const types = FILE_TYPES[format];
  const full = items.length >= LIMITS.documentsPerCall;
  const reset = useRef<() => void>(null);
  return (
    <Stack gap="xs">
      <Group gap="sm">
        <FileButton
          multiple
          accept={types.map((x) => `.${x}`).join(",")}
          resetRef={reset}
          onChange={(files) => {
            onFiles(files.slice(0, LIMITS.documentsPerCall - items.length));
            reset.current?.(); // the same file can be chosen again after its removal
          }}
          inputProps={{ "aria-label": t("knowledge.add.files") }}
        >
          {(props) => (
            <Button {...props} variant="default" disabled={full}>
              {t("knowledge.add.chooseFiles")}
            </Button>
          )}
        </FileButton>
        <Text size="xs" c="dimmed">
          {t("knowledge.add.filesHint", { types: types.join(", "), max: LIMITS.documentsPerCall })}
        </Text>
      </Group>
      {items.length > 0 ? (
        <Stack gap={6} component="ul" aria-label={t("knowledge.add.chosen")} style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {items.map((item) => (
            <li key={item.key} data-testid="file-item" data-state={item.state}>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Stack gap={2} style={{ flex: 1, minWidth: 0 }}>
                  <Group gap="xs" wrap="wrap">
                    <Text size="sm" fw={500} style={{ overflowWrap: "anywhere" }}>
                      {item.file.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {formatBytes(item.file.size, i18n.language)}
                    </Text>
                    {item.state === "uploading" ? (
                      <Group gap={4}>
                        <Loader size={12} aria-hidden />
                        <Text size="xs">{t("knowledge.add.uploading")}</Text>
                      </Group>
                    ) : item.state === "uploaded" ? (
                      <Badge size="xs" color="green" variant="light">
                        {t("knowledge.add.uploaded")}
                      </Badge>
                    ) : (
                      <Badge size="xs" color="red" variant="light">
                        {t("knowledge.add.notUploaded")}
                      </Badge>
                    )}
                  </Group>
                  {item.state === "failed" || item.state === "refused" ? (
                    <Text size="xs" c="red" role="alert">
                      {item.state === "refused"
                        ? t("knowledge.add.wrongType", { types: types.join(", ") })
                        : message(item.error)}
                    </Text>
                  ) : null}
                  {format === 2 && item.state === "uploaded" ? (
                    <TextInput
                      size="xs"
                      label={t("knowledge.photos.caption", { name: item.file.name })}
                      value={item.caption}
                      maxLength={LIMITS.caption}
                      onChange={(e) => onCaption(item.key, e.currentTarget.value)}
                    />
                  ) : null}
                </Stack>
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  aria-label={t("knowledge.add.removeFile", { name: item.file.name })}
                  onClick={() => onRemove(item.key)}
                >
                  ×
                </ActionIcon>
              </Group>
            </li>
          ))}
        </Stack>
      ) : null}
    </Stack>
  );
}
