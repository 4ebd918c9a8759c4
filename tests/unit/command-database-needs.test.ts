import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import type { DatabaseNeed } from '../../src/commands/_shared/lazy.js';

/** Every runnable command of the tree, as the words an operator types. */
function leaves(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  if (command.commands.length === 0) return [{ path, command }];
  return command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

/** Runs each command just far enough to learn the need it declared: its context is never used. */
async function declaredNeeds(): Promise<Map<string, DatabaseNeed>> {
  const needs = new Map<string, DatabaseNeed>();
  const stop = new Error('stop');
  const program = buildProgram((_flags, need) => {
    needs.set(current, need);
    throw stop;
  });
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  let current = '';
  for (const leaf of leaves(program)) {
    current = leaf.path.join(' ');
    // Dummy values for what the command requires, so that commander reaches its action.
    const args = leaf.command.registeredArguments.filter((a) => a.required).map(() => 'x');
    const options = leaf.command.options.filter((o) => o.mandatory).flatMap((o) => [o.long!, 'x']);
    await program.parseAsync([...leaf.path, ...args, ...options], { from: 'user' }).catch((error) => {
      if (error !== stop) throw error;
    });
  }
  return needs;
}

describe('what each command needs of the embedded data folder', () => {
  it('every command declares it; only commands that can work on an empty database may create one', async () => {
    const needs = await declaredNeeds();
    const all = leaves(buildProgram(() => ({}) as never)).map((l) => l.path.join(' '));
    expect([...needs.keys()].sort()).toEqual(all.sort());
    const creators = [...needs].filter(([, need]) => need === 'creates-database').map(([name]) => name);
    expect(creators.sort()).toEqual([
      'db migrate',
      // The demo builds its data set on an empty database: creating one is its first step.
      'demo',
      'doctor add',
      'hospital add',
      'message template set',
      'owner add',
      'patient add',
      'patient import',
    ]);
    // What cron runs, and every read, needs an existing database.
    for (const name of [
      'hospital list',
      'payout run',
      'reminder send',
      'transaction import',
      'contract expire-due',
    ])
      expect(needs.get(name), name).toBe('needs-database');
  });
});
