/** Moved to test/helpers/results.ts; bench/ still imports this path. */
export { profile, result } from '../helpers/results.js';
