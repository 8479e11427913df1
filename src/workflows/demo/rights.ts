import type { Actor } from '../../gate/context.ts';
import type { Gate } from '../../gate/service.ts';
import { DemoRandom } from './random.ts';

/**
 * Cards and open requests for a few demo people (issue 16), so a newcomer can sign in to the person portal (/me)
 * and staff find rights requests on their work list. Issued through the gate like at a desk; the PINs follow from
 * the seed and are printed once with the staff credentials — synthetic people, never real ones.
 */
export interface DemoCard {
  personId: string;
  /** The name to look the person up by in the staff app. */
  name: string;
  code: string;
  pin: string;
}

export const DEMO_CARDS = 5;

const REQUESTS = [
  { kind: 'access', channel: 'in-person' },
  { kind: 'correction', channel: 'written' },
  { kind: 'erasure', channel: 'oral' },
  { kind: 'restriction', channel: 'representative' },
] as const;

/** A PIN of 4 digits that checkPin accepts (no repeated digit, no run). */
function demoPin(random: DemoRandom): string {
  for (;;) {
    const pin = random.pattern('####');
    const d = [...pin].map(Number);
    const step = d[1]! - d[0]!;
    if (!(Math.abs(step) <= 1 && d.every((x, i) => i === 0 || x - d[i - 1]! === step))) return pin;
  }
}

export async function createDemoRights(
  gate: Gate,
  people: { id: string; name: string }[],
  clerk: Actor,
  seed: number,
): Promise<{ cards: DemoCard[]; requests: number }> {
  const random = new DemoRandom(`${seed}:cards`);
  const cards: DemoCard[] = [];
  let requests = 0;
  for (const [i, person] of people.slice(0, DEMO_CARDS).entries()) {
    const request = { actor: clerk, purpose: undefined, requestId: `demo-${seed}-card-${i}` };
    const pin = demoPin(random);
    const { code } = await gate.issueCard(request, person.id, { pin });
    cards.push({ personId: person.id, name: person.name, code, pin });
    const asked = REQUESTS[i];
    if (asked) {
      await gate.receiveRightsRequest(request, person.id, asked);
      requests++;
    }
  }
  return { cards, requests };
}
