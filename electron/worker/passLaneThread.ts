/**
 * The pass lane's thread (see passLane.ts): waits for a job in the control block, sums its half of the
 * rows with the engine's own pass (so the numbers are those the trainer's thread would get), answers.
 */
import { receiveMessageOnPort } from 'node:worker_threads';
import { linearPassRows } from '../../shared/engine/kernels/glmPasses.ts';
import { CONTROL, type LaneAttachment, type LaneStart } from './passLaneProtocol.ts';

export function runPassLane(start: LaneStart, ready: () => void): void {
  const { control, port } = start;
  let attachment: LaneAttachment | null = null;
  let seen = 0;
  ready();
  for (;;) {
    Atomics.wait(control, CONTROL.seq, seen);
    const seq = Atomics.load(control, CONTROL.seq);
    if (seq === CONTROL.quit) return;
    if (seq === seen) continue;
    seen = seq;
    let answer = seq;
    try {
      const generation = control[CONTROL.generation];
      while (attachment?.generation !== generation) {
        const next = receiveMessageOnPort(port);
        if (!next) throw new Error(`the pass lane has no buffers of generation ${generation}`);
        attachment = next.message as LaneAttachment;
      }
      const { x, y, io } = attachment;
      const p = io[2];
      const h = CONTROL.ioHeader;
      linearPassRows(x, y, io[0], io[1], p, io[3], io.subarray(h, h + p), io.subarray(h + p, h + 2 * p), io.subarray(h + 2 * p, h + 2 * p + 2));
    } catch {
      answer = -seq;
    }
    Atomics.store(control, CONTROL.done, answer);
    Atomics.notify(control, CONTROL.done);
  }
}
