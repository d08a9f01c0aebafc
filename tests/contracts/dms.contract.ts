/**
 * The storage contract for direct messages, user search and user settings: run by
 * `runStorageContract` for every implementation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, User } from '../../server/storage/storage.js';

export function runDmContract(name: string, open: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}: direct messages`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage.close();
    });

    const createUser = async (username: string): Promise<User> => {
      const result = await storage.createUser({
        username,
        usernameKey: username.toLowerCase(),
        usernameSkeletons: [username.toLowerCase()],
        passwordHash: `hash-of-${username}`,
      });
      if (result.status !== 'created') throw new Error(`test setup: ${username} was taken`);
      return result.user;
    };

    it('openDm creates a DM of kind dm once per set of people, and finds it again whatever the order', async () => {
      const [alice, bob, carol] = [
        await createUser('Alice'),
        await createUser('Bob'),
        await createUser('Carol'),
      ];

      const first = await storage.openDm({
        userIds: [alice.id, bob.id],
        title: 'Alice, Bob',
        createdBy: alice.id,
      });
      const again = await storage.openDm({ userIds: [bob.id, alice.id], title: 'x', createdBy: bob.id });
      const repeated = await storage.openDm({
        userIds: [alice.id, bob.id, alice.id],
        title: 'y',
        createdBy: alice.id,
      });
      const group = await storage.openDm({
        userIds: [alice.id, bob.id, carol.id],
        title: 'Alice, Bob, Carol',
        createdBy: carol.id,
      });

      expect(first.created).toBe(true);
      expect(first.room).toMatchObject({ kind: 'dm', title: 'Alice, Bob', topic: '' });
      expect(again).toEqual({ room: first.room, created: false });
      expect(repeated).toEqual({ room: first.room, created: false });
      expect(group.created).toBe(true);
      expect(group.room.id).not.toBe(first.room.id);
      expect(await storage.roomById(first.room.id)).toEqual(first.room);
    });

    it("a DM's people are its members, with the member role, and only they see it in listRooms", async () => {
      const [alice, bob, carol] = [
        await createUser('Alice'),
        await createUser('Bob'),
        await createUser('Carol'),
      ];
      const { room } = await storage.openDm({
        userIds: [alice.id, bob.id],
        title: 'A, B',
        createdBy: alice.id,
      });

      for (const user of [alice, bob]) {
        expect(await storage.memberRole(room.id, user.id)).toBe('member');
        const [summary] = (await storage.listRooms(user.id)).filter((r) => r.id === room.id);
        expect(summary).toMatchObject({ kind: 'dm', joined: true, memberCount: 2 });
      }
      expect(await storage.isMember(room.id, carol.id)).toBe(false);
      expect((await storage.listRooms(carol.id)).map((r) => r.id)).not.toContain(room.id);
    });

    it('openDm called eight times at once for one set of people makes one room', async () => {
      const [alice, bob] = [await createUser('Alice'), await createUser('Bob')];
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          storage.openDm({
            userIds: i % 2 ? [alice.id, bob.id] : [bob.id, alice.id],
            title: 'A, B',
            createdBy: i % 2 ? alice.id : bob.id,
          }),
        ),
      );

      expect(new Set(results.map((r) => r.room.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect((await storage.listRooms(alice.id)).filter((r) => r.kind === 'dm')).toHaveLength(1);
    });

    it("dmMembers lists each DM's people, by username, with their receipt setting, and leaves other rooms out", async () => {
      const [alice, bob, carol] = [
        await createUser('Alice'),
        await createUser('Bob'),
        await createUser('Carol'),
      ];
      const one = await storage.openDm({ userIds: [carol.id, alice.id], title: '', createdBy: carol.id });
      const group = await storage.openDm({
        userIds: [bob.id, carol.id, alice.id],
        title: '',
        createdBy: bob.id,
      });
      await storage.createRoom({ id: 'lobby', title: 'Lobby', topic: '', createdBy: null });
      await storage.joinRoom('lobby', alice.id);
      await storage.updateUserSettings(bob.id, { readReceipts: false });

      const members = await storage.dmMembers([one.room.id, group.room.id, 'lobby', 'nowhere']);

      expect([...members.keys()].sort()).toEqual([one.room.id, group.room.id].sort());
      expect(members.get(one.room.id)).toEqual([
        { id: alice.id, username: 'Alice', readReceipts: true },
        { id: carol.id, username: 'Carol', readReceipts: true },
      ]);
      expect(members.get(group.room.id)?.map((m) => [m.username, m.readReceipts])).toEqual([
        ['Alice', true],
        ['Bob', false],
        ['Carol', true],
      ]);
      expect((await storage.dmMembers([])).size).toBe(0);
    });

    it('searchUsers matches the start of the username key, in key order, at most `limit`, active accounts only', async () => {
      for (const name of ['Anna', 'annabel', 'Annex', 'Bob', 'Ann_1', 'anne%']) await createUser(name);
      const gone = await createUser('Annulled');
      await storage.setUserStatus(gone.id, 'deleted');
      const away = await createUser('Annoyed');
      await storage.setUserStatus(away.id, 'suspended');
      const names = async (prefix: string, limit = 20) =>
        (await storage.searchUsers(prefix, limit)).map((u) => u.username);

      expect(await names('ann')).toEqual(['Ann_1', 'Anna', 'annabel', 'anne%', 'Annex']);
      expect(await names('ann', 2)).toEqual(['Ann_1', 'Anna']);
      expect(await names('anne')).toEqual(['anne%', 'Annex']);
      // No wildcard: `_` and `%` are themselves.
      expect(await names('ann_')).toEqual(['Ann_1']);
      expect(await names('anne%')).toEqual(['anne%']);
      expect(await names('b')).toEqual(['Bob']);
      expect(await names('zed')).toEqual([]);
      expect(await names('', 3)).toEqual(['Ann_1', 'Anna', 'annabel']);
      const [anna] = await storage.searchUsers('anna', 1);
      expect(anna).toEqual({
        id: expect.any(String),
        username: 'Anna',
        role: expect.any(String),
        status: 'active',
        createdAt: expect.any(Number),
      });
    });

    it('read receipts are on by default, and updateUserSettings turns them off and on', async () => {
      const alice = await createUser('Alice');

      expect(await storage.userSettings(alice.id)).toEqual({ readReceipts: true });
      expect(await storage.updateUserSettings(alice.id, { readReceipts: false })).toEqual({
        readReceipts: false,
      });
      expect(await storage.userSettings(alice.id)).toEqual({ readReceipts: false });
      expect(await storage.updateUserSettings(alice.id, {})).toEqual({ readReceipts: false });
      expect(await storage.updateUserSettings(alice.id, { readReceipts: true })).toEqual({
        readReceipts: true,
      });
      expect(await storage.userSettings('nobody')).toBeNull();
      expect(await storage.updateUserSettings('nobody', { readReceipts: false })).toBeNull();
    });
  });
}
