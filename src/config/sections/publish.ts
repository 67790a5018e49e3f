import { z } from 'zod';

/** Reporting and publishing to GitHub. */
export const reportSchema = z
  .strictObject({
    /** Post (and update in place) one PR comment. */
    comment: z.boolean().default(true),
    /** Identifies this config's comment when several perfgate configs run on one PR. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "-", "_" or "."')
      .default('default'),
    html: z.boolean().default(true),
    /** Link shown in the PR comment to the run's artifacts. */
    artifactName: z.string().default('perfgate-report'),
  })
  .default({ comment: true, id: 'default', html: true, artifactName: 'perfgate-report' });

export const alertsSchema = z
  .strictObject({
    /** Open one issue per regression on scheduled runs and close it on recovery. */
    issues: z.boolean().default(false),
    labels: z.array(z.string()).default(['performance', 'perfgate']),
    /** Name of the environment variable holding a Slack-compatible webhook URL. */
    webhookEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'expected an environment variable name')
      .optional(),
  })
  .default({ issues: false, labels: ['performance', 'perfgate'] });
