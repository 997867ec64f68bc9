"""cozepy 0.20.0 (unmodified) `workspaces.members` against `cozeplus serve`: add and remove members of
a team space; a personal space takes none; a foreign workspace is 4200. (cozepy's `members.list`
cannot parse any list answer — it casts the page to one member — so the list is read over HTTP.)"""

from __future__ import annotations

import httpx
import pytest
from cozepy import CozeAPIError, WorkspaceRoleType
from cozepy.workspaces.members import WorkspaceMember

from tests.e2e.conftest import coze_for
from tests.support.served import Account, Served, sign_up


def _member(user_id: str, role: WorkspaceRoleType = WorkspaceRoleType.MEMBER) -> WorkspaceMember:
    return WorkspaceMember(user_id=user_id, role_type=role)


def test_add_list_and_remove_team_members(served: Served, owner: Account, stranger: Account) -> None:
    team = owner.spa("/api/playground_api/space/save", {"name": "sdk team"})["id"]
    newcomer = sign_up(served, "newcomer")
    coze = coze_for(served, owner.token)

    added = coze.workspaces.members.create(
        workspace_id=team,
        users=[
            _member(newcomer.user_id, WorkspaceRoleType.ADMIN),
            _member(stranger.user_id),
            _member("999999999"),
        ],
    )
    assert sorted(added.added_success_user_ids) == sorted([newcomer.user_id, stranger.user_id])
    assert added.not_exist_user_ids == ["999999999"]
    assert added.already_joined_user_ids == [] and added.invited_success_user_ids == []
    again = coze.workspaces.members.create(workspace_id=team, users=[_member(stranger.user_id)])
    assert again.already_joined_user_ids == [stranger.user_id]

    listed = httpx.get(
        f"{served.base_url}/v1/workspaces/{team}/members",
        headers={"authorization": f"Bearer {owner.token}"},
        params={"page_size": 50},
    ).json()["data"]
    roles = {m["user_id"]: m["role_type"] for m in listed["items"]}
    assert roles == {owner.user_id: "owner", newcomer.user_id: "admin", stranger.user_id: "member"}
    # The new members see the team among their workspaces.
    assert team in {w.id for w in coze_for(served, stranger.token).workspaces.list()}

    removed = coze.workspaces.members.delete(workspace_id=team, user_ids=[stranger.user_id, owner.user_id])
    assert removed.removed_success_user_ids == [stranger.user_id]
    assert removed.owner_not_support_remove_user_ids == [owner.user_id]
    assert team not in {w.id for w in coze_for(served, stranger.token).workspaces.list()}
    newcomer.web.close()


def test_refusals_arrive_as_coze_errors(served: Served, owner: Account, stranger: Account) -> None:
    coze = coze_for(served, owner.token)
    with pytest.raises(CozeAPIError) as personal:
        coze.workspaces.members.create(workspace_id=owner.space_id, users=[_member(stranger.user_id)])
    assert personal.value.code == 4000
    with pytest.raises(CozeAPIError) as foreign:
        coze_for(served, stranger.token).workspaces.members.create(
            workspace_id=owner.space_id, users=[_member(stranger.user_id)]
        )
    assert foreign.value.code == 4200
    reader = coze_for(served, owner.issue_token("reader", ["workspace:read"]))
    team = owner.spa("/api/playground_api/space/save", {"name": "scoped team"})["id"]
    with pytest.raises(CozeAPIError) as scoped:
        reader.workspaces.members.create(workspace_id=team, users=[_member(stranger.user_id)])
    assert scoped.value.code == 4101
    with pytest.raises(CozeAPIError) as too_many:
        coze.workspaces.members.delete(workspace_id=team, user_ids=[str(n) for n in range(1, 7)])
    assert too_many.value.code == 4000
