import { checkSymbol, groupsOfFour, normaliseCode, randomCode } from '../codes.ts';
import { HavenError } from '../errors.ts';

/**
 * The code printed on a person's registration card (RIG-1, the portal's sign-in with a PIN): 65 random bits as 13
 * Crockford base32 characters and a check symbol, in groups of four so it can be read aloud over a shared phone
 * (`7K2M-QX9D-4HTR-B*`). A mistyped character is caught by the check symbol before anything is looked up.
 */
export const CARD_CODE_LENGTH = 13;

export function newCardCode(): string {
  const code = randomCode(CARD_CODE_LENGTH);
  return groupsOfFour(code + checkSymbol(code));
}

/** The canonical code (no separators) if it is well formed and its check symbol fits; otherwise a 422. */
export function parseCardCode(typed: string): string {
  const code = normaliseCode(typed);
  const body = code.slice(0, CARD_CODE_LENGTH);
  if (code.length !== CARD_CODE_LENGTH + 1 || !/^[0-9A-HJKMNP-TV-Z]+$/.test(body)) {
    throw new HavenError('card-code-invalid', 'A card code has 14 characters; check it against the card.', {
      status: 422,
    });
  }
  if (checkSymbol(body) !== code.slice(CARD_CODE_LENGTH)) {
    throw new HavenError('card-code-mistyped', 'One of the characters is wrong; check it against the card.', {
      status: 422,
    });
  }
  return code;
}
