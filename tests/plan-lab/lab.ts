// An in-process lab for the plan tests: a LabSite, and the files `microcloud lab up` would write
// next to it (the client key and a site.yaml with every machine's SSH endpoint and pinned host key),
// plus `plan` run in this process with its output captured.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planCommand, type PlanCommandOptions } from '../../src/cli/plan.js';
import { collect } from '../helpers/cli.js';
import type { CommandContext } from '../../src/cli/io.js';
import { createLogger } from '../../src/cli/log.js';
import { SecretSet } from '../../src/secrets.js';
import { writeLabFiles } from '../../src/lab/files.js';
import { PRESEED_SCHEMA_PATH } from '../../src/lab/preseed.js';
import { LabSite, type LabSiteOptions } from '../../src/lab/lab-site.js';

export const PASSPHRASE = 'lab-Plan-Passphrase-7f3a9c';

export interface PlanLab {
  site: LabSite;
  dir: string;
  /** The site.yaml path. */
  file: string;
  /** The preseed as written; change it and call write() to plan another file. */
  preseed: Record<string, unknown>;
  write(): void;
  stop(): Promise<void>;
}

export type SystemYaml = { name: string; address: string; ssh: { host: string; port: number; host_key: string } } & Record<string, unknown>;

export const systemsOf = (lab: PlanLab): SystemYaml[] => lab.preseed['systems'] as SystemYaml[];

export async function startLab(options: LabSiteOptions = {}): Promise<PlanLab> {
  const site = await LabSite.start(options);
  const dir = mkdtempSync(join(tmpdir(), 'plan-lab-'));
  try {
    const { siteFile, preseed, write } = writeLabFiles(dir, site, { schemaRef: PRESEED_SCHEMA_PATH, header: ['plan-lab'], sessionPassphrase: PASSPHRASE });
    return {
      site, dir, file: siteFile, preseed, write,
      stop: async () => {
        try {
          await site.stop();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await site.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface PlanRun {
  code: number;
  stdout: string;
  stderr: string;
}


export const PLAN_DEFAULTS: PlanCommandOptions = { json: false, detailedExitcode: false, parallelism: 10, trustOnFirstUse: false };

/** `microcloud plan FILE` in this process; logs (debug level) go to stderr like the binary's. */
export async function runPlan(lab: PlanLab, opts: Partial<PlanCommandOptions> = {}, file = lab.file): Promise<PlanRun> {
  const out = collect();
  const err = collect();
  const secrets = new SecretSet();
  const log = createLogger({ format: 'text', level: 'debug', secrets, stream: err.stream, color: false });
  const ctx: CommandContext = {
    io: { stdout: out.stream, stderr: err.stream, isTTY: false, cwd: lab.dir, env: { HOME: lab.dir } },
    log,
    secrets,
  };
  const code = await planCommand(ctx, file, { ...PLAN_DEFAULTS, ...opts });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: out.text(), stderr: err.text() };
}

/** The last non-empty line of a text. */
export const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';
