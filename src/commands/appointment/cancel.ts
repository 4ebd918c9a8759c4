import { transitionCommand } from './transition.js';

export const run = transitionCommand('cancel');
