/**
 * How tests run `parley`: the TypeScript sources through tsx, so no build is needed.
 * (bin/parley.js runs the build in dist/; test/build checks that one.)
 */
export const PARLEY_CLI: readonly string[] = ['--import', 'tsx', 'src/cli.ts'];
