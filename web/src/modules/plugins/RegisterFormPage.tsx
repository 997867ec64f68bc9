// Register a plugin from the form (name, description, server URL, auth); its tools are added one
// by one on the plugin's page after.
import { Stack } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";

import { keys, registerMeta } from "./api";
import { emptyMeta, metaBody, type MetaForm } from "./auth";
import { MetaFields } from "./MetaFields";
import { pluginPath, registerPath, useFollowSpace } from "./paths";
import { RegisterButton, RegisterHeading } from "./RegisterParts";

export function RegisterFormPage() {
  const { spaceId = "" } = useParams();
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState<MetaForm>(emptyMeta);
  const [touched, setTouched] = useState(false);
  useFollowSpace(spaceId);

  const register = useMutation({
    mutationFn: () => registerMeta(spaceId, metaBody(form)),
    onSuccess: (pluginId) => {
      void client.invalidateQueries({ queryKey: keys.all(spaceId) });
      void navigate(pluginPath(spaceId, pluginId));
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (form.name.trim()) register.mutate();
  }
  return (
    <Stack gap="md" maw={720}>
      <RegisterHeading
        title={t("plugins.form.title")}
        intro={t("plugins.form.intro")}
        other={t("plugins.form.fromCode")}
        to={registerPath(spaceId)}
      />
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <MetaFields form={form} onChange={(p) => setForm((f) => ({ ...f, ...p }))} touched={touched} chooseKind />
          <RegisterButton error={register.error} loading={register.isPending} />
        </Stack>
      </form>
    </Stack>
  );
}
