// Saving a file the API serves behind the bearer token (fetched as a Blob), or one the page made,
// handed to the browser through a temporary object URL and a clicked download link.
import { useState } from 'react';
import { fetchFile, toApiError } from './api.js';

/** Saves a file of the API under the name its answer gives (else `filename`). */
export async function downloadFile(url: string, filename: string): Promise<void> {
  const file = await fetchFile(url);
  saveBlob(file.blob, file.filename ?? filename);
}

/** Hands a file made here (or fetched) to the browser's downloads. */
export function saveBlob(blob: Blob, filename: string) {
  const objectUrl = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = objectUrl;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // Not at once: the browser may still be reading it for the download.
  setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
}

/** A download behind a button: busy while it runs, and the error it ended with (for the page to show). */
export function useDownload() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function download(url: string, filename: string) {
    setBusy(true);
    setError(null);
    try {
      await downloadFile(url, filename);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, download };
}
