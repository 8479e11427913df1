import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { maskIdentifiers } from '../../src/domain/sharing/free-text.ts';

test('phones, e-mails, document numbers and known names are masked; dates and words are not (MIN-5)', () => {
  const note =
    'Met on 2026-03-14. Her brother Ahmad Al-Halabi (+963 944 123 457, ahmad@example.org) holds passport ' +
    'N7Q31K8842; call 0944123457 after 5. Case 12 of 2025.';
  const { text, counts } = maskIdentifiers(note, ['Ahmad Al-Halabi']);
  assert.equal(
    text,
    'Met on 2026-03-14. Her brother [name] ([phone], [email]) holds passport [number]; call [phone] after 5. Case 12 of 2025.',
  );
  assert.deepEqual(counts, { phone: 2, email: 1, number: 1, name: 1 });
  // Arabic script and Arabic-Indic digits too.
  const arabic = maskIdentifiers('اتصل بأخيها محمد على ٠٩٤٤١٢٣٤٥٧', ['محمد']);
  assert.equal(arabic.text, 'اتصل بأخيها [name] على [phone]');
});

test('no phone-like run of 7 digits survives masking', () => {
  fc.assert(
    fc.property(fc.string(), fc.stringMatching(/^\+?\d{7,12}$/), fc.string(), (before, phone, after) => {
      const { text } = maskIdentifiers(`${before} ${phone} ${after}`);
      assert.ok(!text.includes(phone), text);
    }),
  );
});
