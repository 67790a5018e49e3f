/** Moved to test/helpers/results.ts; kept until every importer uses that path. */
export { resultWith } from '../helpers/results.js';
