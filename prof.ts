import { TWENTY_FIELDS } from './bench/b5-encryption.ts';
import { startBenchServer } from './bench/haven-server.ts';
import { readPerson } from './src/gate/read.ts';
import { registerPerson } from './src/gate/register.ts';

const s = await startBenchServer();
const ids: string[] = [];
for (let i = 0; i < 300; i++)
  ids.push(
    (
      await registerPerson(
        s.haven.gate,
        {
          actor: { kind: 'importer', organisationId: s.organisationId, importId: 'b' },
          purpose: 'registration',
        },
        {
          values: TWENTY_FIELDS,
          basis: { kind: 'consent', noticeVersion: '1', noticeLanguage: 'ar', method: 'written' },
        },
      )
    ).id,
  );
const { rows } = await s.haven.db.query<{ id: string }>('select id from staff_account limit 1');
const actor = {
  kind: 'staff' as const,
  accountId: rows[0]!.id,
  organisationId: s.organisationId,
  role: 'clerk' as const,
  tier: 2,
  assurance: 2,
};
for (const id of ids) await readPerson(s.haven.gate, { actor, purpose: 'registration' }, id);
let t0 = performance.now();
await Promise.all(
  Array.from({ length: 16 }, async (_, k) => {
    for (let r = 0; r < 3; r++)
      for (let i = k; i < ids.length; i += 16)
        await readPerson(s.haven.gate, { actor, purpose: 'registration' }, ids[i]!);
  }),
);
console.log('16-way gate read per op ms', (performance.now() - t0) / (ids.length * 3));
// HTTP
const h = { ...s.headers, 'x-haven-purpose': 'registration' };
t0 = performance.now();
await Promise.all(
  Array.from({ length: 16 }, async (_, k) => {
    for (let i = k; i < ids.length; i += 16)
      await (await fetch(`${s.url}/api/persons/${ids[i]}`, { headers: h })).text();
  }),
);
console.log('16-way http read per op ms', (performance.now() - t0) / ids.length);
t0 = performance.now();
await Promise.all(
  Array.from({ length: 16 }, async (_, k) => {
    for (let i = k; i < ids.length; i += 16) await (await fetch(`${s.url}/healthz`)).text();
  }),
);
console.log('16-way healthz per op ms', (performance.now() - t0) / ids.length);
t0 = performance.now();
await Promise.all(
  Array.from({ length: 16 }, async (_, k) => {
    for (let i = k; i < ids.length; i += 16)
      await (await fetch(`${s.url}/api/account/factors`, { headers: h })).text();
  }),
);
console.log('16-way authed trivial per op ms', (performance.now() - t0) / ids.length);
await s.close();
