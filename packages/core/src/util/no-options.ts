import { z } from 'zod';

/** The options schema of a contribution that takes none: an empty object, unknown keys refused. */
export const noOptions = z.object({}).strict() as unknown as z.ZodType<Record<string, never>>;
