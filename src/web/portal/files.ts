// Files a customer picks (portal, web form), read into the JSON the API takes (base64), with the
// limits checked before anything is sent. The server checks again and refuses executables.
import { PORTAL_LIMITS, type UploadedFile } from '../../shared/schemas/portal.js';
import { formatBytes } from '../lib/format.js';

export interface PickedFile {
  key: string;
  file: File;
}

let counter = 0;

/** Adds files to those already picked; answers the new list and a message for what was left out. */
export function addPicked(
  current: PickedFile[],
  list: FileList | File[],
): { files: PickedFile[]; problem: string | null } {
  const files = [...current];
  const problems: string[] = [];
  for (const file of Array.from(list)) {
    if (files.length >= PORTAL_LIMITS.files) {
      problems.push(`at most ${PORTAL_LIMITS.files} files`);
      break;
    }
    if (file.size > PORTAL_LIMITS.fileBytes) {
      problems.push(
        `${file.name} is ${formatBytes(file.size)}; files are limited to ${formatBytes(PORTAL_LIMITS.fileBytes)}`,
      );
      continue;
    }
    if (file.size === 0) {
      problems.push(`${file.name} is empty`);
      continue;
    }
    files.push({ key: `f${++counter}`, file });
  }
  return { files, problem: problems.length ? `Not added: ${problems.join('; ')}.` : null };
}

function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

export async function toUploads(files: PickedFile[]): Promise<UploadedFile[]> {
  return Promise.all(
    files.map(async ({ file }) => ({
      filename: file.name,
      contentType: file.type || 'application/octet-stream',
      data: await base64Of(file),
    })),
  );
}
