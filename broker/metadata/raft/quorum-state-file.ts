// The election state a voter must not forget across restarts (its epoch and vote), kept like
// Kafka's `quorum-state` file in the metadata log directory: JSON, replaced atomically and fsynced
// before a vote is granted or an epoch is joined.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../storage/file-io.js";
import { NO_LEADER, NO_VOTE, type ElectionState } from "./raft-types.js";

export const QUORUM_STATE_FILE = "quorum-state";

/** Kafka's QuorumStateData field names, so the file reads the same as Kafka's. */
interface QuorumStateJson {
  leaderId: number;
  leaderEpoch: number;
  votedId: number;
  data_version: number;
}

export class QuorumStateFile {
  private readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, QUORUM_STATE_FILE);
  }

  read(): ElectionState {
    if (!existsSync(this.path)) return { epoch: 0, votedId: NO_VOTE, leaderId: NO_LEADER };
    let json: Partial<QuorumStateJson>;
    try {
      json = JSON.parse(readFileSync(this.path, "utf8")) as Partial<QuorumStateJson>;
    } catch (err) {
      throw new Error(`${this.path}: not valid JSON (${(err as Error).message}); refusing to guess the election state`);
    }
    const { leaderEpoch, votedId, leaderId } = json;
    if (![leaderEpoch, votedId, leaderId].every((v) => Number.isInteger(v))) {
      throw new Error(`${this.path}: leaderEpoch, votedId and leaderId must be integers`);
    }
    return { epoch: leaderEpoch!, votedId: votedId!, leaderId: leaderId! };
  }

  write(state: ElectionState): void {
    const json: QuorumStateJson = { leaderId: state.leaderId, leaderEpoch: state.epoch, votedId: state.votedId, data_version: 0 };
    writeFileAtomic(this.path, JSON.stringify(json));
  }
}
