// A Host that answers from tables, and records what it was asked: for the readers' unit tests.
// `sh -c SCRIPT` runs through the lab's shell, its programs answered from the same table.
import { runScript } from '../../src/lab/shell.js';
import { ApiError, RemoteCommandFailed, Unreachable, type ApiResult, type ExecOptions, type ExecResult, type Host, type Service } from '../../src/remote/index.js';

export type Answer = unknown | ((body: unknown) => unknown);

export class FakeHost implements Host {
  readonly calls: string[] = [];
  /** `${service} ${path}` → metadata, or an Error to throw. Missing keys answer 404. */
  readonly answers = new Map<string, Answer>();
  /** argv joined by spaces → stdout, or a full result. */
  readonly commands = new Map<string, string | Partial<ExecResult>>();
  readonly missing = new Set<Service>();

  constructor(readonly name = 'node1') {}

  /** The `sudo` option of every exec, in order. */
  readonly sudo: (boolean | undefined)[] = [];

  async exec(argv: readonly unknown[], opts: ExecOptions = {}): Promise<ExecResult> {
    const line = argv.join(' ');
    this.calls.push(`exec ${line}`);
    this.sudo.push(opts.sudo);
    const base = { exitCode: 0, signal: null, stdout: Buffer.from(''), stderr: Buffer.from(''), stdoutTruncated: false, stderrTruncated: false };
    const r: ExecResult = argv[0] === 'sh' && argv[1] === '-c' ? await this.#script(argv.map(String), base) : this.#answer(argv.map(String), base);
    // As the real Host does: a non-zero exit throws unless the caller checks it itself.
    if (opts.check !== false && r.exitCode !== 0) throw new RemoteCommandFailed(this.name, line, r.exitCode, r.signal, r.stderr.toString('utf8'));
    return r;
  }

  /** Programs a script runs, in order (argv joined by spaces). */
  readonly scripted: string[] = [];

  #answer(argv: string[], base: ExecResult): ExecResult {
    const a = this.commands.get(argv.join(' '));
    return a === undefined ? { ...base, exitCode: 127, stderr: Buffer.from(`bash: ${argv[0]}: command not found`) }
      : typeof a === 'string' ? { ...base, stdout: Buffer.from(a) } : { ...base, ...a };
  }

  async #script([, , script, name = 'sh', ...args]: string[], base: ExecResult): Promise<ExecResult> {
    const r = await runScript(script ?? '', name, args, 'sh', {
      which: (cmd) => [...this.commands.keys()].some((k) => k.split(' ')[0] === cmd) ? `/usr/bin/${cmd}` : undefined,
      run: async (argv) => {
        this.scripted.push(argv.join(' '));
        const a = this.#answer(argv, base);
        return { stdout: a.stdout.toString('utf8'), stderr: a.stderr.toString('utf8'), exitCode: a.exitCode ?? 1 };
      },
    });
    return { ...base, exitCode: r.exitCode, stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.stderr) };
  }

  async request<T>(service: Service, method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
    this.calls.push(`${service} ${method} ${path}${body !== undefined ? ` ${JSON.stringify(body)}` : ''}`);
    if (this.missing.has(service)) {
      throw new Unreachable(this.name, `${this.name}: no ${service} socket found`, { code: 'ENOENT', transient: false });
    }
    const a = this.answers.get(`${service} ${path}`);
    if (a === undefined) throw new ApiError(this.name, service, method, path, 404, 'not found');
    if (a instanceof Error) throw a;
    const metadata = (typeof a === 'function' ? (a as (b: unknown) => unknown)(body) : a) as T;
    return { type: 'sync', httpStatus: 200, metadata, operation: '' };
  }

  async waitOperation(): Promise<never> { throw new Error('not used'); }
  async socketPath(service: Service): Promise<string> { return `/run/${service}.socket`; }
  async websocket(): Promise<never> { throw new Error('FakeHost answers no websockets'); }
  async close(): Promise<void> {}

  requests(service: Service): string[] {
    return this.calls.filter((c) => c.startsWith(`${service} `));
  }
}

export const notInitialized = (host: string, service: Service, path: string): ApiError =>
  new ApiError(host, service, 'GET', path, 503, 'Database is not yet initialized');
