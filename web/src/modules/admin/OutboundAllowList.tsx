// The admin's outbound allow-list (the setting outbound.allow_list): host names (exact, or *.suffix)
// and networks (CIDRs) that intranet plugins and pages may reach although they are private. One
// entry per line; the server checks each entry and applies the list to every process at once.
import { Button, Group, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";

import { type Setting, settingsApi } from "./api";
import { ActionError, Section } from "./shared";

export const ALLOW_LIST_KEY = "outbound.allow_list";

export function entriesOf(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

export function OutboundAllowList() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const settings = useQuery({ queryKey: ["admin", "settings"], queryFn: settingsApi.list });
  const stored: Setting | undefined = settings.data?.find((s) => s.key === ALLOW_LIST_KEY);
  const [text, setText] = useState("");
  useEffect(() => {
    const value = stored?.value;
    setText(Array.isArray(value) ? value.join("\n") : "");
  }, [stored?.version]); // eslint-disable-line react-hooks/exhaustive-deps
  const save = useMutation({
    mutationFn: () => settingsApi.put(ALLOW_LIST_KEY, entriesOf(text), stored?.version ?? 0),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["admin", "settings"] });
      notifications.show({ message: t("admin.outbound.saved") });
    },
  });
  return (
    <Section title={t("admin.outbound.title")}>
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          {t("admin.outbound.hint")}
        </Text>
        <Textarea
          aria-label={t("admin.outbound.title")}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          placeholder={"wiki.corp.example\n*.corp.example\n10.20.0.0/16"}
          autosize
          minRows={3}
          maxRows={12}
          ff="monospace"
          disabled={settings.isPending}
          data-testid="outbound-allow-list"
        />
        <ActionError error={save.error} />
        <Group justify="flex-end">
          <Button onClick={() => save.mutate()} loading={save.isPending} data-testid="outbound-allow-list-save">
            {t("common.save")}
          </Button>
        </Group>
      </Stack>
    </Section>
  );
}
