/**
 * The GitHub workflow that `perfgate init` writes: the action in A/B mode on every pull request,
 * the gate the README recommends (base and head measured on the same runner in interleaved
 * trials, so the runner's noise cancels out). The install step follows the project: `npm ci`
 * with a lockfile, `npm install` without one, none without a package.json.
 */
import type { ProjectDetection } from './detect.js';

const PUBLISHING_DOCS = 'https://github.com/perfgate/perfgate/blob/main/docs/publishing.md';

export function renderWorkflow(detection: Pick<ProjectDetection, 'install'>): string {
  const install = detection.install ? `      - run: ${detection.install}\n` : '';
  return `# perfgate on every pull request: measures the pull request's head against its base on the same
# runner (A/B), fails on a significant slowdown past the gates of perfgate.yml, and comments the
# result on the pull request. Written by \`perfgate init\`.
name: perfgate
on:
  pull_request:
permissions:
  contents: read
  # The sticky comment on the pull request. A pull request from a fork gets a read-only token:
  # perfgate then keeps the result in the job summary and does not fail for it. To comment on
  # forks' pull requests too, see ${PUBLISHING_DOCS}
  pull-requests: write
jobs:
  perf:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          # The whole history: the A/B run needs the pull request's base commit beside its head.
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 24
${install}      - uses: perfgate/perfgate@v0
        with:
          mode: ab
          config: perfgate.yml
`;
}
