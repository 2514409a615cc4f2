// The critical path of a plan: the heaviest chain of steps through their dependencies. With
// unlimited parallelism and no overhead a walk of the plan takes exactly this long, so it is the
// physical limit an apply is compared with. Pure.

export interface DagStep {
  address: string;
  kind: string;
  dependsOn: readonly string[];
}

export interface CriticalPath {
  ms: number;
  /** Addresses from the first step to the last. */
  path: string[];
}

/** The longest path, each step weighing `weight(step)` ms. Throws on a cycle or an unknown dependency. */
export function criticalPath<S extends DagStep>(steps: readonly S[], weight: (step: S) => number): CriticalPath {
  const byAddress = new Map(steps.map((s) => [s.address, s]));
  const finish = new Map<string, { ms: number; via: string | null }>();
  const visiting = new Set<string>();
  // Depth-first with memoised finish times; iterative so a 200-member join chain cannot overflow the stack.
  const resolve = (root: S): void => {
    const stack: { step: S; next: number }[] = [{ step: root, next: 0 }];
    visiting.add(root.address);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = top.step.dependsOn;
      if (top.next < deps.length) {
        const dep = deps[top.next++]!;
        if (finish.has(dep)) continue;
        const s = byAddress.get(dep);
        if (!s) throw new Error(`${top.step.address} depends on ${dep}, which is not in the plan`);
        if (visiting.has(dep)) throw new Error(`dependency cycle through ${dep}`);
        visiting.add(dep);
        stack.push({ step: s, next: 0 });
        continue;
      }
      let start = 0;
      let via: string | null = null;
      for (const d of deps) {
        const f = finish.get(d)!.ms;
        if (f > start) { start = f; via = d; }
      }
      finish.set(top.step.address, { ms: start + weight(top.step), via });
      visiting.delete(top.step.address);
      stack.pop();
    }
  };
  for (const s of steps) if (!finish.has(s.address)) resolve(s);
  let last: string | null = null;
  let ms = 0;
  for (const [address, f] of finish) if (last === null || f.ms > ms) { last = address; ms = f.ms; }
  const path: string[] = [];
  for (let a = last; a !== null; a = finish.get(a)!.via) path.unshift(a);
  return { ms, path };
}
