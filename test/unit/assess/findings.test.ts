import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FINDING_IDS,
  INFORMATIONAL_FINDINGS,
  QID_TABLE,
  UNMAPPED_FINDINGS,
  qidFor,
  vulnerabilitiesFor,
  type FindingId,
} from '../../../src/core/assess/findings.js';

const docs = readFileSync(new URL('../../../docs/qids.md', import.meta.url), 'utf8');

/** The lines of one `## heading` section of docs/qids.md. */
function section(heading: string): string[] {
  const lines = docs.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  expect(start, `section "${heading}" in docs/qids.md`).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith('## '));
  return end === -1 ? rest : rest.slice(0, end);
}

interface DocRow {
  finding: string;
  qid: number;
  title: string;
  severity: number;
  informational: boolean;
  source: string;
}

function docRows(): DocRow[] {
  const rows = section('Mapped findings')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .filter((cells) => !cells.every((c) => /^-+$/.test(c)));
  const [header, ...data] = rows;
  expect(header).toEqual([
    'finding',
    'condition (SSL Labs terms)',
    'QID',
    'title',
    'severity',
    'informational',
    'source',
  ]);
  return data.map((cells) => ({
    finding: cells[0]!.replace(/`/g, ''),
    qid: Number(cells[2]),
    title: cells[3]!,
    severity: Number(cells[4]),
    informational: cells[5] === 'yes',
    source: cells[6]!,
  }));
}

const vulns = (...findings: FindingId[]) => vulnerabilitiesFor(new Set(findings));

describe('QID_TABLE', () => {
  it('has unique QIDs and one row per finding', () => {
    const qids = QID_TABLE.map((r) => r.qid);
    expect(new Set(qids).size).toBe(qids.length);
    const findings = QID_TABLE.map((r) => r.finding);
    expect(new Set(findings).size).toBe(findings.length);
  });

  it('only uses known finding ids, with Qualys severities 1..5', () => {
    for (const r of QID_TABLE) {
      expect(FINDING_IDS).toContain(r.finding);
      expect([1, 2, 3, 4, 5]).toContain(r.severity);
      expect(Number.isInteger(r.qid) && r.qid > 0).toBe(true);
      expect(r.title.trim()).not.toBe('');
    }
  });

  it('gives every row a source', () => {
    for (const r of QID_TABLE) expect(r.source.trim(), `QID ${r.qid}`).not.toBe('');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(QID_TABLE)).toBe(true);
    for (const r of QID_TABLE) expect(Object.isFrozen(r)).toBe(true);
    expect(Object.isFrozen(INFORMATIONAL_FINDINGS)).toBe(true);
  });

  it('marks exactly the three QIDs of every CertView host instance as informational, all severity 1', () => {
    const info = QID_TABLE.filter((r) => r.informational);
    expect(info.map((r) => r.qid).sort()).toEqual([38116, 38706, 86002]);
    expect(info.every((r) => r.severity === 1)).toBe(true);
    expect([...INFORMATIONAL_FINDINGS].sort()).toEqual(
      ['info-certificate', 'info-protocol-properties', 'info-ssl-server'].sort(),
    );
  });

  it('splits the finding ids into mapped and unmapped', () => {
    expect(UNMAPPED_FINDINGS.length + QID_TABLE.length).toBe(FINDING_IDS.length);
    for (const f of UNMAPPED_FINDINGS) expect(qidFor(f)).toBeUndefined();
    expect(new Set(FINDING_IDS).size).toBe(FINDING_IDS.length);
  });
});

describe('finding → QID', () => {
  it.each([
    ['info-ssl-server', 38116, 1],
    ['info-protocol-properties', 38706, 1],
    ['info-certificate', 86002, 1],
    ['info-version-tolerance', 38597, 1],
    ['info-secure-renegotiation', 42350, 1],
    ['info-hsts', 86137, 1],
    ['info-dh-known-prime', 38609, 1],
    ['cert-expiring-soon', 38600, 1],
    ['protocol-sslv3', 38606, 3],
    ['protocol-tls10', 38628, 3],
    ['suite-weak-encryption', 38140, 3],
    ['suite-weak-encryption-forced', 38141, 3],
    ['suite-rc4', 38601, 3],
    ['suite-64bit-block', 38657, 3],
    ['suite-anonymous', 38142, 4],
    ['beast', 42366, 3],
    ['poodle', 38603, 3],
    ['heartbleed', 42430, 4],
    ['lucky-minus-20', 38626, 4],
    ['cert-expired', 38167, 2],
    ['cert-self-signed', 38169, 2],
    ['cert-hostname-mismatch', 38170, 2],
    ['cert-untrusted', 38173, 2],
    ['cert-validity-too-long', 38685, 2],
    ['hsts-missing', 11827, 2],
  ] as const)('%s → QID %i, severity %i', (finding, qid, severity) => {
    expect(qidFor(finding)).toMatchObject({ qid, severity });
    expect(vulns(finding)).toEqual([{ qid, title: qidFor(finding)!.title, severity }]);
  });

  it('uses the titles of the CertView samples for their QIDs', () => {
    expect(vulns('info-certificate', 'info-protocol-properties', 'info-ssl-server')).toEqual([
      { qid: 38116, title: 'SSL Server Information Retrieval', severity: 1 },
      { qid: 38706, title: 'SSL/TLS Protocol Properties', severity: 1 },
      { qid: 86002, title: 'SSL Certificate - Information', severity: 1 },
    ]);
    expect(qidFor('info-version-tolerance')?.title).toBe('SSL/TLS invalid protocol version tolerance');
    expect(qidFor('info-hsts')?.title).toBe('HTTP Strict Transport Security (HSTS) Support Detected');
    expect(qidFor('info-secure-renegotiation')?.title).toBe(
      'TLS Secure Renegotiation Extension Support Information',
    );
  });

  it('produces nothing for findings without a confirmed QID', () => {
    expect(UNMAPPED_FINDINGS).toEqual(
      expect.arrayContaining(['protocol-sslv2', 'protocol-tls11', 'robot', 'suite-null', 'drown', 'freak']),
    );
    expect(vulnerabilitiesFor(new Set(UNMAPPED_FINDINGS))).toEqual([]);
  });

  it('produces nothing for an unknown finding id', () => {
    expect(vulnerabilitiesFor(new Set(['no-such-finding' as FindingId]))).toEqual([]);
    expect(vulnerabilitiesFor(new Set(['no-such-finding' as FindingId, 'heartbleed']))).toEqual([
      { qid: 42430, title: 'OpenSSL Memory Leak Vulnerability (Heartbleed Bug)', severity: 4 },
    ]);
  });

  it('returns nothing for no findings', () => {
    expect(vulnerabilitiesFor(new Set())).toEqual([]);
  });
});

describe('vulnerabilitiesFor ordering', () => {
  it('sorts by severity, highest first, then by QID', () => {
    const out = vulns(
      'info-ssl-server',
      'cert-self-signed',
      'protocol-tls10',
      'heartbleed',
      'info-certificate',
      'beast',
      'suite-anonymous',
      'cert-untrusted',
      'robot',
    );
    expect(out.map((v) => [v.severity, v.qid])).toEqual([
      [4, 38142],
      [4, 42430],
      [3, 38628],
      [3, 42366],
      [2, 38169],
      [2, 38173],
      [1, 38116],
      [1, 86002],
    ]);
  });

  it('does not depend on the order of the input set', () => {
    const all = QID_TABLE.map((r) => r.finding);
    const forward = vulnerabilitiesFor(new Set(all));
    const backward = vulnerabilitiesFor(new Set([...all].reverse()));
    expect(backward).toEqual(forward);
    expect(forward).toHaveLength(QID_TABLE.length);
    for (let i = 1; i < forward.length; i++) {
      const [a, b] = [forward[i - 1]!, forward[i]!];
      expect(a.severity > b.severity || (a.severity === b.severity && a.qid < b.qid)).toBe(true);
    }
  });

  it('returns only qid, title and severity', () => {
    for (const v of vulns('poodle', 'info-ssl-server'))
      expect(Object.keys(v).sort()).toEqual(['qid', 'severity', 'title']);
  });
});

describe('docs/qids.md', () => {
  it('lists exactly the QIDs of the code table', () => {
    expect(new Set(docRows().map((r) => r.qid))).toEqual(new Set(QID_TABLE.map((r) => r.qid)));
  });

  it('agrees with the code on every row', () => {
    const rows = docRows();
    expect(rows).toHaveLength(QID_TABLE.length);
    for (const r of QID_TABLE) {
      const doc = rows.find((d) => d.qid === r.qid);
      expect(doc, `QID ${r.qid} in docs`).toBeDefined();
      expect({ finding: doc!.finding, title: doc!.title, severity: doc!.severity }).toEqual({
        finding: r.finding,
        title: r.title,
        severity: r.severity,
      });
      expect(doc!.informational, `informational flag of QID ${r.qid}`).toBe(r.informational);
      expect(doc!.source, `source of QID ${r.qid}`).not.toBe('');
    }
  });

  it('lists exactly the unmapped findings', () => {
    const listed = section('Findings without a confirmed QID')
      .map((l) => /^- `([a-z0-9-]+)`/.exec(l)?.[1])
      .filter((f): f is string => f !== undefined);
    expect(new Set(listed).size).toBe(listed.length);
    expect(new Set(listed)).toEqual(new Set(UNMAPPED_FINDINGS));
  });
});
