import type { Kysely, Selectable } from 'kysely';
import type {
  AccountRecord,
  AccountsRepository,
  ApiKeyOwner,
  NewUser,
  PrincipalRecord,
  SigningKeyRecord,
  UserRecord,
} from '../../core/accounts/repository.js';
import { CertgridError } from '../../core/errors.js';
import type { Database } from '../schema.js';
import { isUniqueViolation } from './errors.js';
import { prepare } from './prepared.js';
import { asRepoDb, inTransaction, type Executor } from './transaction.js';
import { stringList } from './json-list.js';

const taken = (field: string, what: string): CertgridError =>
  new CertgridError('ALREADY_EXISTS', `${what} already exists.`, { field });

async function insertUser(db: Executor, accountId: number, u: NewUser): Promise<number> {
  try {
    const row = await db
      .insertInto('users')
      .values({
        account_id: accountId,
        username: u.username,
        full_name: u.fullName,
        password_hash: u.passwordHash,
        role: u.role,
        created_at: u.createdAt.getTime(),
        permissions: JSON.stringify(u.permissions ?? []),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  } catch (e) {
    if (isUniqueViolation(e)) throw taken('username', `A user named ${u.username}`);
    throw e;
  }
}

async function insertKey(
  db: Executor,
  k: { accountId: number; userId: number; keyHash: string; createdAt: Date },
): Promise<number> {
  try {
    const row = await db
      .insertInto('api_keys')
      .values({
        account_id: k.accountId,
        user_id: k.userId,
        key_hash: k.keyHash,
        created_at: k.createdAt.getTime(),
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  } catch (e) {
    if (isUniqueViolation(e)) throw taken('api_key', 'This API key');
    throw e;
  }
}

type AccountRow = Pick<
  Selectable<Database['accounts']>,
  'name' | 'api_approvals' | 'self_approval' | 'created_at' | 'certview_api_access'
> & {
  id: number;
};

const toAccount = (r: AccountRow): AccountRecord => ({
  id: Number(r.id),
  name: r.name,
  apiApprovals: Number(r.api_approvals) !== 0,
  selfApproval: Number(r.self_approval) !== 0,
  createdAt: new Date(Number(r.created_at)),
  certviewApiAccess: Number(r.certview_api_access) !== 0,
});

const toSigningKey = (r: Selectable<Database['jwt_signing_keys']>): SigningKeyRecord => ({
  kid: r.kid,
  generation: Number(r.generation),
  secret: new Uint8Array(r.secret),
  createdAt: new Date(Number(r.created_at)),
});

// Concurrent permission updates of one user retry their compare-and-set this many times.
const PERMISSION_UPDATE_ATTEMPTS = 10;

export function createAccountsRepository(store: Kysely<Database>): AccountsRepository {
  const db = asRepoDb(store);
  // Every Grid call authenticates through this lookup, so it is compiled once.
  const apiKeyOwner = prepare(
    db,
    (keyHash: string) =>
      db
        .selectFrom('api_keys')
        .innerJoin('users', 'users.id', 'api_keys.user_id')
        .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
        .select([
          'api_keys.key_hash',
          'api_keys.account_id',
          'accounts.name as account_name',
          'api_keys.user_id',
          'users.username',
          'users.full_name',
          'api_keys.revoked_at',
        ])
        .where('api_keys.key_hash', '=', keyHash),
    [''],
  );
  // Every CertView call re-reads its user and account through this lookup (primary keys only).
  const principalById = prepare(
    db,
    (userId: number) =>
      db
        .selectFrom('users')
        .innerJoin('accounts', 'accounts.id', 'users.account_id')
        .select([
          'users.id',
          'users.username',
          'users.role',
          'users.permissions',
          'users.account_id',
          'accounts.name as account_name',
          'accounts.certview_api_access',
        ])
        .where('users.id', '=', userId),
    [0],
  );
  return {
    createAccount: (input) =>
      inTransaction(db, async (trx) => {
        let accountId: number;
        try {
          const row = await trx
            .insertInto('accounts')
            .values({
              name: input.name,
              api_approvals: input.apiApprovals ? 1 : 0,
              self_approval: input.selfApproval ? 1 : 0,
              created_at: input.createdAt.getTime(),
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          accountId = Number(row.id);
        } catch (e) {
          if (isUniqueViolation(e)) throw taken('customer_name', `An account named ${input.name}`);
          throw e;
        }
        const userId = await insertUser(trx, accountId, input.user);
        await insertKey(trx, { accountId, userId, keyHash: input.keyHash, createdAt: input.createdAt });
        return { accountId, userId };
      }),

    async countAccounts() {
      const r = await db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async findAccountByName(name) {
      const r = await db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst();
      return r ? toAccount(r) : null;
    },

    async findAccountById(id) {
      const r = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toAccount(r) : null;
    },

    async updateAccountSettings(id, s) {
      const set: { api_approvals?: number; self_approval?: number; certview_api_access?: number } = {};
      if (s.apiApprovals !== undefined) set.api_approvals = s.apiApprovals ? 1 : 0;
      if (s.selfApproval !== undefined) set.self_approval = s.selfApproval ? 1 : 0;
      if (s.certviewApiAccess !== undefined) set.certview_api_access = s.certviewApiAccess ? 1 : 0;
      if (Object.keys(set).length === 0) return;
      await db.updateTable('accounts').set(set).where('id', '=', id).execute();
    },

    insertUser: (accountId, user) => insertUser(db, accountId, user),

    async findUserByUsername(username): Promise<UserRecord | null> {
      const r = await db
        .selectFrom('users')
        .innerJoin('accounts', 'accounts.id', 'users.account_id')
        .select([
          'users.id',
          'users.account_id',
          'accounts.name as account_name',
          'users.username',
          'users.full_name',
          'users.password_hash',
          'users.role',
          'users.created_at',
          'users.permissions',
        ])
        .where('users.username', '=', username)
        .executeTakeFirst();
      if (!r) return null;
      return {
        id: Number(r.id),
        accountId: Number(r.account_id),
        accountName: r.account_name,
        username: r.username,
        fullName: r.full_name,
        passwordHash: r.password_hash,
        role: r.role,
        createdAt: new Date(Number(r.created_at)),
        permissions: stringList(r.permissions),
      };
    },

    insertApiKey: (k) => insertKey(db, k),

    async findApiKeyOwner(keyHash): Promise<ApiKeyOwner | null> {
      const [r] = await apiKeyOwner(keyHash);
      if (!r) return null;
      return {
        keyHash: r.key_hash,
        accountId: Number(r.account_id),
        accountName: r.account_name,
        userId: Number(r.user_id),
        username: r.username,
        fullName: r.full_name,
        revokedAt: r.revoked_at === null ? null : new Date(Number(r.revoked_at)),
      };
    },

    async findPrincipalById(userId): Promise<PrincipalRecord | null> {
      const [r] = await principalById(userId);
      if (!r) return null;
      return {
        userId: Number(r.id),
        username: r.username,
        role: r.role,
        permissions: stringList(r.permissions),
        accountId: Number(r.account_id),
        accountName: r.account_name,
        certviewApiAccess: Number(r.certview_api_access) !== 0,
      };
    },

    // Compare-and-set on the stored text: portable (no SELECT … FOR UPDATE on SQLite) and a
    // concurrent grant on another API node makes this one re-read instead of overwriting it.
    async updateUserPermissions(userId, update) {
      for (let attempt = 0; attempt < PERMISSION_UPDATE_ATTEMPTS; attempt++) {
        const row = await db
          .selectFrom('users')
          .select('permissions')
          .where('id', '=', userId)
          .executeTakeFirst();
        if (!row) return null;
        const next = [...update(stringList(row.permissions))];
        const text = JSON.stringify(next);
        if (text === row.permissions) return next;
        const r = await db
          .updateTable('users')
          .set({ permissions: text })
          .where('id', '=', userId)
          .where('permissions', '=', row.permissions)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) return next;
      }
      throw new CertgridError('INTERNAL', 'The permissions kept changing concurrently; try again.');
    },

    async findLatestSigningKey() {
      const r = await db
        .selectFrom('jwt_signing_keys')
        .selectAll()
        .orderBy('generation', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? toSigningKey(r) : null;
    },

    async findSigningKey(kid) {
      const r = await db.selectFrom('jwt_signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
      return r ? toSigningKey(r) : null;
    },

    async insertSigningKey(k) {
      try {
        await db
          .insertInto('jwt_signing_keys')
          .values({
            kid: k.kid,
            generation: k.generation,
            secret: Buffer.from(k.secret),
            created_at: k.createdAt.getTime(),
          })
          .execute();
      } catch (e) {
        if (isUniqueViolation(e)) throw taken('generation', `Signing key generation ${k.generation}`);
        throw e;
      }
    },
  };
}
