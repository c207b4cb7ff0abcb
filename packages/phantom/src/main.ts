#!/usr/bin/env node
import { phantomCommand } from './command.js';
import { negativesCommand } from './negatives/command.js';

// `main.js negatives …` writes out-of-scope films; anything else is the lateral phantom as before.
if (process.argv[2] === 'negatives') await negativesCommand().parseAsync(process.argv.slice(3), { from: 'user' });
else await phantomCommand().parseAsync();
