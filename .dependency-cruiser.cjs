// The layers (docs/architecture.md), each importing only the ones below it:
//
//   pure core   src/preseed (text → DesiredState), src/live (LiveState types), src/plan (→ Plan),
//               src/export (LiveState → a preseed that plans to nothing)
//   shell       src/remote (SSH, HTTP over SSH)
//               src/services (readers: build LiveState), src/apply (steps against hosts)
//               src/site (files, gather, the load → gather → plan pipeline)
//               src/cli (commands)
//   simulator   src/lab (imported by product code only through the `lab` command's dynamic import)
//
// `npm test` runs this check (npm run arch); a violation fails the suite.
const PURE = '^src/(preseed|live|plan|export|secrets\\.ts)';
const SHELL_MODULES = '^(node:)?(fs|fs/promises|net|os|child_process|dgram|http|https|tls|readline)$|^(ssh2|undici|winston|ws)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-core-no-io',
      comment: 'preseed, live and plan are pure functions of data: no file, network, OS or process access.',
      severity: 'error',
      from: { path: PURE },
      to: { path: SHELL_MODULES },
    },
    {
      name: 'pure-core-no-shell',
      comment: 'The pure core imports nothing from the shell side.',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^src/(remote|services|apply|site|cli|lab|tools)/' },
    },
    {
      name: 'preseed-is-lowest',
      comment: 'The preseed layer knows nothing of live state or plans.',
      severity: 'error',
      from: { path: '^src/preseed/' },
      to: { path: '^src/(live|plan)/' },
    },
    {
      name: 'plan-below-export',
      comment: 'export writes a preseed and checks it with the planner; the planner knows nothing of export',
      severity: 'error',
      from: { path: '^src/(preseed|live|plan)/' },
      to: { path: '^src/export/' },
    },
    {
      name: 'live-below-plan',
      comment: 'LiveState is shared by the readers and the planner, so it cannot import the planner.',
      severity: 'error',
      from: { path: '^src/live/' },
      to: { path: '^src/plan/' },
    },
    {
      name: 'remote-knows-no-domain',
      comment: 'The remote layer moves bytes; it knows no daemon, plan or command.',
      severity: 'error',
      from: { path: '^src/remote/' },
      to: { path: '^src/(preseed|live|plan|export|services|apply|site|cli|lab|tools)/' },
    },
    {
      name: 'readers-not-planner',
      comment: 'Readers build LiveState; they do not import the planner, apply, the pipeline or the commands.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(plan|export|apply|site|cli|tools)/' },
    },
    {
      name: 'apply-below-site',
      severity: 'error',
      from: { path: '^src/apply/' },
      to: { path: '^src/(site|cli|tools)/' },
    },
    {
      name: 'site-below-cli',
      severity: 'error',
      from: { path: '^src/site/' },
      to: { path: '^src/(cli|tools)/' },
    },
    {
      name: 'product-not-lab',
      comment: 'The lab is a simulator: product code reaches it only through the lab command\'s dynamic import.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(lab|tools)/' },
      to: { path: '^src/lab/', dependencyTypesNot: ['dynamic-import'] },
    },
    {
      name: 'no-runtime-cycle',
      comment: 'No import cycle that exists at run time (cycles through type-only imports are erased).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type is part of what a layer knows about.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
