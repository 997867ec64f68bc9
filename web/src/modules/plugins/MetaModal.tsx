// Edit the plugin's name, description, server URL and auth (update_plugin_meta). Stored secrets
// are never shown: their fields start empty, and left empty they keep what is stored.
import { Modal, Stack } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";

import { FormButtons } from "../../app/forms";
import { keys, updateMeta } from "./api";
import { metaBody, metaFormOf, type MetaForm } from "./auth";
import { MetaFields } from "./MetaFields";
import type { PluginMeta } from "./types";

interface Props {
  spaceId: string;
  pluginId: string;
  meta: PluginMeta;
  onClose: () => void;
}

export function MetaModal({ spaceId, pluginId, meta, onClose }: Props) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form, setForm] = useState<MetaForm>(() => metaFormOf(meta));
  const [touched, setTouched] = useState(false);
  const save = useMutation({
    mutationFn: () => updateMeta(pluginId, metaBody(form)),
    onSuccess: () => {
      notifications.show({ color: "green", message: t("plugins.meta.saved") });
      void client.invalidateQueries({ queryKey: keys.plugin(pluginId) });
      void client.invalidateQueries({ queryKey: keys.all(spaceId) });
      onClose();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (form.name.trim()) save.mutate();
  }
  const stored = { serviceToken: Boolean(meta.service_token_set), clientSecret: Boolean(meta.client_secret_set) };
  return (
    <Modal opened onClose={onClose} title={t("plugins.meta.editTitle")} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <MetaFields form={form} onChange={(p) => setForm((f) => ({ ...f, ...p }))} touched={touched} stored={stored} />
          <FormButtons error={save.error} loading={save.isPending} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}
