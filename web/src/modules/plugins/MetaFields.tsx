// The plugin's form fields: name, description, server URL and auth (none, a service token in a
// header or query parameter, OAuth client credentials, OAuth authorization code). Secrets start
// empty; on an edit, a placeholder says one is stored and an empty field keeps it.
import { Group, PasswordInput, Radio, Select, Stack, TextInput, Textarea } from "@mantine/core";
import { useTranslation } from "react-i18next";

import { NAME_LIMIT } from "./api";
import { AUTH_CHOICES, MCP_AUTH_CHOICES, type AuthChoice, type MetaForm, type PluginKindChoice } from "./auth";

interface Props {
  form: MetaForm;
  onChange: (patch: Partial<MetaForm>) => void;
  /** Shows "name required" once the form was submitted. */
  touched: boolean;
  /** On an edit: which secrets are stored (their fields may stay empty). */
  stored?: { serviceToken: boolean; clientSecret: boolean };
  /** On register only: an HTTP API or an MCP server (a plugin's kind does not change). */
  chooseKind?: boolean;
}

export function MetaFields({ form: f, onChange, touched, stored, chooseKind }: Props) {
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
  const mcp = f.kind === "mcp";
  const choices = mcp ? MCP_AUTH_CHOICES : AUTH_CHOICES;
  const pickKind = (v: string) => {
    const kind = v as PluginKindChoice;
    // An MCP server's token goes in a header; OAuth is for HTTP APIs.
    onChange(kind === "mcp" ? { kind, location: "1", auth: MCP_AUTH_CHOICES.includes(f.auth) ? f.auth : "none" } : { kind });
  };
  return (
    <Stack gap="sm">
      {chooseKind ? (
        <Radio.Group label={t("plugins.meta.kind")} value={f.kind} onChange={pickKind}>
          <Group gap="md" mt={6}>
            <Radio value="http" label={t("plugins.meta.kindHttp")} />
            <Radio value="mcp" label={t("plugins.meta.kindMcp")} />
          </Group>
        </Radio.Group>
      ) : null}
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
      {text("url", mcp ? t("plugins.meta.mcpUrl") : t("plugins.meta.url"), {
        required: true,
        description: mcp ? t("plugins.meta.mcpUrlHint") : t("plugins.meta.urlHint"),
      })}
      {mcp ? (
        <Select
          label={t("plugins.meta.transport")}
          allowDeselect={false}
          value={f.transport}
          onChange={(v) => v && onChange({ transport: v as MetaForm["transport"] })}
          data={[
            { value: "streamable_http", label: t("plugins.meta.streamableHttp") },
            { value: "sse", label: t("plugins.meta.sse") },
          ]}
          comboboxProps={{ withinPortal: true }}
        />
      ) : null}
      <Radio.Group label={t("plugins.meta.auth")} value={f.auth} onChange={(v) => onChange({ auth: v as AuthChoice })}>
        <Group gap="md" mt={6}>
          {choices.map((c) => (
            <Radio key={c} value={c} label={t(`plugins.auth.${c}`)} />
          ))}
        </Group>
      </Radio.Group>
      {f.auth === "service" ? (
        <>
          {mcp ? null : <Select
            label={t("plugins.meta.location")}
            allowDeselect={false}
            value={f.location}
            onChange={(v) => v && onChange({ location: v as MetaForm["location"] })}
            data={[
              { value: "1", label: t("plugins.meta.header") },
              { value: "2", label: t("plugins.meta.query") },
            ]}
            comboboxProps={{ withinPortal: true }}
          />}
          {text("key", mcp ? t("plugins.meta.headerName") : t("plugins.meta.key"), { required: true })}
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
