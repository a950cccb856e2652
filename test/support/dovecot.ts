// A real Dovecot IMAP server for tests: `dovecot -F -c <scratch config>` on a free 127.0.0.1 port, one passwd-file
// user, Maildir in a temporary folder. Mail is delivered with IMAP APPEND. Stop it (and remove the folder) with stop().
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

const DOVECOT = process.env.KIZUKI_DOVECOT_BIN ?? '/usr/sbin/dovecot';

export interface TestDovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  /** the scratch folder (config, logs, Maildir) */
  dir: string;
  /** the Maildir of the user */
  maildir: string;
  /** delivers a message into a folder with IMAP APPEND (the folder is created when missing); returns its UID */
  deliver(raw: string | Buffer, folder?: string): Promise<number>;
  /** a connected client of its own, for looking at the mailbox in tests (log it out yourself) */
  client(): Promise<ImapFlow>;
  /** UIDs and Message-IDs in a folder */
  list(folder: string): Promise<Array<{ uid: number; messageId: string }>>;
  /** stops the server (waits for it to exit); start() brings it back on the same port with the same mail */
  halt(): Promise<void>;
  start(): Promise<void>;
  /**
   * Makes the server forget the folder's UIDs, as a restore from backup or a migration does: the same messages come
   * back under a new UIDVALIDITY. The server is halted and started again around it.
   */
  resetUidValidity(folder?: string): Promise<void>;
  /** halts the server and removes the scratch folder */
  stop(): Promise<void>;
}

export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function configText(dir: string, port: number, mailOwner: { user: string; group: string }): string {
  return `# written by test/support/dovecot.ts
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
mail_location = maildir:${dir}/mail/%u
mail_max_userip_connections = 50
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${mailOwner.user} gid=${mailOwner.group} home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
}

/** Starts a Dovecot for one test file. Throws with a plain message when dovecot-imapd is not installed. */
export async function startDovecot(options: { user?: string; password?: string } = {}): Promise<TestDovecot> {
  if (!dovecotAvailable()) throw new Error(`Dovecot not found at ${DOVECOT}: apt-get install dovecot-imapd`);
  const user = options.user ?? 'iwanaga@example.jp';
  const password = options.password ?? 'correct horse battery';
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-dovecot-'));
  // Dovecot's auth and mail processes run as unprivileged users: they must be able to reach the folder
  chmodSync(dir, 0o755);
  const port = await freePort();
  // As root, the mail belongs to the unprivileged 'dovecot' user (Dovecot refuses mail access as root).
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot
    ? { user: 'dovecot', group: 'dovecot' }
    : { user: execFileSync('id', ['-un'], { encoding: 'utf8' }).trim(), group: execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim() };
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'dovecot'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'dovecot'], { encoding: 'utf8' }).trim());
    chownSync(join(dir, 'mail'), uid, gid);
  }
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
  const configFile = join(dir, 'dovecot.conf');
  writeFileSync(configFile, configText(dir, port, owner));
  const maildir = join(dir, 'mail', user);

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const proc = spawn(DOVECOT, ['-F', '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    const errors: Buffer[] = [];
    proc.stderr?.on('data', (chunk: Buffer) => errors.push(chunk));
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    child = proc;
    for (let i = 0; i < 200; i++) {
      if (proc.exitCode !== null) throw new Error(`dovecot exited (${proc.exitCode}): ${Buffer.concat(errors).toString()}`);
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`dovecot did not start listening on 127.0.0.1:${port}`);
  };

  const halt = async () => {
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    await exited;
    child = undefined;
  };

  const client = async () => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
    await c.connect();
    return c;
  };

  await start();

  const handle: TestDovecot = {
    host: '127.0.0.1',
    port,
    user,
    password,
    dir,
    maildir,
    async deliver(raw, folder = 'INBOX') {
      const c = await client();
      try {
        if (folder !== 'INBOX') {
          const known = await c.list();
          if (!known.some((box) => box.path === folder)) await c.mailboxCreate(folder);
        }
        const result = await c.append(folder, typeof raw === 'string' ? Buffer.from(raw) : raw);
        if (!result || typeof result.uid !== 'number') throw new Error('APPEND gave no UID');
        return result.uid;
      } finally {
        await c.logout().catch(() => {});
      }
    },
    client,
    async list(folder) {
      const c = await client();
      try {
        const lock = await c.getMailboxLock(folder, { readOnly: true });
        try {
          const found: Array<{ uid: number; messageId: string }> = [];
          if (!c.mailbox || c.mailbox.exists === 0) return found;
          for await (const m of c.fetch('1:*', { uid: true, envelope: true })) {
            found.push({ uid: m.uid, messageId: (m.envelope?.messageId ?? '').replace(/^<|>$/g, '') });
          }
          return found;
        } finally {
          lock.release();
        }
      } finally {
        await c.logout().catch(() => {});
      }
    },
    halt,
    start,
    async resetUidValidity(folder = 'INBOX') {
      await halt();
      const box = folder === 'INBOX' ? maildir : join(maildir, `.${folder}`);
      for (const name of readdirSync(box)) {
        if (name === 'dovecot-uidlist' || name.startsWith('dovecot.index')) rmSync(join(box, name), { force: true });
      }
      await start();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
