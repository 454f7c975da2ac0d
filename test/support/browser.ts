import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

/** Where a Chromium was found: a binary on this machine, or the one the @sparticuz/chromium package ships. */
export type ChromiumSource = { kind: 'system'; path: string } | { kind: 'bundled' };

/** The system binaries tried in order; the package is the fallback, so a machine with nothing but Node runs the browser tests. */
export function systemChromiumCandidates(env: NodeJS.ProcessEnv, onPath: (name: string) => string | undefined): string[] {
  const candidates = [env.CHROMIUM_PATH, '/usr/bin/chromium', onPath('google-chrome'), onPath('google-chrome-stable')];
  return candidates.filter((c): c is string => Boolean(c));
}

export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  isExecutable: (file: string) => boolean = executableFile,
  onPath: (name: string) => string | undefined = lookUpOnPath,
): ChromiumSource {
  const found = systemChromiumCandidates(env, onPath).find(isExecutable);
  return found ? { kind: 'system', path: found } : { kind: 'bundled' };
}

function executableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function lookUpOnPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Unpacks the package's Chromium once into node_modules/.cache, keyed by version. The package itself
 * unpacks into a shared /tmp/chromium and reuses whatever is there, so two test runs at once (or a
 * half-written file after an interrupted run) would break each other; a private directory that
 * only appears, by rename, once complete, avoids both.
 */
function bundledChromium(): string {
  const modules = path.resolve(__dirname, '../../node_modules');
  const pkgFile = path.join(modules, '@sparticuz/chromium/package.json'); // not among the package's exports
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
  const cacheRoot = path.join(modules, '.cache/seatd-chromium');
  const target = path.join(cacheRoot, pkg.version);
  const binary = path.join(target, 'chromium');
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(cacheRoot, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cacheRoot, 'unpacking-'));
  // a child process, so that the package unpacks into os.tmpdir() = staging, and its changes to the environment stay there
  execFileSync(process.execPath, ['-e', "require('@sparticuz/chromium').executablePath()"], {
    cwd: path.dirname(modules),
    env: { ...process.env, TMPDIR: staging },
    stdio: 'inherit',
  });
  try {
    fs.renameSync(staging, target);
  } catch {
    fs.rmSync(staging, { recursive: true, force: true }); // another run finished first; its copy is as good
  }
  return binary;
}

/** Headless Chromium; the flags keep it from reaching for the network at start. */
export async function launchChromium(): Promise<Browser> {
  const source = findChromium();
  const executablePath = source.kind === 'system' ? source.path : bundledChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
