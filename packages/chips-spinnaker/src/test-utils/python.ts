import { execFileSync } from 'node:child_process';

/** The Python that has Debian's PyNN (python3-pynn, python3-brian). */
export const PYTHON = '/usr/bin/python3';

/**
 * Whether {@link PYTHON} can find the given top-level packages (a cheap `find_spec` probe:
 * importing pyNN.brian2 itself takes many seconds); the reason when it cannot.
 */
export function pythonHas(...packages: string[]): { ok: boolean; reason: string } {
  const probe = `import importlib.util as u, sys; missing = [p for p in ${JSON.stringify(packages)} if u.find_spec(p) is None]; print(",".join(missing)); sys.exit(1 if missing else 0)`;
  try {
    execFileSync(PYTHON, ['-c', probe], { stdio: 'pipe', timeout: 60_000 });
    return { ok: true, reason: '' };
  } catch (e) {
    const err = e as { code?: string; stdout?: Buffer };
    const why = err.code === 'ENOENT' ? `${PYTHON} is missing` : `missing ${err.stdout?.toString().trim() || String(e)}`;
    return { ok: false, reason: `${PYTHON} cannot import ${packages.join(', ')} (${why}); install Debian python3-pynn and python3-brian` };
  }
}
