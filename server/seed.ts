/** Rooms that exist on first start, so a new install is not an empty screen. */
import type { Logger } from './log.js';
import type { Storage } from './storage/storage.js';

/** Every new account joins this room. */
export const DEFAULT_ROOM_ID = 'general';

const seedRooms = [
  { id: DEFAULT_ROOM_ID, title: 'General', topic: 'Everyone, everything' },
  { id: 'random', title: 'Random', topic: 'Off-topic' },
  { id: 'help', title: 'Help', topic: 'Questions about Switchboard' },
];

export async function seed(storage: Storage, log: Logger): Promise<void> {
  if ((await storage.countRooms()) > 0) return;
  let created = 0;
  for (const room of seedRooms) {
    try {
      await storage.createRoom({ ...room, createdBy: null });
      created++;
    } catch (err) {
      // Several processes starting on one database at once: another one seeded this room.
      if (!(await storage.roomById(room.id))) throw err;
    }
  }
  if (created > 0) log.info('seed.rooms', { count: created });
}
