// What a started Steward warns about in its log: the notice for two-step secrets stored encrypted
// while STEWARD_SECRET_KEY is not set (the others are older, and said once each here too).
import { describe, expect, it } from 'vitest';
import { startupNotices } from './start.js';

const reachable = { publicUrl: 'https://support.example.com' };

describe('startupNotices', () => {
  it('says nothing when users exist, links open and secrets are readable', () => {
    expect(startupNotices(reachable, { anyUser: true, sealedSecretsWithoutKey: false })).toEqual([]);
    expect(startupNotices(reachable, { anyUser: true })).toEqual([]);
  });

  it('names STEWARD_SECRET_KEY when encrypted two-step secrets cannot be read', () => {
    const notices = startupNotices(reachable, { anyUser: true, sealedSecretsWithoutKey: true });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^Two-step sign-in secrets are stored encrypted but STEWARD_SECRET_KEY is not set/,
    );
  });

  it('with a key set: names secrets no key opens, and those waiting to move to the key', () => {
    const notices = startupNotices(reachable, { anyUser: true, unreadableSecrets: 1, staleSecrets: 3 });
    expect(notices).toHaveLength(2);
    expect(notices[0]).toMatch(
      /^1 two-step sign-in secret is sealed with a key that is neither STEWARD_SECRET_KEY nor in STEWARD_SECRET_KEY_PREVIOUS/,
    );
    expect(notices[1]).toMatch(/^3 two-step sign-in secrets are not yet sealed with STEWARD_SECRET_KEY/);
    expect(notices[1]).toContain('`steward secrets reseal` seals them all now');
    expect(startupNotices(reachable, { anyUser: true, unreadableSecrets: 0, staleSecrets: 0 })).toEqual([]);
  });

  it('still warns of no user and of links no browser opens', () => {
    const notices = startupNotices({ publicUrl: 'http://0.0.0.0:3000' }, { anyUser: false });
    expect(notices.map((n) => n.slice(0, 24))).toEqual([
      'No one can sign in yet: ',
      'Links in mail (invitatio',
    ]);
  });
});
