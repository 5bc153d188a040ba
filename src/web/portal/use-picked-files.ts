// The files picked for a message (portal, web form): what is picked, and why the last pick left
// some out. The limits are checked by addPicked.
import { useState } from 'react';
import { addPicked, type PickedFile } from './files.js';

export function usePickedFiles() {
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  return {
    files,
    problem,
    add(list: FileList | File[]) {
      const next = addPicked(files, list);
      setFiles(next.files);
      setProblem(next.problem);
    },
    remove(key: string) {
      setFiles((all) => all.filter((f) => f.key !== key));
    },
    /** After sending: the picked files are gone, a message about an earlier pick stays. */
    clear() {
      setFiles([]);
    },
  };
}
