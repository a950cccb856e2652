// npm's "prepare" step: builds Kizuki after `npm ci` / `npm install`.
// `npx kizuki …` from this folder also runs "prepare" here the first time (npm links the project into its npx cache).
// A rebuild then would delete build/ under a running `kizuki serve` or test run, so it is skipped when a build exists.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.env.npm_command === 'exec' && existsSync('build/src/bundle/kizuki.js')) process.exit(0);
execSync('npm run build', { stdio: 'inherit' });
