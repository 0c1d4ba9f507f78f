/// <reference types="svelte" />
import type { RidgelineBridge } from '../../shared/bridge.ts';

declare global {
  interface Window {
    /** The desktop shell's preload bridge (absent in serve mode, where the UI talks HTTP). */
    ridgeline?: RidgelineBridge;
  }
}

export {};
