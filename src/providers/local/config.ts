// Configuration of the `local` provider: an in-memory (or JSON-file) organisation for demos and tests.
import { z } from 'zod';

export const localProviderSchema = z
  .object({
    kind: z.literal('local'),
    name: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only').default('local'),
    /** a JSON file holding the organisation; changes are written back after every action. Absent: memory only */
    stateFile: z.string().min(1).optional(),
    /** a scenario to seed the organisation from when the state file does not exist yet */
    scenario: z.string().min(1).optional(),
    /** simulated time each API call takes (used by the replay; 0 = none) */
    callMs: z.number().int().min(0).default(0),
  })
  .strict();

export type LocalProviderConfig = z.infer<typeof localProviderSchema>;
