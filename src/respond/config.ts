// The `respond:` section of the configuration: how far playbooks may go by themselves, and the guardrails that no
// playbook can override.
import { z } from 'zod';
import { STEP_MODES } from './types.js';

const mode = z.enum(STEP_MODES as ['automatic', 'approval', 'dry-run']);
const address = z.string().min(3).transform((a) => a.trim().toLowerCase());

export const respondSchema = z
  .object({
    /**
     * The most a playbook may do unattended. approval (default): every provider action waits for a person;
     * automatic: playbooks run as written (steps that lock a person out still need strong evidence); dry-run: name
     * the calls, change nothing.
     */
    mode: mode.default('approval'),
    /** the kill switch: nothing runs while true (also `kizuki respond pause`) */
    paused: z.boolean().default(false),
    /** your own playbook folders, read after the built-in playbooks/ (same id = replaces it) */
    playbookDirs: z.array(z.string().min(1)).default([]),
    /** break-glass and administrator accounts that no playbook ever touches */
    protectedAccounts: z.array(address).default([]),
    /** at most this many different accounts acted on per hour; more waits for a person */
    maxAccountsPerHour: z.number().int().min(0).default(5),
    /** who gets staff notices; empty = every active user the provider lists */
    staff: z.array(address).default([]),
    /** transient failures (timeouts, 429, 5xx) are tried again this many times in all, waiting baseMs, 2×, 4×… */
    retry: z
      .object({ attempts: z.number().int().min(1).max(10).default(4), baseMs: z.number().int().min(0).default(2000) })
      .strict()
      .default({ attempts: 4, baseMs: 2000 }),
    /** per playbook: switch it off, or make it or some of its steps more cautious */
    playbooks: z
      .record(
        z.string(),
        z.object({ enabled: z.boolean().default(true), mode: mode.optional(), steps: z.record(z.string(), mode).default({}) }).strict(),
      )
      .default({}),
  })
  .strict();

export type RespondConfig = z.infer<typeof respondSchema>;

export const DEFAULT_RESPOND_CONFIG: RespondConfig = respondSchema.parse({});
