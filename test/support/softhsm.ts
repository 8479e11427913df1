import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './haven.ts';

/** SoftHSM (Debian `softhsm2`) as the HSM in tests; CI installs it, so there it must be present. */
export const SOFTHSM_LIBRARY = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
].find((file) => existsSync(file));

export function softHsmSkipReason(): string | false {
  if (SOFTHSM_LIBRARY) return false;
  if (process.env.CI) throw new Error('SoftHSM is missing in CI: .ci/run must install softhsm2');
  return 'SoftHSM (Debian package softhsm2) is not installed here; the PKCS#11 tests need it';
}

export interface SoftHsmToken {
  library: string;
  label: string;
  pin: string;
  env: Record<string, string>;
}

/** A fresh token in its own directory; SOFTHSM2_CONF points the library at it for this process. */
export function newSoftHsmToken(label = 'haven'): SoftHsmToken {
  const dir = tempDir('haven-softhsm-');
  mkdirSync(path.join(dir, 'tokens'));
  const conf = path.join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  const pin = '246813579';
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--so-pin', '13579246', '--pin', pin],
    {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'ignore',
    },
  );
  return { library: SOFTHSM_LIBRARY!, label, pin, env: { SOFTHSM2_CONF: conf } };
}
