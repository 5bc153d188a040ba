// Saving a file the API serves behind the bearer token: fetched as a Blob, then handed to the
// browser through a temporary object URL and a clicked download link.
import { fetchBlob } from './api.js';

export async function downloadFile(url: string, filename: string): Promise<void> {
  const blob = await fetchBlob(url);
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
