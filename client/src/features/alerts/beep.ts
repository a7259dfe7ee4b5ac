// Audible alerts synthesised with the Web Audio API: no audio files to download or cache.
let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (typeof window === "undefined" || typeof window.AudioContext === "undefined") return null;
  context ??= new window.AudioContext();
  return context;
}

/** Call from a user gesture (login click, tap) so later alerts are allowed to sound. */
export function unlockAudio(): void {
  const ctx = audioContext();
  if (ctx && ctx.state === "suspended") void ctx.resume();
}

export type BeepPattern = "newCall" | "overdue" | "dispatch";

const PATTERNS: Record<BeepPattern, { frequency: number; tones: number; toneMs: number; gapMs: number }> = {
  newCall: { frequency: 880, tones: 2, toneMs: 180, gapMs: 120 },
  overdue: { frequency: 660, tones: 3, toneMs: 250, gapMs: 150 },
  dispatch: { frequency: 1040, tones: 3, toneMs: 300, gapMs: 120 },
};

export function beep(pattern: BeepPattern): void {
  const ctx = audioContext();
  if (!ctx) return;
  if (ctx.state === "suspended") void ctx.resume();
  const { frequency, tones, toneMs, gapMs } = PATTERNS[pattern];
  let start = ctx.currentTime + 0.01;
  for (let i = 0; i < tones; i++) {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = "square";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + toneMs / 1000);
    oscillator.connect(gain).connect(ctx.destination);
    oscillator.start(start);
    oscillator.stop(start + toneMs / 1000 + 0.02);
    start += (toneMs + gapMs) / 1000;
  }
}
