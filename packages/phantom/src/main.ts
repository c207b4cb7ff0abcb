#!/usr/bin/env node
import { phantomCommand } from './command.js';

await phantomCommand().parseAsync();
