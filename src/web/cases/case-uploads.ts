// Files chosen for a message (a reply or note, a side conversation's message): each uploaded to
// the case as it is chosen, kept until the message goes with their ids.
import { useState } from 'react';
import { api, toApiError } from '../lib/api.js';
import type { Attachment } from '../lib/types.js';

/**
 * Uploads one file to the case. The server's own JSON and plain-text body parsers claim
 * `application/json` and `text/plain` uploads before the upload route sees the bytes (it answers
 * 422 invalid_attachment / 400 invalid_json); such files are sent again as octet-stream.
 */
async function uploadFile(caseId: string, file: File): Promise<Attachment> {
  const type = file.type || 'application/octet-stream';
  const path = `/cases/${caseId}/attachments`;
  try {
    return await api.upload<Attachment>(path, { filename: file.name }, file, type);
  } catch (err) {
    const e = toApiError(err);
    if (
      (e.code === 'invalid_attachment' || e.code === 'invalid_json') &&
      type !== 'application/octet-stream'
    ) {
      return api.upload<Attachment>(path, { filename: file.name }, file, 'application/octet-stream');
    }
    throw e;
  }
}

/**
 * The files of one message being written. `onError` hears of a file that could not be uploaded
 * ("name: why"); the others go on.
 */
export function useCaseUploads(caseId: string, onError: (message: string) => void) {
  const [files, setFiles] = useState<Attachment[]>([]);
  const [uploading, setUploading] = useState(0);
  async function add(list: FileList | null) {
    if (!list || list.length === 0) return;
    const chosen = [...list];
    setUploading((n) => n + chosen.length);
    for (const file of chosen) {
      try {
        const uploaded = await uploadFile(caseId, file);
        setFiles((f) => [...f, uploaded]);
      } catch (err) {
        onError(`${file.name}: ${toApiError(err).message}`);
      } finally {
        setUploading((n) => n - 1);
      }
    }
  }
  return {
    files,
    uploading,
    add,
    ids: files.map((f) => f.id),
    remove: (id: string) => setFiles((all) => all.filter((f) => f.id !== id)),
    clear: () => setFiles([]),
  };
}
