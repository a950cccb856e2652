// A playbook runner in a process of its own, for the kill -9 tests: it runs the account-takeover playbook on a
// SQLite file against a local organisation kept in a JSON file (so the provider's call log outlives this process).
//   node respond-child.js <store-url> <org-file> <ms-per-call> [<action-kind-after-whose-call-to-die>]
// Prints `step <id> <step> <state>` after each step and `finished <run state>` at the end.
import { LocalProvider } from '../../src/providers/local/index.js';
import type { ActionRequest, Provider } from '../../src/providers/types.js';
import { DEFAULT_RESPOND_CONFIG } from '../../src/respond/config.js';
import { loadPlaybooks } from '../../src/respond/playbook.js';
import { ResponseRunner } from '../../src/respond/runner.js';
import { openStore } from '../../src/store/index.js';
import { makeContext } from '../respond/fixtures.js';

const [storeUrl, orgFile, msText, dieAfter] = process.argv.slice(2);
if (!storeUrl || !orgFile) {
  process.stderr.write('usage: respond-child <store-url> <org-file> <ms-per-call> [<die-after-kind>]\n');
  process.exit(2);
}
const ms = Number(msText ?? 0);
const local = new LocalProvider({ stateFile: orgFile, callMs: ms, sleep: (wait) => new Promise((resolve) => setTimeout(resolve, wait)) });
// Dies the hard way right after the provider made the call and before the runner could record it.
const provider: Provider = Object.assign(Object.create(local) as LocalProvider, {
  act: async (request: ActionRequest) => {
    const result = await local.act(request);
    if (dieAfter && request.kind === dieAfter) process.kill(process.pid, 'SIGKILL');
    return result;
  },
});
const playbook = (await loadPlaybooks()).playbooks.find((p) => p.id === 'account-takeover');
if (!playbook) throw new Error('account-takeover playbook missing');
const store = await openStore(storeUrl);
const runner = new ResponseRunner({
  store,
  providers: [provider],
  playbooks: [playbook],
  orgDomains: ['example.jp'],
  config: { ...DEFAULT_RESPOND_CONFIG, mode: 'automatic' },
  onStep: (step) => process.stdout.write(`step ${step.id} ${step.step} ${step.state}\n`),
});
const run = await runner.start(playbook, makeContext());
process.stdout.write(`finished ${run.state}\n`);
await store.close();
await local.close();
