import type { Command } from 'commander';
import type { ActionFactory } from '../_shared/lazy.js';
import { registerContractCommands } from '../contract/index.js';
import { registerPayoutCommands } from '../payout/index.js';
import { registerTransactionCommands } from '../transaction/index.js';
import { registerOwnerCommands } from './index.js';

/** The Owner CRM groups (SPEC §1): owner, contract, transaction, payout. */
export function registerOwnerCrmCommands(program: Command, action: ActionFactory): void {
  registerOwnerCommands(program, action);
  registerContractCommands(program, action);
  registerTransactionCommands(program, action);
  registerPayoutCommands(program, action);
}
