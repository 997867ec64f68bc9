import { Box, Center, Group, Paper, Stack, Title } from "@mantine/core";
import type { ReactNode } from "react";

import { LanguageSelect } from "../../app/shell";

export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box mih="100dvh" p="md">
      <Group justify="flex-end">
        <LanguageSelect />
      </Group>
      <Center mih="calc(100dvh - 96px)">
        <Paper withBorder shadow="sm" p={{ base: "md", sm: "xl" }} w="100%" maw={420} component="main">
          <Stack gap="lg">
            <Title order={1} size="h3">
              {title}
            </Title>
            {children}
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
