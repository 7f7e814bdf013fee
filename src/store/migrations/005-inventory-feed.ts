import { sql, type Kysely, type Migration } from 'kysely';

/**
 * `inventory_feeds`: how far the inventory has followed a feed of the store (transactional
 * outbox). The `orders` feed is every certificate the CA issued: issuance writes only its order, and
 * the inventory records the orders after `last_id` in one transaction with the cursor, so an issued
 * certificate can be neither lost nor recorded twice. Starting at 0, an existing store's earlier
 * orders are recorded on first use (upserts are idempotent).
 */
export const m005InventoryFeed: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('inventory_feeds')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('last_id', 'bigint', (c) => c.notNull())
      .execute();
    await sql`insert into inventory_feeds (name, last_id) values ('orders', 0)`.execute(db);
  },
};
