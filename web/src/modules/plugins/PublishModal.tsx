// Publish the draft as a numbered version (the next one proposed) with what changed.
import { Button, Group, Modal, Stack, TextInput, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { FailureAlert } from "../../app/errors";
import { keys, nextVersion, publishPlugin } from "./api";

interface Props {
  spaceId: string;
  pluginId: string;
  opened: boolean;
  onClose: () => void;
}

export function PublishModal({ spaceId, pluginId, opened, onClose }: Props) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const next = useQuery({ queryKey: keys.nextVersion(pluginId), queryFn: () => nextVersion(pluginId, spaceId), enabled: opened });
  const [name, setName] = useState<string | null>(null);
  const [desc, setDesc] = useState("");
  const version = name ?? next.data ?? "";
  const publish = useMutation({
    mutationFn: () => publishPlugin(pluginId, version.trim(), desc),
    onSuccess: (out) => {
      notifications.show({ color: "green", message: t("plugins.publish.done", { version: out.version_name }) });
      void client.invalidateQueries({ queryKey: keys.plugin(pluginId) });
      void client.invalidateQueries({ queryKey: keys.tools(pluginId) });
      void client.invalidateQueries({ queryKey: keys.all(spaceId) });
      void client.invalidateQueries({ queryKey: keys.nextVersion(pluginId) });
      void client.invalidateQueries({ queryKey: keys.versions(pluginId) });
      close();
    },
  });
  function close() {
    setName(null);
    setDesc("");
    publish.reset();
    onClose();
  }
  return (
    <Modal opened={opened} onClose={close} title={t("plugins.publish.title")}>
      <Stack gap="sm">
        <TextInput label={t("plugins.publish.version")} value={version} onChange={(e) => setName(e.currentTarget.value)} />
        <Textarea label={t("plugins.publish.desc")} value={desc} onChange={(e) => setDesc(e.currentTarget.value)} />
        <FailureAlert error={publish.error ?? next.error} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={close}>
            {t("common.cancel")}
          </Button>
          <Button disabled={!version.trim()} loading={publish.isPending} onClick={() => publish.mutate()}>
            {t("plugins.publish.submit")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
