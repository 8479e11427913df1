// Writes docs/schemas/access-answer.schema.json from the schema the API answers with (test/rights keeps them equal).
import { writeFileSync } from 'node:fs';
import { AccessAnswerSchema } from '../src/rights/access-answer-schema.ts';

const file = new URL('../docs/schemas/access-answer.schema.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(AccessAnswerSchema, null, 2)}\n`);
