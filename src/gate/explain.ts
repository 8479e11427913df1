/**
 * What each refusal means, for the person refused (ACC-9). The codes are stable; the web app translates them.
 * No message names a value or says more about the person than the code does.
 */
const MESSAGES: Record<string, string> = {
  'purpose-prohibited': 'This purpose is prohibited: Haven never processes data for it (PUR-2).',
  'purpose-not-usable': 'This purpose is suspended on the purpose register.',
  'dpia-not-approved':
    'This purpose needs a data protection impact assessment (DPIA), and none is approved: nothing can be done for it until one is (PUR-6).',
  'dpia-expired':
    'The data protection impact assessment (DPIA) of this purpose is past its review date: nothing can be done for it until it is approved again (PUR-6).',
  'other-organisation': 'This person is not registered by your organisation.',
  'tier-too-low': 'This information is above your clearance tier.',
  'passkey-required': 'This information needs a sign-in with a passkey.',
  'not-in-caseload': 'This person is not in your caseload.',
  'person-restricted':
    'The person asked for processing of their data to be restricted (GDPR 18): until the restriction is lifted, their data is only kept, and used only to act on their rights or on legal claims.',
  'not-in-purpose-data-set': 'This information is not needed for the purpose you declared.',
  'no-consent-or-legal-basis': 'There is no consent or other legal basis on record for this purpose.',
  'consent-withdrawn': 'The person withdrew their consent for this purpose.',
  'consent-expired': 'The person’s consent for this purpose has expired.',
  'legal-basis-not-allowed': 'The legal basis on record is not one this purpose accepts.',
  'own-proposal': 'Someone other than the proposer must approve this.',
  'not-permitted': 'Your role does not allow this.',
  'policy-error': 'The access policies could not decide this request; it is refused.',
  'person-not-found': 'No person with that id is visible to you.',
  'origin-state-authority':
    'Nothing about this person goes to the authorities of a state that their nationality, origin or asylum claim concerns (SHA-3).',
  consent_withdrawn:
    'The person withdrew their consent (or their legal basis ended) for what this agreement is for: nothing more about them goes to the partner (PUR-4).',
};

/** Every reason a policy or the gate gives for a refusal (a test provokes each and finds it in the ledger). */
export const REFUSAL_REASONS: readonly string[] = Object.keys(MESSAGES);

export function explain(reason: string): string {
  return MESSAGES[reason] ?? 'This is not allowed.';
}

/** The most telling reason of several, for one-line refusals (the full list is in `withheld`). */
const PRIORITY = [
  'purpose-prohibited',
  'dpia-expired',
  'dpia-not-approved',
  'purpose-not-usable',
  'other-organisation',
  // SHA-3 before anything else about the person: it is the one reason never to be outweighed.
  'origin-state-authority',
  // After other-organisation: another organisation must not learn that a person it cannot see is restricted.
  'person-restricted',
  'consent-withdrawn',
  'consent_withdrawn',
  'consent-expired',
  'no-consent-or-legal-basis',
  'legal-basis-not-allowed',
  'not-in-caseload',
  'not-in-purpose-data-set',
  'tier-too-low',
  'passkey-required',
  'own-proposal',
  'policy-error',
  'not-permitted',
];

export function primaryReason(reasons: readonly string[]): string {
  for (const code of PRIORITY) if (reasons.includes(code)) return code;
  return reasons[0] ?? 'not-permitted';
}
