// The layout around every signed-in page: header (navigation toggle, space, language, account),
// the navigation of the surface's modules, and the page.
import {
  AppShell,
  Burger,
  Group,
  Menu,
  NavLink as MantineNavLink,
  Select,
  Text,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation } from "react-router";

import { useCurrentAccount, useSignOut } from "./auth";
import { PageLoader } from "./loading";
import { LANGUAGES, type Language } from "./i18n";
import { modulesOf, type NavItem, type StudioModule, type Surface } from "./modules";
import { useErrorMessage } from "./errors";
import { SpaceProvider, useSpace } from "./space";

const LANGUAGE_NAMES: Record<Language, string> = { "en-US": "English", "zh-CN": "中文" };

export function LanguageSelect(props: { visibleFrom?: "sm"; hiddenFrom?: "sm" }) {
  const { t, i18n } = useTranslation();
  return (
    <Select
      {...props}
      aria-label={t("shell.language")}
      size="xs"
      w={104}
      allowDeselect={false}
      data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
      value={i18n.language}
      onChange={(v) => v && void i18n.changeLanguage(v)}
      comboboxProps={{ withinPortal: true }}
    />
  );
}

function SpaceSwitcher() {
  const { t } = useTranslation();
  const { spaces, space, setSpaceId, error } = useSpace();
  if (error) {
    return (
      <Text size="xs" c="red" role="status">
        {t("shell.spacesFailed")}
      </Text>
    );
  }
  if (spaces.length === 0) return null;
  return (
    <Select
      aria-label={t("shell.space")}
      size="xs"
      w={{ base: 112, sm: 200 }}
      allowDeselect={false}
      data={spaces.map((s) => ({ value: s.id, label: s.name }))}
      value={space?.id ?? null}
      onChange={(v) => v && setSpaceId(v)}
      data-testid="space-switcher"
    />
  );
}

function AccountMenu() {
  const { t } = useTranslation();
  const account = useCurrentAccount();
  const signOut = useSignOut();
  const message = useErrorMessage();
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={t("shell.account")} data-testid="account-menu" className="cp-focusable">
          <Text size="sm" fw={500} truncate maw={{ base: 72, sm: 160 }}>
            {account.name || account.email}
          </Text>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{account.email}</Menu.Label>
        <Menu.Item component={Link} to="/account">
          {t("auth.account.title")}
        </Menu.Item>
        <Menu.Item
          onClick={() =>
            void signOut().catch((err: unknown) => notifications.show({ color: "red", message: message(err) }))
          }
        >
          {t("shell.signOut")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

interface ShellProps {
  surface: Surface;
  modules: readonly StudioModule[];
}

export function Shell({ surface, modules }: ShellProps) {
  const { t } = useTranslation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const location = useLocation();
  const items = [
    { path: surface === "admin" ? "/admin" : "/", labelKey: "shell.home" },
    ...modulesOf(modules, surface).flatMap((m) => m.nav ?? []),
  ];
  const home = surface === "admin" ? "/admin" : "/";
  const body = (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <a href="#main" className="cp-skip-link">
        {t("shell.skip")}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("shell.toggleNav")} />
            <Title order={1} size="h4" style={{ whiteSpace: "nowrap" }}>
              <Link to={home} className="cp-brand">
                {t("app.name")}
                <VisuallyHidden> {surface === "admin" ? t("app.admin") : t("app.studio")}</VisuallyHidden>
              </Link>
            </Title>
            {surface === "admin" ? (
              <Text size="sm" c="dimmed" visibleFrom="xs">
                {t("app.admin")}
              </Text>
            ) : null}
          </Group>
          <Group gap="xs" wrap="nowrap">
            {surface === "studio" ? <SpaceSwitcher /> : null}
            <LanguageSelect visibleFrom="sm" />
            <AccountMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t("shell.nav")} component="nav">
        {items.map((item) => {
          // A plain Link: react-router's NavLink would mark every item whose path is a prefix.
          const active = isActive(item, location.pathname, home);
          return (
            <MantineNavLink
              key={item.path}
              component={Link}
              to={item.path}
              label={t(item.labelKey)}
              leftSection={item.icon}
              active={active}
              aria-current={active ? "page" : undefined}
              onClick={close}
            />
          );
        })}
        <Group mt="md" px="xs" hiddenFrom="sm">
          <LanguageSelect />
        </Group>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Suspense fallback={<PageLoader />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
  return surface === "studio" ? <SpaceProvider>{body}</SpaceProvider> : body;
}

/** A nav item's own `activeFor` decides where it has one (pages of one context under another's
 * prefix, like a space's agents under /spaces); otherwise the item is active below its path. */
export function isActive(item: NavItem, pathname: string, home: string): boolean {
  if (item.activeFor) return item.activeFor.test(pathname);
  if (item.path === home) return pathname === home;
  return pathname === item.path || pathname.startsWith(`${item.path}/`);
}
