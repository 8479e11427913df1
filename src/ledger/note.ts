/**
 * The ledger's signed notes (AUD-3), in one module: C2SP signed notes and keys (signed-note.ts), checkpoints and
 * witness cosignatures (checkpoint.ts).
 */

export {
  type Checkpoint,
  cosign,
  cosignatureMessage,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  verifyCosignature,
} from './checkpoint.ts';
export {
  ALG_COSIGNATURE_V1,
  ALG_ED25519,
  addSignatures,
  asCosignatureKey,
  isValidKeyName,
  type KeyAlgorithm,
  keyId,
  type Note,
  type NoteSignature,
  type NoteSigner,
  newSignerKey,
  parseNote,
  parseSignatureLine,
  parseSignerKey,
  parseVerifierKey,
  rawPublicKey,
  type SignerKey,
  signNote,
  type VerifiedSignature,
  type VerifierKey,
  verifierKeyString,
  verifyNote,
} from './signed-note.ts';
