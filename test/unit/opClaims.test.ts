import { claimsOf } from '../../src/op/claims';
import { refusal } from '../../src/op/handOff';
import type { MemberRow } from '../../src/domain/orgs/memberRepository';

const member = (overrides: Partial<MemberRow> = {}): MemberRow => ({
  id: 'mem_1',
  orgId: 'org_1',
  email: 'ada@acme.example',
  userName: null,
  role: 'admin',
  status: 'active',
  seatType: 'premium',
  source: 'jit',
  givenName: 'Ada',
  familyName: 'Lovelace',
  displayName: null,
  externalId: null,
  scimAttributes: null,
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...overrides,
});

describe('the claims seatd asserts about a member', () => {
  it('names the member, the org, the role, the seat and the groups', () => {
    expect(claimsOf(member(), { id: 'org_1', name: 'Acme' }, ['Designers'])).toEqual({
      sub: 'mem_1',
      email: 'ada@acme.example',
      email_verified: true,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      org_id: 'org_1',
      org_name: 'Acme',
      role: 'admin',
      seat_type: 'premium',
      groups: ['Designers'],
    });
  });

  it('prefers the display name, and leaves out names nobody gave', () => {
    expect(claimsOf(member({ displayName: 'Countess' }), { id: 'org_1', name: 'Acme' }, []).name).toBe('Countess');
    const nameless = claimsOf(member({ givenName: null, familyName: null }), { id: 'org_1', name: 'Acme' }, []);
    expect(nameless).not.toHaveProperty('name');
    expect(nameless).not.toHaveProperty('given_name');
    expect(nameless).not.toHaveProperty('family_name');
  });
});

describe('what an application hears of a refusal', () => {
  it('leads with "no free seat" when that was the reason', () => {
    expect(refusal(['Acme has no free standard seat.'], true)).toEqual({ refused: 'no free seat: Acme has no free standard seat.' });
    expect(refusal(['The account is deactivated.'], false)).toEqual({ refused: 'The account is deactivated.' });
  });

  it('keeps to the characters an OAuth error_description may hold', () => {
    const { refused } = refusal(['Your organization’s IdP said "no" \\ é'], false) as { refused: string };
    expect(refused).toBe("Your organization's IdP said no  ");
    expect(refused).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/);
  });
});
