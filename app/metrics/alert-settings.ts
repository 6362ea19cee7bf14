// The alert rules' thresholds: one zod schema, so settings from a file or the UI are checked and
// every missing value has its documented default (docs/audit.md, "Alerts").
import * as z from 'zod';
import { auditKindSchema } from '../audit-event/event.ts';

export const alertSettingsSchema = z
  .object({
    /** N denials from one extension within W seconds. */
    denialBurst: z
      .object({
        enabled: z.boolean().default(true),
        denials: z.number().int().min(1).default(20),
        windowSeconds: z.number().positive().max(86_400).default(10),
      })
      .strict()
      .prefault({}),
    /** The first time an extension does a kind of access (kind and op), e.g. its first net/fetch. */
    firstSeenAccess: z
      .object({
        enabled: z.boolean().default(true),
        kinds: z.array(auditKindSchema).default(['fs', 'net', 'ipc', 'process', 'permission']),
      })
      .strict()
      .prefault({}),
    /** CPU above `percent` (100 = one core) for `seconds` on end. */
    sustainedCpu: z
      .object({
        enabled: z.boolean().default(true),
        percent: z.number().positive().max(100_000).default(90),
        seconds: z.number().positive().max(86_400).default(30),
      })
      .strict()
      .prefault({}),
    /** After an alert, the same rule stays quiet for the same extension this long. */
    cooldownSeconds: z.number().nonnegative().max(86_400).default(60),
  })
  .strict();

export type AlertSettings = z.output<typeof alertSettingsSchema>;
export type AlertSettingsInput = z.input<typeof alertSettingsSchema>;
