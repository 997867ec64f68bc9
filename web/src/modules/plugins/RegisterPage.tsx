// Register a plugin from its OpenAPI document and manifest, pasted, loaded from a file, or
// converted from a curl command, a Postman collection or a Swagger 2 document (or: from the form).
import { Alert, Button, Card, FileButton, Group, Stack, Text, Textarea, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";

import { CodeArea } from "../../app/code";
import { FailureAlert } from "../../app/errors";
import { convertToOpenapi, keys, registerPlugin } from "./api";
import { pluginPath, registerFormPath, useFollowSpace } from "./paths";
import { RegisterButton, RegisterHeading } from "./RegisterParts";

export function RegisterPage() {
  const { spaceId = "" } = useParams();
  const { t } = useTranslation();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [openapi, setOpenapi] = useState("");
  const [manifest, setManifest] = useState("");
  const [source, setSource] = useState("");
  const [touched, setTouched] = useState(false);
  useFollowSpace(spaceId);

  const register = useMutation({
    mutationFn: () => registerPlugin(spaceId, manifest, openapi),
    onSuccess: (made) => {
      void client.invalidateQueries({ queryKey: keys.all(spaceId) });
      void navigate(pluginPath(spaceId, made.plugin_id));
    },
  });
  const convert = useMutation({
    mutationFn: () => convertToOpenapi(spaceId, source),
    onSuccess: (out) => {
      setOpenapi(out.openapi);
      setManifest(out.ai_plugin);
      register.reset();
    },
  });

  async function load(file: File | null) {
    if (file) setOpenapi(await file.text());
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (openapi.trim() && manifest.trim()) register.mutate();
  }
  const missing = touched && (!openapi.trim() || !manifest.trim());

  return (
    <Stack gap="md" maw={960}>
      <RegisterHeading
        title={t("plugins.register.title")}
        intro={t("plugins.register.intro")}
        other={t("plugins.register.fromForm")}
        to={registerFormPath(spaceId)}
      />
      <Card withBorder padding="sm" component="section" aria-label={t("plugins.import.title")}>
        <Stack gap="sm">
          <Title order={3} size="h5">
            {t("plugins.import.title")}
          </Title>
          <Textarea
            label={t("plugins.import.source")}
            value={source}
            autosize
            minRows={3}
            maxRows={12}
            onChange={(e) => setSource(e.currentTarget.value)}
          />
          <FailureAlert error={convert.error} />
          {convert.isSuccess ? (
            <Text size="sm" c="green" role="status">
              {t("plugins.import.done")}
            </Text>
          ) : null}
          <Group>
            <Button variant="light" disabled={!source.trim()} loading={convert.isPending} onClick={() => convert.mutate()}>
              {t("plugins.import.run")}
            </Button>
          </Group>
        </Stack>
      </Card>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <CodeArea
            label={t("plugins.register.openapi")}
            value={openapi}
            minRows={8}
            maxRows={24}
            onChange={(e) => setOpenapi(e.currentTarget.value)}
          />
          <Group>
            <FileButton onChange={(f) => void load(f)} accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml">
              {(props) => (
                <Button variant="default" size="compact-sm" {...props}>
                  {t("plugins.register.file")}
                </Button>
              )}
            </FileButton>
          </Group>
          <CodeArea
            label={t("plugins.register.manifest")}
            value={manifest}
            minRows={6}
            onChange={(e) => setManifest(e.currentTarget.value)}
          />
          {missing ? (
            <Alert color="red" role="alert">
              {t("plugins.register.required")}
            </Alert>
          ) : null}
          <RegisterButton error={register.error} loading={register.isPending} />
        </Stack>
      </form>
    </Stack>
  );
}
