import { describe, expect, it } from 'vitest';
import {
  describeReaction,
  reactionKey,
  wireKey,
  type Reaction,
} from '../../../../src/core/scan/session/index.js';
import { reaction } from './helpers.js';

const encryptedAlert = (name: string, description: number): Partial<Reaction> => ({
  alerts: [{ level: 2, levelName: 'fatal', description, name, encrypted: true }],
  records: [{ type: 21, length: 48 }],
  end: 'closed',
});

describe('reaction keys', () => {
  it('two encrypted alerts of different descriptions: we tell them apart, the wire does not', () => {
    const a = reaction(encryptedAlert('bad_record_mac', 20));
    const b = reaction(encryptedAlert('decryption_failed', 21));
    expect(reactionKey(a)).not.toBe(reactionKey(b));
    expect(wireKey(a)).toBe(wireKey(b));
    expect(reactionKey(a)).toBe('alert bad_record_mac, closed');
    expect(wireKey(a)).toBe('alert(48), closed');
  });

  it('plaintext alerts are readable on the wire; a close and a reset differ for both views', () => {
    const plain = reaction({
      alerts: [
        { level: 2, levelName: 'fatal', description: 40, name: 'handshake_failure', encrypted: false },
      ],
      records: [{ type: 21, length: 2, visibleAlert: 'fatal handshake_failure' }],
      end: 'closed',
    });
    expect(wireKey(plain)).toBe('alert fatal handshake_failure, closed');
    const reset = reaction({ ...plain, end: 'reset' });
    expect(reactionKey(reset)).not.toBe(reactionKey(plain));
    expect(wireKey(reset)).not.toBe(wireKey(plain));
  });

  it('data: present or not, whatever its length; timing is not part of the key', () => {
    const a = reaction({
      applicationData: new Uint8Array(10),
      records: [
        { type: 23, length: 64 },
        { type: 23, length: 48 },
      ],
    });
    const b = reaction({
      applicationData: new Uint8Array(99),
      records: [{ type: 23, length: 160 }],
      elapsedMs: 5,
    });
    expect(reactionKey(a)).toBe(reactionKey(b));
    expect(wireKey(a)).toBe(wireKey(b));
    expect(wireKey(a)).toBe('data, timeout');
  });

  it('descriptions for reports', () => {
    expect(describeReaction(reaction({ elapsedMs: 600 }))).toBe('no answer within 600 ms');
    expect(describeReaction(reaction(encryptedAlert('bad_record_mac', 20)))).toBe(
      'fatal alert bad_record_mac (encrypted), then connection closed',
    );
  });
});
