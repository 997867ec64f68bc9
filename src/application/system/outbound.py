"""The admin's outbound allow-list (the system setting `outbound.allow_list`): hosts and networks an
intranet plugin needs, applied to the guarded client of every process at start and whenever the
setting changes (a listener; after a bus outage it is read again)."""

from __future__ import annotations

import logging

from crossdomain.settings import SettingsReader
from domain.common.eventbus import Event
from domain.common.outbound import ALLOW_LIST_SETTING, AllowList, AllowListHolder, InvalidAllowList

log = logging.getLogger("cozeplus.outbound")


class OutboundAllowListSync:
    def __init__(self, settings: SettingsReader, holder: AllowListHolder) -> None:
        self._settings, self._holder = settings, holder

    async def refresh(self) -> None:
        stored = await self._settings.value(ALLOW_LIST_SETTING, [])
        try:
            allowed = AllowList.parse(stored)
        except InvalidAllowList:  # written before validation existed: open nothing rather than guess
            log.warning("outbound_allow_list_unreadable")
            allowed = AllowList()
        self._holder.allow(allowed)
        log.info("outbound_allow_list hosts=%d networks=%d", len(allowed.hosts), len(allowed.networks))

    async def on_setting_changed(self, event: Event) -> None:
        if event.payload.get("key") == ALLOW_LIST_SETTING:
            await self.refresh()

    async def start(self) -> None:
        await self.refresh()

    async def stop(self) -> None:
        return None
