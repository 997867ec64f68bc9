// The plugin's form fields: name, description, server URL and auth (none, a service token in a
// header or query parameter, OAuth client credentials, OAuth authorization code). Secrets start
// empty; on an edit, a placeholder says one is stored and an empty field keeps it.
import { Group, PasswordInput, Radio, Select, Stack, TextInput, Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { NAME_LIMIT } from "./api";
import { AUTH_CHOICES, type AuthChoice, type MetaForm } from "./auth";

interface Props {
  form: MetaForm;
  onChange: (patch: Partial<MetaForm>) => void;
  /** Shows "name required" once the form was submitted. */
  touched: boolean;
  /** On an edit: which secrets are stored (their fields may stay empty). */
  stored?: { serviceToken: boolean; clientSecret: boolean };
}

export function MetaFields({ form: f, onChange, touched, stored }: Props) {
  const { t } = useTranslation();
  const keep = t("plugins.meta.secretKept");
  const text = (field: keyof MetaForm, label: string, extra: { required?: boolean; description?: string } = {}) => (
    <TextInput
      label={label}
      value={f[field]}
      required={extra.required}
      description={extra.description}
      onChange={(e) => onChange({ [field]: e.currentTarget.value })}
    />
  );
  return (
    <Stack gap="sm">
      <TextInput
        label={t("plugins.meta.name")}
        required
        maxLength={NAME_LIMIT}
        value={f.name}
        error={touched && !f.name.trim() ? t("plugins.meta.nameRequired") : null}
        onChange={(e) => onChange({ name: e.currentTarget.value })}
      />
      <Textarea
        label={t("plugins.meta.desc")}
        value={f.desc}
        autosize
        minRows={2}
        maxRows={6}
        onChange={(e) => onChange({ desc: e.currentTarget.value })}
      />
      {text("url", t("plugins.meta.url"), { required: true, description: t("plugins.meta.urlHint") })}
      <Radio.Group label={t("plugins.meta.auth")} value={f.auth} onChange={(v) => onChange({ auth: v as AuthChoice })}>
        <Group gap="md" mt={6}>
          {AUTH_CHOICES.map((c) => (
            <Radio key={c} value={c} label={t(`plugins.auth.${c}`)} />
          ))}
        </Group>
      </Radio.Group>
      {f.auth === "service" ? (
        <>
          <Select
            label={t("plugins.meta.location")}
            allowDeselect={false}
            value={f.location}
            onChange={(v) => v && onChange({ location: v as MetaForm["location"] })}
            data={[
              { value: "1", label: t("plugins.meta.header") },
              { value: "2", label: t("plugins.meta.query") },
            ]}
            comboboxProps={{ withinPortal: true }}
          />
          {text("key", t("plugins.meta.key"), { required: true })}
          <PasswordInput
            label={t("plugins.meta.serviceToken")}
            value={f.serviceToken}
            placeholder={stored?.serviceToken ? keep : undefined}
            autoComplete="off"
            onChange={(e) => onChange({ serviceToken: e.currentTarget.value })}
          />
        </>
      ) : null}
      {f.auth === "oauthClient" || f.auth === "oauthCode" ? (
        <>
          {text("clientId", t("plugins.meta.clientId"), { required: true })}
          <PasswordInput
            label={t("plugins.meta.clientSecret")}
            value={f.clientSecret}
            placeholder={stored?.clientSecret ? keep : undefined}
            autoComplete="off"
            onChange={(e) => onChange({ clientSecret: e.currentTarget.value })}
          />
          {f.auth === "oauthCode" ? text("consentUrl", t("plugins.meta.consentUrl"), { required: true }) : null}
          {text("tokenUrl", t("plugins.meta.tokenUrl"), { required: true })}
          {text("scope", t("plugins.meta.scope"))}
        </>
      ) : null}
    </Stack>
  );
}
