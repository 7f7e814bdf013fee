import { CertgridError, invalid, missing, notFound } from '../errors.js';
import type { AccountsRepository, AccountRecord } from './repository.js';
import { MIN_PASSWORD_LENGTH } from './secrets.js';

const CUSTOMER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Letters, digits and the punctuation of e-mail addresses, so an address can be a user name.
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

export function checkCustomerName(name: string): string {
  if (typeof name !== 'string' || name === '') throw missing('customer_name');
  if (!CUSTOMER_NAME.test(name)) {
    throw invalid(
      'customer_name',
      'use 1-64 letters, digits, dots, underscores or hyphens, starting with a letter or digit',
    );
  }
  return name;
}

export function checkUsername(username: string): string {
  if (typeof username !== 'string' || username === '') throw missing('username');
  if (!USERNAME.test(username)) {
    throw invalid('username', 'use 1-128 letters, digits or . _ @ + -, starting with a letter or digit');
  }
  return username;
}

export function checkPasswordPolicy(password: string): string {
  if (typeof password !== 'string' || password === '') throw missing('password');
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new CertgridError(
      'INVALID_ARGUMENT',
      `password: must be at least ${MIN_PASSWORD_LENGTH} characters`,
      {
        field: 'password',
        data: { minLength: MIN_PASSWORD_LENGTH },
      },
    );
  }
  return password;
}

export function checkFullName(fullName: string | undefined): string {
  if (fullName === undefined) return '';
  // No control characters: the name is rendered in logs and the dashboard.
  // eslint-disable-next-line no-control-regex
  if (fullName.length > 128 || /[\u0000-\u001f\u007f]/.test(fullName)) {
    throw invalid('full_name', 'at most 128 printable characters');
  }
  return fullName.trim();
}

export async function requireAccount(repo: AccountsRepository, customerName: string): Promise<AccountRecord> {
  const account = await repo.findAccountByName(customerName);
  if (account === null) throw notFound('customer_name');
  return account;
}
