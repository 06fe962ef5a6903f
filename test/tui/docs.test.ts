/** docs/cli.md stays in step with `parley chat`: every flag and every command is documented. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { CHAT_FLAGS } from '../../src/tui/args.ts';
import { COMMANDS } from '../../src/tui/commands.ts';

const cli = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');

it('docs/cli.md documents every flag and command of parley chat', () => {
  for (const flag of CHAT_FLAGS) expect(cli, flag).toContain(`\`${flag}`);
  for (const c of COMMANDS) expect(cli, c.name).toContain(`\`/${c.name}`);
});
