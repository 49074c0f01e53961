// The journal of an install directory, for a command about to act on it: one
// that cannot be used (corrupt, invalid, a newer schema) blocks the command
// (exit 3) with the journal's own message, before anything changes.
import { JournalError, loadJournal, type Journal } from '../engine/journal.js';
import { ExitCode, UserError } from '../errors.js';

export async function journalOf(dir: string): Promise<Journal | undefined> {
  try {
    return await loadJournal(dir);
  } catch (error) {
    if (error instanceof JournalError) throw new UserError(error.message, [], ExitCode.blockedByCheck);
    throw error;
  }
}
