// A readable name for the browser behind a session ("Chrome 120 on Linux"), from its User-Agent,
// so a user can tell their sessions apart. Parsing User-Agents is a moving target: bowser (MIT,
// no dependencies) keeps up with it; this only picks what to show.
import Bowser from 'bowser';

/** The User-Agent as stored: at most 512 characters, and none for an empty header. */
export function storedUserAgent(header: string | string[] | undefined): string | null {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value ? value.slice(0, 512) : null;
}

/** Where a sign-in comes from (a request's address and browser), kept with its session. */
export function signInClient(request: { ip: string; headers: { 'user-agent'?: string | string[] } }) {
  return { ip: request.ip, userAgent: storedUserAgent(request.headers['user-agent']) };
}

export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const parser = Bowser.getParser(userAgent);
  const browser = parser.getBrowser();
  if (!browser.name) return userAgent.length > 60 ? `${userAgent.slice(0, 59)}…` : userAgent;
  const major = browser.version?.split('.')[0];
  const os = parser.getOS();
  const osVersion = os.versionName ?? os.version;
  const osLabel = os.name ? ` on ${os.name}${osVersion ? ` ${osVersion}` : ''}` : '';
  return `${browser.name}${major ? ` ${major}` : ''}${osLabel}`;
}
