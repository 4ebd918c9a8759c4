/**
 * Runs the built `crm` binary on a real pseudo-terminal, without native modules: Python's standard
 * `pty` module forks the child on a new terminal and relays bytes both ways (our writes to the
 * terminal, the terminal's output to us), then exits with the child's exit code. A test waits for a
 * prompt's text before typing its answer, as a person would.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { CRM_BIN, ROOT } from './cli.js';

const RELAY = `
import errno, fcntl, os, pty, select, struct, sys, termios

pid, master = pty.fork()
if pid == 0:
    # A fixed terminal, 200 columns unless PTY_COLUMNS says otherwise: prompts never wrap.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, int(os.environ.get("PTY_COLUMNS", "200")), 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])

sys.stderr.write("crm-pid %d\\n" % pid)
sys.stderr.flush()

watched = [master, 0]
while master in watched:
    ready, _, _ = select.select(watched, [], [])
    if 0 in ready:
        data = os.read(0, 4096)
        if data:
            os.write(master, data)
        else:
            watched.remove(0)  # our end closed: the child keeps its terminal
    if master in ready:
        try:
            data = os.read(master, 4096)
        except OSError as e:  # EIO: the child's side of the terminal is closed
            if e.errno != errno.EIO:
                raise
            data = b""
        if data:
            os.write(1, data)
        else:
            watched.remove(master)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
`;

/** The Python interpreter to use, or null when there is none with a working `pty` module. */
export const PYTHON: string | null = (() => {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-c', 'import pty, termios, fcntl; print("ok")'], {
      encoding: 'utf8',
    });
    if (probe.status === 0 && probe.stdout.trim() === 'ok') return candidate;
  }
  return null;
})();

/**
 * Whether pseudo-terminal tests are skipped: only off CI, when there is no python3 with `pty`.
 * Under CI=true they run, and fail with a line saying python3 is missing, so that a CI image
 * without python3 cannot pass the prompt tests by skipping them silently.
 */
export const SKIP_PTY_TESTS = !PYTHON && !process.env.CI;
export const PTY_TESTS_LABEL = PYTHON
  ? 'python3 pty'
  : process.env.CI
    ? 'FAILS under CI: needs python3 with the standard pty module'
    : 'skipped: needs python3 with the standard pty module';

export interface PtySession {
  child: ChildProcess;
  /** Everything the terminal showed so far, raw (escape sequences and all). */
  raw(): string;
  /** What the terminal showed so far, escape sequences removed. */
  text(): string;
  /** Resolves once `pattern` appears in the (plain) output after `from`; rejects on timeout or exit. */
  waitFor(pattern: string | RegExp, options?: { timeoutMs?: number; from?: number }): Promise<number>;
  /** Types on the terminal (an answer to an inquirer prompt ends with "\r"). */
  type(text: string): void;
  /** Resolves with the exit code when the relay (and so the child) has exited. */
  exited: Promise<number | null>;
  /** The process id of crm itself (the relay's child), e.g. to kill it with SIGKILL. */
  crmPid(): number | undefined;
}

/**
 * Starts `crm args…` on a pseudo-terminal (stdin and stdout are a TTY); the environment is that of
 * `startCli` (NO_COLOR, CRM_OPERATOR=tester, no inherited DATABASE_URL) plus `env`.
 */
export function startCliOnPty(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { columns?: number } = {},
): PtySession {
  if (!PYTHON) throw new Error('no python3 with the pty module on this machine');
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    CRM_OPERATOR: 'tester',
    TERM: 'xterm-256color',
    PTY_COLUMNS: String(options.columns ?? 200),
    ...env,
  };
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  const child = spawn(PYTHON, ['-c', RELAY, process.execPath, CRM_BIN, ...args], {
    env: childEnv as NodeJS.ProcessEnv,
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let raw = '';
  let relayErrors = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    raw += d;
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d) => {
    relayErrors += d;
  });
  let done = false;
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      done = true;
      for (const l of listeners) l();
      resolve(code);
    });
  });
  const text = () => stripVTControlCharacters(raw);
  const session: PtySession = {
    child,
    raw: () => raw,
    text,
    waitFor(pattern, { timeoutMs = 20_000, from = 0 } = {}) {
      return new Promise((resolve, reject) => {
        const find = (): number => {
          const rest = text().slice(from);
          const at = typeof pattern === 'string' ? rest.indexOf(pattern) : rest.search(pattern);
          return at < 0 ? -1 : from + at;
        };
        const check = () => {
          const at = find();
          if (at >= 0) {
            cleanup();
            resolve(at);
          } else if (done) {
            cleanup();
            reject(
              new Error(
                `crm exited before showing ${String(pattern)}; terminal:\n${text()}\n${relayErrors.replace(/crm-pid \d+\n/, '')}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${String(pattern)}; terminal:\n${text()}\n${relayErrors}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    type(input) {
      child.stdin!.write(input);
    },
    exited,
    crmPid: () => {
      const m = /crm-pid (\d+)/.exec(relayErrors);
      return m ? Number(m[1]) : undefined;
    },
  };
  return session;
}
