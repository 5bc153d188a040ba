// Files that arrive inside a JSON body (web form, new portal request), base64-encoded: decoded
// and checked before anything is written, so a refused file refuses the whole submission with
// the reason per file (the sender can remove it and send again) rather than vanishing quietly.
import { PORTAL_LIMITS, type UploadedFile } from '../../../shared/schemas/portal.js';
import { AppError } from '../../lib/errors.js';
import { attachmentProblem, type StoredFile } from '../cases/attachments.service.js';

export function decodeFiles(files: UploadedFile[]): StoredFile[] {
  const problems: { path: string; message: string }[] = [];
  let tooLarge = false;
  const decoded = files.map((f, i) => {
    const data = Buffer.from(f.data, 'base64');
    const contentType = (f.contentType ?? 'application/octet-stream').toLowerCase();
    const problem = attachmentProblem(f.filename, contentType, data.length);
    if (problem) {
      if (data.length > PORTAL_LIMITS.fileBytes) tooLarge = true;
      problems.push({ path: `body.files.${i}`, message: `${f.filename}: ${problem}` });
    }
    return { filename: f.filename, contentType, data };
  });
  if (problems.length > 0) {
    throw new AppError(
      tooLarge ? 413 : 422,
      'invalid_attachment',
      problems.map((p) => p.message).join('; '),
      problems,
    );
  }
  return decoded;
}
