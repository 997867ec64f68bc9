// What the two register pages share: the heading (the title, what the page takes, a link to the
// other way) and the foot (the server's refusal and the Register button).
import { Anchor, Button, Group, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { FailureAlert } from "../../app/errors";

export function RegisterHeading({ title, intro, other, to }: { title: string; intro: string; other: string; to: string }) {
  return (
    <>
      <Title order={2}>{title}</Title>
      <Text size="sm" c="dimmed">
        {intro}{" "}
        <Anchor component={Link} to={to}>
          {other}
        </Anchor>
      </Text>
    </>
  );
}

export function RegisterButton({ error, loading }: { error: unknown; loading: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <FailureAlert error={error} />
      <Group justify="flex-end">
        <Button type="submit" loading={loading}>
          {t("plugins.register.submit")}
        </Button>
      </Group>
    </>
  );
}
