// The upstream trees the conformance corpus is taken from, and the shape of a case. Every case names
// the file (and test or line) its preseed and its verdict come from, at these commits. Preseed YAML
// and error strings are quoted as test data: they are the facts being tested, not code.

export const MICROCLOUD = { repo: 'canonical/microcloud', commit: 'f26e73c0b283cb50cfa02c1b92c2a6dbddbbc741' } as const;
export const LXD = { repo: 'canonical/lxd', commit: 'a83edf2a79e4346f6e29e3dd3b97be4f5cf3ea05' } as const;
/** gopkg.in/yaml.v3 v3.0.1, the version MicroCloud's go.mod requires; cmd/microcloud/preseed.go decodes with yaml.Unmarshal. */
export const GO_YAML = { repo: 'go-yaml/yaml', commit: 'f6f7691b1fdeb513f56608cd2c32c51f8194bf51' } as const;

export interface Source {
  repo: string;
  commit: string;
  path: string;
  /** Test function and case, heredoc or section, with its line at that commit. */
  at: string;
}

export const microcloud = (path: string, at: string): Source => ({ ...MICROCLOUD, path, at });
export const lxd = (path: string, at: string): Source => ({ ...LXD, path, at });
export const goYaml = (path: string, at: string): Source => ({ ...GO_YAML, path, at });

/**
 * Where MicroCloud decides:
 * - `parse`: yaml.Unmarshal in RunPreseed;
 * - `validate`: Preseed.validate();
 * - `run`: later, but before it changes anything: Preseed.address() / Parse() (disk filters, disk
 *   filter conflicts) and initConfig.validateSystems() (the UPLINK checks).
 */
export type Stage = 'parse' | 'validate' | 'run';

export type Verdict =
  | {
    verdict: 'accepts';
    /** A warning MicroCloud prints for this file, in its words. */
    warns?: string;
    /** MicroCloud prints no such warning for this file. */
    silent?: RegExp;
  }
  | {
    verdict: 'rejects';
    stage: Stage;
    /** MicroCloud's (or LXD's, or yaml.v3's) words for the first problem it reports, where the corpus holds us to them. */
    message?: string;
    /** Whether an upstream test asserts `message`; otherwise it is the string in the code path. */
    asserted: boolean;
    /** Where microcloud-apply reports it (key path). */
    path?: string;
  };

export interface UpstreamCase {
  id: string;
  sources: Source[];
  yaml: string;
  upstream: Verdict;
  /** The mode MicroCloud's isBootstrap() gives the file. */
  mode?: 'bootstrap' | 'add';
  /** What was filled in or substituted to make the upstream fragment a file (shell variables, Go test fixtures). */
  note?: string;
  /**
   * Why microcloud-apply still disagrees, when it cannot be fixed in this part of the tree: the case
   * then runs as `test.failing`, and starts failing (so the mark must go) the day it agrees.
   */
  knownDisagreement?: string;
  /** Values MicroCloud would decode, checked on the DesiredState. */
  decoded?: Record<string, unknown>;
}

export const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;
