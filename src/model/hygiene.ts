/** What one GET of a profile's path showed about HTTP hygiene: the collector records it, analysis judges it. */
export interface HygieneFinding {
  path: string;
  bytes: number;
  contentType: string;
  encoding: string | undefined;
  connection: string | undefined;
}
