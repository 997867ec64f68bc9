// The space routes the identity pages use (src/api/web/spaces.py, permission.py), with their shapes.
import { apiData } from "../../app/api";

export type SpaceRole = "owner" | "admin" | "member";

/** space_role_type of the space list: 1 owner, 2 admin, 3 member. */
export const ROLE_OF_TYPE: Record<number, SpaceRole> = { 1: "owner", 2: "admin", 3: "member" };
export const PERSONAL = 1;
export const TEAM = 2;

export interface Member {
  user_id: string;
  role_type: SpaceRole;
  user_nickname: string;
  user_unique_name: string;
  avatar_url: string;
  joined_at: string;
  expires_at: string | null;
}

export interface MemberList {
  members: Member[];
  total: number;
  has_more: boolean;
}

export interface Invitation {
  invitation_id: string;
  space_id: string;
  space_name: string;
  user_id: string;
  user_nickname: string;
  user_unique_name: string;
  avatar_url: string;
  role_type: SpaceRole;
  invited_by: string;
  status: "pending" | "accepted" | "declined" | "revoked" | "expired";
  created_at: string;
  expires_at: string;
}

export interface TemplateDomain {
  domain: string;
  domain_name: string;
  resources: { resource: string; resource_name: string; actions: { action: string }[] }[];
}

/** Bounds of an invitation's life in days (domain/space/invitations.py). */
export const INVITATION_DAYS = 7;
export const MAX_INVITATION_DAYS = 30;
/** The space name's bound (SaveSpaceRequest). */
export const MAX_SPACE_NAME = 100;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const membersKey = (spaceId: string) => ["space", spaceId, "members"] as const;
export const invitationsKey = (spaceId: string) => ["space", spaceId, "invitations"] as const;
export const MY_INVITATIONS_KEY = ["space", "invitations", "mine"] as const;

export function listMembers(spaceId: string): Promise<MemberList> {
  return apiData<MemberList>("/api/space/member/list", { space_id: spaceId, page: 1, size: 100 });
}

export function spaceInvitations(spaceId: string): Promise<Invitation[]> {
  return apiData<Invitation[]>("/api/space/invitation/list", { space_id: spaceId });
}

export function myInvitations(): Promise<Invitation[]> {
  return apiData<Invitation[]>("/api/space/invitation/mine", {});
}

export function roleTemplates(): Promise<TemplateDomain[]> {
  return apiData<TemplateDomain[]>("/api/permission_api/template/list", {});
}
